#include "mechanisms/content/softmax_exposure.h"

#include <algorithm>
#include <array>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "core/error.h"

namespace agora {

namespace {

constexpr std::array<double, 8> kGaussNodes = {
    -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
    0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
constexpr std::array<double, 8> kGaussWeights = {
    0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

double standard_gumbel(Rng& rng) {
  double u = boost::random::uniform_01<double>()(rng);
  while (u <= 0.0) u = boost::random::uniform_01<double>()(rng);
  return -std::log(-std::log(u));
}

}  // namespace

SoftmaxExposure::SoftmaxExposure(double temperature) : temperature_(temperature) {
  AGORA_CHECK(temperature > 0.0 && std::isfinite(temperature));
}

void SoftmaxExposure::select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const {
  AGORA_CHECK_GE(batch.slate_size, 0);
  slate.resize(batch.users, batch.slate_size);
  thread_local std::vector<std::pair<double, std::int32_t>> keys;
  keys.reserve(static_cast<std::size_t>(batch.items));
  const double inverse_tau = 1.0 / temperature_;
  const int k = batch.slate_size;
  for (int u = 0; u < batch.users; ++u) {
    const float* scores = batch.scores + static_cast<std::ptrdiff_t>(u) * batch.items;
    keys.clear();
    for (int i = 0; i < batch.items; ++i) {
      if (scores[i] > -INFINITY)
        keys.emplace_back(scores[i] * inverse_tau + standard_gumbel(rng), i);
    }
    const int shown = std::min(k, static_cast<int>(keys.size()));
    std::partial_sort(keys.begin(), keys.begin() + shown, keys.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::int32_t* row = slate.data() + static_cast<std::ptrdiff_t>(u) * k;
    for (int p = 0; p < k; ++p) row[p] = p < shown ? keys[static_cast<std::size_t>(p)].second : -1;
  }
}

void SoftmaxExposure::inclusion_probabilities(std::span<const float> scores, int slate_size,
                                              std::span<double> out) const {
  AGORA_CHECK_EQ(out.size(), scores.size());
  AGORA_CHECK_GE(slate_size, 0);
  std::fill(out.begin(), out.end(), 0.0);
  thread_local std::vector<double> weights;
  thread_local std::vector<int> index;
  weights.clear();
  index.clear();
  float top = -INFINITY;
  for (float s : scores) top = std::max(top, s);
  if (top == -INFINITY || slate_size == 0) return;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > -INFINITY) {
      weights.push_back(std::exp((static_cast<double>(scores[i]) - top) / temperature_));
      index.push_back(static_cast<int>(i));
    }
  }
  const int n = static_cast<int>(weights.size());
  const int k = slate_size;
  if (n <= k) {
    for (int i : index) out[static_cast<std::size_t>(i)] = 1.0;
    return;
  }
  if (k == 1) {
    double total = 0.0;
    for (double w : weights) total += w;
    for (int j = 0; j < n; ++j) out[static_cast<std::size_t>(index[j])] = weights[j] / total;
    return;
  }
  thread_local std::vector<double> result;
  result.resize(static_cast<std::size_t>(n));
  if (subset_count(n, k) <= kMaxSubsets) {
    inclusion_by_subsets(weights, k, result);
  } else {
    inclusion_by_quadrature(weights, k, result);
  }
  for (int j = 0; j < n; ++j) {
    out[static_cast<std::size_t>(index[j])] =
        std::clamp(result[static_cast<std::size_t>(j)], 0.0, 1.0);
  }
}

void SoftmaxExposure::inclusion_by_quadrature(std::span<const double> w, int k,
                                              std::span<double> out) {
  const int n = static_cast<int>(w.size());
  AGORA_CHECK_EQ(out.size(), w.size());
  AGORA_CHECK(k >= 1 && k < n);
  // Exponential race, integrated over t in [t_low, t_high]. Weights are <= 1, so
  // P(K others finished by t) <= C(n-1, K) t^K: below t_low = (1e-13 / C(n-1, K))^{1/K} the
  // integrand is w_i e^{-w_i t} up to 1e-13 and integrates to 1 - e^{-w_i t_low}. Above
  // t_high = 50 / w_(K+1) at least K others of weight >= w_(K+1) have finished with
  // probability > 1 - (K+1) e^{-50}.
  thread_local std::vector<double> sorted;
  sorted.assign(w.begin(), w.end());
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end(), std::greater<>());
  const double log_choose = std::lgamma(n) - std::lgamma(k + 1.0) - std::lgamma(n - k);
  const double log_high = std::log(50.0 / sorted[static_cast<std::size_t>(k)]);
  const double log_low = std::min((std::log(1e-13) - log_choose) / k, log_high - 1.0);
  const double t_low = std::exp(log_low);
  const int panels = std::max(1, static_cast<int>(std::ceil(log_high - log_low)));
  const double width = (log_high - log_low) / panels;
  // prefix[j*K + c]: P(c of items 0..j-1 finished by t), c < K; suffix likewise for j..n-1.
  thread_local std::vector<double> prefix;
  thread_local std::vector<double> suffix;
  thread_local std::vector<double> finished;
  thread_local std::vector<double> survive;
  prefix.assign(static_cast<std::size_t>((n + 1) * k), 0.0);
  suffix.assign(static_cast<std::size_t>((n + 1) * k), 0.0);
  finished.resize(static_cast<std::size_t>(n));
  survive.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) out[static_cast<std::size_t>(j)] = -std::expm1(-w[j] * t_low);
  const auto at = [k](std::vector<double>& v, int j, int c) -> double& {
    return v[static_cast<std::size_t>(j * k + c)];
  };
  for (int panel = 0; panel < panels; ++panel) {
    const double middle = log_low + (panel + 0.5) * width;
    for (std::size_t g = 0; g < kGaussNodes.size(); ++g) {
      const double log_t = middle + 0.5 * width * kGaussNodes[g];
      const double t = std::exp(log_t);
      const double jacobian = 0.5 * width * kGaussWeights[g] * t;
      for (int j = 0; j < n; ++j) {
        survive[static_cast<std::size_t>(j)] = std::exp(-w[j] * t);
        finished[static_cast<std::size_t>(j)] = 1.0 - survive[static_cast<std::size_t>(j)];
      }
      at(prefix, 0, 0) = 1.0;
      for (int c = 1; c < k; ++c) at(prefix, 0, c) = 0.0;
      for (int j = 0; j < n; ++j) {
        const double p = finished[static_cast<std::size_t>(j)];
        at(prefix, j + 1, 0) = at(prefix, j, 0) * (1.0 - p);
        for (int c = 1; c < k; ++c) {
          at(prefix, j + 1, c) = at(prefix, j, c) * (1.0 - p) + at(prefix, j, c - 1) * p;
        }
      }
      at(suffix, n, 0) = 1.0;
      for (int c = 1; c < k; ++c) at(suffix, n, c) = 0.0;
      for (int j = n - 1; j >= 0; --j) {
        const double p = finished[static_cast<std::size_t>(j)];
        at(suffix, j, 0) = at(suffix, j + 1, 0) * (1.0 - p);
        for (int c = 1; c < k; ++c) {
          at(suffix, j, c) = at(suffix, j + 1, c) * (1.0 - p) + at(suffix, j + 1, c - 1) * p;
        }
      }
      for (int i = 0; i < n; ++i) {
        // P(#others finished < K) = sum_a prefix_i[a] * P(suffix_{i+1} count <= K-1-a).
        double fewer = 0.0;
        double cumulative = 0.0;
        for (int b = 0; b < k; ++b) {
          cumulative += at(suffix, i + 1, b);
          fewer += at(prefix, i, k - 1 - b) * cumulative;
        }
        const double density = w[i] * survive[static_cast<std::size_t>(i)];
        out[static_cast<std::size_t>(i)] += jacobian * density * fewer;
      }
    }
  }
}

double SoftmaxExposure::subset_count(int n, int k) {
  double count = 0.0;
  double choose = 1.0;  // C(n, j)
  for (int j = 0; j <= k; ++j) {
    count += choose;
    choose = choose * (n - j) / (j + 1);
  }
  return n <= 30 ? count : std::numeric_limits<double>::infinity();
}

void SoftmaxExposure::inclusion_by_subsets(std::span<const double> w, int k,
                                           std::span<double> out) {
  const int n = static_cast<int>(w.size());
  AGORA_CHECK_EQ(out.size(), w.size());
  AGORA_CHECK(k >= 1 && k < n && n <= 30);
  // choose[m * (k + 2) + j] = C(m, j): the colex rank of a j-set {p_1 < ... < p_j} is
  // sum_t C(p_t, t).
  thread_local std::vector<double> choose;
  const int stride = k + 2;
  choose.assign(static_cast<std::size_t>((n + 1) * stride), 0.0);
  for (int m = 0; m <= n; ++m) {
    choose[static_cast<std::size_t>(m * stride)] = 1.0;
    for (int j = 1; j < stride && j <= m; ++j) {
      choose[static_cast<std::size_t>(m * stride + j)] =
          choose[static_cast<std::size_t>((m - 1) * stride + j - 1)] +
          (j <= m - 1 ? choose[static_cast<std::size_t>((m - 1) * stride + j)] : 0.0);
    }
  }
  const auto rank = [&](std::uint32_t mask) {
    std::size_t r = 0;
    int t = 1;
    while (mask != 0) {
      const int p = __builtin_ctz(mask);
      r += static_cast<std::size_t>(choose[static_cast<std::size_t>(p * stride + t)]);
      mask &= mask - 1;
      ++t;
    }
    return r;
  };
  // layer[r]: the probability that the first j draws are the j-set of colex rank r.
  thread_local std::vector<double> layer;
  thread_local std::vector<double> next;
  thread_local std::vector<std::uint32_t> masks;
  thread_local std::vector<std::uint32_t> next_masks;
  layer.assign(1, 1.0);
  masks.assign(1, 0u);
  for (int j = 0; j < k; ++j) {
    const auto size =
        static_cast<std::size_t>(choose[static_cast<std::size_t>(n * stride + j + 1)]);
    next.assign(size, 0.0);
    next_masks.assign(size, 0u);
    for (std::size_t r = 0; r < layer.size(); ++r) {
      const double f = layer[r];
      if (f == 0.0) continue;
      const std::uint32_t set = masks[r];
      double rest = 0.0;
      for (int i = 0; i < n; ++i) rest += (set >> i & 1u) ? 0.0 : w[static_cast<std::size_t>(i)];
      for (int i = 0; i < n; ++i) {
        if (set >> i & 1u) continue;
        const std::uint32_t grown = set | (1u << i);
        const std::size_t target = rank(grown);
        next[target] += f * (w[static_cast<std::size_t>(i)] / rest);
        next_masks[target] = grown;
      }
    }
    layer.swap(next);
    masks.swap(next_masks);
  }
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t r = 0; r < layer.size(); ++r) {
    for (std::uint32_t set = masks[r]; set != 0; set &= set - 1) {
      out[static_cast<std::size_t>(__builtin_ctz(set))] += layer[r];
    }
  }
}

namespace {

std::shared_ptr<const ExposureRule> make(const Json& params, const std::string& path) {
  const double tau = params.at("temperature").get<double>();
  if (!(tau > 0.0)) {
    throw ConfigError(join_path(path, "temperature"), "must be > 0, got " + format_number(tau));
  }
  return std::make_shared<SoftmaxExposure>(tau);
}

const bool registered = ExposureRuleRegistry::instance().add(
    {"exposure_rule",
     "softmax",
     "Plackett-Luce slate: K draws without replacement with probability ~ exp(score / tau).",
     "Stochastic exposure (Hron et al. 2023): position 1 shows item i with probability "
     "exp(x_i/tau) / sum_j exp(x_j/tau), later positions draw likewise among the items not yet "
     "shown (Plackett-Luce), sampled by Gumbel-top-K. tau -> 0 gives top_k, tau -> inf a "
     "uniform slate.",
     {param::real("temperature", 1.0, "tau > 0: the softmax temperature")
          .range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
