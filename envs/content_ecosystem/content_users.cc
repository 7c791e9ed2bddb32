#include "envs/content_ecosystem/content_users.h"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

void logit_choice_probabilities(std::span<const double> v, double v0, std::span<double> p) {
  AGORA_CHECK_EQ(p.size(), v.size() + 1);
  double top = v0;
  for (double x : v) top = std::max(top, x);
  double total = std::exp(v0 - top);
  for (std::size_t k = 0; k < v.size(); ++k) {
    p[k] = std::exp(v[k] - top);
    total += p[k];
  }
  p[v.size()] = std::exp(v0 - top);
  for (double& x : p) x /= total;
}

int draw_logit_choice(std::span<const double> v, double v0, Rng& rng) {
  double top = v0;
  for (double x : v) top = std::max(top, x);
  double total = std::exp(v0 - top);
  for (double x : v) total += std::exp(x - top);
  double u = uniform01(rng) * total;
  for (std::size_t k = 0; k < v.size(); ++k) {
    u -= std::exp(v[k] - top);
    if (u < 0.0) return static_cast<int>(k);
  }
  return -1;
}

std::vector<double> topic_cdf(const std::vector<double>& weights, int n) {
  std::vector<double> cdf(static_cast<std::size_t>(n));
  double total = 0.0;
  for (int t = 0; t < n; ++t) {
    total += weights.empty() ? 1.0 : weights[static_cast<std::size_t>(t)];
    cdf[static_cast<std::size_t>(t)] = total;
  }
  AGORA_CHECK(total > 0.0);
  for (double& c : cdf) c /= total;
  cdf.back() = 1.0;
  return cdf;
}

int draw_topic(const std::vector<double>& cdf, Rng& rng) {
  const double u = uniform01(rng);
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  return static_cast<int>(
      std::min<std::ptrdiff_t>(it - cdf.begin(), static_cast<std::ptrdiff_t>(cdf.size()) - 1));
}

ContentUsers::ContentUsers(const ContentUserParams& params, const TopicSpace& space)
    : params_(params),
      space_(space),
      topic_cdf_(topic_cdf(params.topic_weights, space.topics())),
      preferences_(params.count, space.dim()),
      home_(params.drift_reversion > 0.0 ? params.count : 0, space.dim()),
      active_(BoolArray::Constant(params.count, false)),
      left_before_(BoolArray::Constant(params.count, false)),
      satisfaction_(Eigen::ArrayXd::Zero(params.count)),
      topic_(Eigen::ArrayXi::Zero(params.count)) {}

void ContentUsers::reset(Rng& rng) {
  const auto dim = static_cast<std::size_t>(space_.dim());
  for (int u = 0; u < params_.count; ++u) {
    topic_(u) = draw_topic(topic_cdf_, rng);
    space_.sample_around(topic_(u), params_.spread, rng,
                         std::span<float>(preferences_.row(u).data(), dim));
  }
  if (home_.rows() > 0) home_ = preferences_;
  active_.setConstant(true);
  left_before_.setConstant(false);
  satisfaction_.setZero();
}

void ContentUsers::drift(Rng& rng) {
  if (params_.drift <= 0.0) return;
  boost::random::normal_distribution<double> normal;
  const int dim = space_.dim();
  for (int u = 0; u < params_.count; ++u) {
    if (!active_(u)) continue;
    float* x = preferences_.row(u).data();
    const double kappa = params_.drift_reversion;
    for (int k = 0; k < dim; ++k) {
      const double pull = kappa > 0.0 ? kappa * (home_(u, k) - x[k]) : 0.0;
      x[k] = static_cast<float>(x[k] + pull + params_.drift * normal(rng));
    }
    if (!normalize_in_place(std::span<float>(x, static_cast<std::size_t>(dim)))) {
      x[0] = 1.0f;  // probability zero; keeps the vector on the sphere
    }
  }
}

double ContentUsers::utility(int user, const float* direction, double quality) const {
  const float* x = preferences_.row(user).data();
  double dot = 0.0;
  for (int k = 0; k < space_.dim(); ++k) dot += static_cast<double>(x[k]) * direction[k];
  return params_.affinity * dot + params_.quality_utility * quality;
}

void ContentUsers::record_session(int user, double value) {
  const double m = params_.satisfaction_memory;
  satisfaction_(user) = (1.0 - m) * satisfaction_(user) + m * value;
}

int ContentUsers::churn_and_return(Rng& rng) {
  int left = 0;
  for (int u = 0; u < params_.count; ++u) {
    if (active_(u)) {
      if (satisfaction_(u) < params_.churn_threshold && params_.churn_probability > 0.0 &&
          uniform01(rng) < params_.churn_probability) {
        active_(u) = false;
        ++left;
      }
    } else if (left_before_(u)) {
      if (params_.return_probability > 0.0 && uniform01(rng) < params_.return_probability) {
        active_(u) = true;
        satisfaction_(u) = 0.0;
      }
    }
  }
  left_before_ = !active_;
  return left;
}

void ContentUsers::set_preference(int user, std::span<const float> x, int topic) {
  AGORA_CHECK_EQ(static_cast<int>(x.size()), space_.dim());
  for (int k = 0; k < space_.dim(); ++k) preferences_(user, k) = x[static_cast<std::size_t>(k)];
  normalize_in_place(std::span<float>(preferences_.row(user).data(), x.size()));
  if (home_.rows() > 0) home_.row(user) = preferences_.row(user);
  topic_(user) = topic;
}

}  // namespace agora
