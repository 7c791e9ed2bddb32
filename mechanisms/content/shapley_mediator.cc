#include "mechanisms/content/shapley_mediator.h"

#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace agora {

ShapleyMediator::ShapleyMediator(Satisfaction satisfaction, double offset, double scale)
    : satisfaction_(satisfaction), offset_(offset), inverse_scale_(1.0 / scale) {
  AGORA_CHECK(scale > 0.0 && std::isfinite(scale) && std::isfinite(offset));
}

double ShapleyMediator::satisfaction(float score) const {
  if (!(score > -INFINITY)) return 0.0;
  const double z = (static_cast<double>(score) - offset_) * inverse_scale_;
  if (satisfaction_ == Satisfaction::kClip) return std::clamp(z, 0.0, 1.0);
  return 1.0 / (1.0 + std::exp(-z));
}

void ShapleyMediator::mediator_probabilities(std::span<const float> scores,
                                             std::span<double> out) const {
  AGORA_CHECK_EQ(out.size(), scores.size());
  thread_local std::vector<double> sigma;
  thread_local std::vector<int> order;
  const int n = static_cast<int>(scores.size());
  sigma.resize(scores.size());
  order.resize(scores.size());
  for (int i = 0; i < n; ++i) sigma[static_cast<std::size_t>(i)] = satisfaction(scores[i]);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return sigma[static_cast<std::size_t>(a)] > sigma[static_cast<std::size_t>(b)];
  });
  // Walk ranks from the bottom: P(rank j) = P(rank j+1) + (sigma_(j) - sigma_(j+1)) / j.
  double tail = 0.0;
  for (int rank = n; rank >= 1; --rank) {
    const int item = order[static_cast<std::size_t>(rank - 1)];
    const double here = sigma[static_cast<std::size_t>(item)];
    const double next =
        rank < n ? sigma[static_cast<std::size_t>(order[static_cast<std::size_t>(rank)])] : 0.0;
    tail += (here - next) / rank;
    out[static_cast<std::size_t>(item)] = tail;
  }
}

void ShapleyMediator::select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const {
  AGORA_CHECK_GE(batch.slate_size, 0);
  const int k = batch.slate_size;
  slate.resize(batch.users, k);
  thread_local std::vector<double> sigma;
  sigma.resize(static_cast<std::size_t>(batch.items));
  for (int u = 0; u < batch.users; ++u) {
    const float* scores = batch.scores + static_cast<std::ptrdiff_t>(u) * batch.items;
    for (int i = 0; i < batch.items; ++i)
      sigma[static_cast<std::size_t>(i)] = satisfaction(scores[i]);
    std::int32_t* row = slate.data() + static_cast<std::ptrdiff_t>(u) * k;
    int filled = 0;
    for (int draw = 0; draw < k; ++draw) {
      const double level = boost::random::uniform_01<double>()(rng);
      int above = 0;
      for (int i = 0; i < batch.items; ++i) above += sigma[static_cast<std::size_t>(i)] > level;
      if (above == 0) continue;
      int pick = boost::random::uniform_int_distribution<int>(0, above - 1)(rng);
      int item = 0;
      for (;; ++item) {
        if (sigma[static_cast<std::size_t>(item)] > level && pick-- == 0) break;
      }
      if (std::find(row, row + filled, item) == row + filled) row[filled++] = item;
    }
    for (int p = filled; p < k; ++p) row[p] = -1;
  }
}

void ShapleyMediator::inclusion_probabilities(std::span<const float> scores, int slate_size,
                                              std::span<double> out) const {
  AGORA_CHECK_GE(slate_size, 0);
  mediator_probabilities(scores, out);
  if (slate_size == 1) return;
  for (double& p : out) p = 1.0 - std::pow(1.0 - p, slate_size);
}

namespace {

std::shared_ptr<const ExposureRule> make(const Json& params, const std::string& path) {
  const double scale = params.at("scale").get<double>();
  if (!(scale > 0.0)) {
    throw ConfigError(join_path(path, "scale"), "must be > 0, got " + format_number(scale));
  }
  const auto satisfaction = params.at("satisfaction").get<std::string>() == "logistic"
                                ? ShapleyMediator::Satisfaction::kLogistic
                                : ShapleyMediator::Satisfaction::kClip;
  return std::make_shared<ShapleyMediator>(satisfaction, params.at("offset").get<double>(), scale);
}

const bool registered = ExposureRuleRegistry::instance().add(
    {"exposure_rule",
     "shapley_mediator",
     "Ben-Porat & Tennenholtz's Shapley mediator: item of rank j shown w.p. "
     "sum_{l>=j} (sigma_l - sigma_{l+1}) / l.",
     "The Shapley mediator (Ben-Porat & Tennenholtz, NeurIPS 2018): satisfaction levels sigma "
     "in [0,1] from the scores (clip or logistic of (x - offset) / scale); one draw shows the "
     "item of rank j with probability sum_{l>=j} (sigma_(l) - sigma_(l+1)) / l and nothing with "
     "probability 1 - max sigma. A slate of K is K independent draws, repeats dropped. The "
     "induced game among providers is a potential game.",
     {param::text("satisfaction", "clip", {"clip", "logistic"},
                  "map from z = (score - offset) / scale to sigma: min(1, max(0, z)) or "
                  "1 / (1 + exp(-z))"),
      param::real("offset", 0.0, "subtracted from the score"),
      param::real("scale", 1.0, "the score is divided by it (> 0)").range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
