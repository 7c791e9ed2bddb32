#include "agents/regret_matching.h"

#include <cmath>

#include "agents/discrete_learner.h"
#include "core/error.h"

namespace agora {

RegretMatchingLearner::RegretMatchingLearner(int actions, bool plus, Averaging averaging)
    : plus_(plus),
      averaging_(averaging),
      regrets_(Eigen::ArrayXd::Zero(actions)),
      strategy_(Eigen::ArrayXd::Constant(actions, 1.0 / actions)),
      strategy_sum_(Eigen::ArrayXd::Zero(actions)) {
  AGORA_CHECK_GE(actions, 1);
}

Eigen::ArrayXd RegretMatchingLearner::average_strategy() const {
  if (weight_sum_ == 0.0) return Eigen::ArrayXd::Constant(actions(), 1.0 / actions());
  return strategy_sum_ / weight_sum_;
}

int RegretMatchingLearner::select(Rng& rng) const { return sample_action(strategy_, rng); }

void RegretMatchingLearner::update(const Eigen::ArrayXd& payoffs, int /*played*/) {
  AGORA_CHECK_EQ(payoffs.size(), regrets_.size());
  ++updates_;
  const double weight = averaging_ == Averaging::kLinear ? static_cast<double>(updates_) : 1.0;
  strategy_sum_ += weight * strategy_;
  weight_sum_ += weight;
  const double expected = (strategy_ * payoffs).sum();
  if (!std::isfinite(expected)) throw InvariantError("regret_matching: a payoff was not finite");
  regrets_ += payoffs - expected;
  if (plus_) regrets_ = regrets_.max(0.0);
  normalise();
}

void RegretMatchingLearner::normalise() {
  strategy_ = regrets_.max(0.0);
  const double total = strategy_.sum();
  if (total > 0.0) {
    strategy_ /= total;
  } else {
    strategy_.setConstant(1.0 / actions());
  }
}

Json RegretMatchingLearner::to_json() const {
  return {{"current", to_vector(strategy_)},
          {"average", to_vector(average_strategy())},
          {"regrets", to_vector(regrets_)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const int actions = discrete_actions(ctx, "regret_matching");
  const auto averaging = params.at("averaging").get<std::string>() == "linear"
                             ? RegretMatchingLearner::Averaging::kLinear
                             : RegretMatchingLearner::Averaging::kUniform;
  return std::make_unique<DiscreteLearner<RegretMatchingLearner>>(
      "regret_matching", RegretMatchingLearner(actions, params.at("plus").get<bool>(), averaging),
      ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "regret_matching",
     "Regret matching / RM+ over a Discrete action space; needs full-information feedback.",
     "Plays action k with probability proportional to its positive cumulative regret "
     "R(k) = Σ_t [u_t(k) − σ_t·u_t], u_t(k) being the env's counterfactual payoff of k "
     "(uniform when no regret is positive); RM+ clips the cumulative regrets at 0 after each "
     "step. Regret ≤ Δ sqrt(K T) for payoffs of range Δ; in two-player zero-sum self-play the "
     "time-averaged strategies converge to equilibrium. Hart & Mas-Colell (2000); Tammelin "
     "(2014); Cesa-Bianchi & Lugosi (2006), Cor. 2.1.",
     {param::boolean("plus", false, "regret matching+ (cumulative regrets clipped at 0)"),
      param::text("averaging", "uniform", {"uniform", "linear"},
                  "weights of the time-averaged strategy: 1 per step, or t at step t")}},
    &make);

}  // namespace
}  // namespace agora
