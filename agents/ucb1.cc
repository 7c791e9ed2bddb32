#include "agents/ucb1.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

Ucb1::Ucb1(int arms, std::optional<std::pair<double, double>> reward_range)
    : fixed_range_(reward_range.has_value()),
      reward_low_(reward_range ? reward_range->first : std::numeric_limits<double>::infinity()),
      reward_high_(reward_range ? reward_range->second : -std::numeric_limits<double>::infinity()),
      counts_(arms, 0),
      sums_(arms, 0.0),
      means_(arms, 0.0),
      inverse_sqrt_counts_(arms, 0.0) {
  AGORA_CHECK_GE(arms, 1);
  if (fixed_range_) AGORA_CHECK(reward_high_ > reward_low_);
}

int Ucb1::select(Rng& /*rng*/) {
  while (next_untried_ < arms() && counts_[next_untried_] > 0) ++next_untried_;
  if (next_untried_ < arms()) return next_untried_;
  const double width = reward_high_ - reward_low_;
  const double scale = width > 0.0 ? 1.0 / width : 0.0;
  const double exploration = std::sqrt(2.0 * std::log(static_cast<double>(rounds_)));
  int best = 0;
  double best_index = -std::numeric_limits<double>::infinity();
  for (int a = 0; a < arms(); ++a) {
    const double index = (means_[a] - reward_low_) * scale + exploration * inverse_sqrt_counts_[a];
    if (index > best_index) {
      best_index = index;
      best = a;
    }
  }
  return best;
}

void Ucb1::update(int arm, double reward) {
  if (fixed_range_) {
    reward = std::clamp(reward, reward_low_, reward_high_);
  } else {
    reward_low_ = std::min(reward_low_, reward);
    reward_high_ = std::max(reward_high_, reward);
  }
  ++rounds_;
  ++counts_[arm];
  sums_[arm] += reward;
  means_[arm] = sums_[arm] / counts_[arm];
  inverse_sqrt_counts_[arm] = 1.0 / std::sqrt(static_cast<double>(counts_[arm]));
}

Json Ucb1::to_json() const {
  std::vector<double> means(arms());
  for (int a = 0; a < arms(); ++a) means[a] = mean(a);
  return {{"counts", counts_}, {"means", means}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  const int points = setup.points();
  std::optional<std::pair<double, double>> range;
  if (auto declared = declared_reward_range(params)) range = {declared->low, declared->high};
  return make_grid_learner("ucb1", std::move(setup), Ucb1(points, range), ctx);
}

ParamSpecs ucb1_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(reward_range_param(
      "rewards are clipped to it and mapped to [0, 1]; null = rescale by the running min and "
      "max of observed rewards"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "ucb1", "UCB1 stochastic bandit over a bid or shading grid (own reward only).",
     "Plays each grid point once, then the one maximizing mean + sqrt(2 ln t / n) with means "
     "rescaled to [0, 1] (by reward_range, or by the running min and max of observed rewards "
     "when it is null); logarithmic regret for stochastic rewards. One learner per agent and "
     "value bucket. Auer, Cesa-Bianchi & Fischer, Machine Learning 47 (2002).",
     ucb1_params()},
    &make);

}  // namespace
}  // namespace agora
