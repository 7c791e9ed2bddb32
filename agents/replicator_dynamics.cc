#include "agents/replicator_dynamics.h"

#include <cmath>
#include <sstream>

#include "agents/discrete_learner.h"
#include "core/error.h"

namespace agora {

ReplicatorLearner::ReplicatorLearner(int actions, Update update, double step_size,
                                     Schedule schedule, std::string step_size_path)
    : update_(update),
      step_size_(step_size),
      schedule_(schedule),
      step_size_path_(std::move(step_size_path)),
      strategy_(Eigen::ArrayXd::Constant(actions, 1.0 / actions)),
      log_weights_(Eigen::ArrayXd::Zero(actions)),
      factors_(Eigen::ArrayXd::Zero(actions)),
      strategy_sum_(Eigen::ArrayXd::Zero(actions)) {
  AGORA_CHECK_GE(actions, 1);
  AGORA_CHECK(step_size > 0.0 && std::isfinite(step_size));
}

double ReplicatorLearner::step_size(std::int64_t t) const {
  return schedule_ == Schedule::kConstant ? step_size_
                                          : step_size_ / std::sqrt(static_cast<double>(t));
}

Eigen::ArrayXd ReplicatorLearner::average_strategy() const {
  if (updates_ == 0) return strategy_;
  return strategy_sum_ / static_cast<double>(updates_);
}

int ReplicatorLearner::select(Rng& rng) const { return sample_action(strategy_, rng); }

void ReplicatorLearner::update(const Eigen::ArrayXd& payoffs, int /*played*/) {
  AGORA_CHECK_EQ(payoffs.size(), strategy_.size());
  if (!payoffs.allFinite()) throw InvariantError("replicator_dynamics: a payoff was not finite");
  const double eta = step_size(updates_ + 1);
  if (update_ == Update::kExponential) {
    log_weights_ += eta * payoffs;
    log_weights_ -= log_weights_.maxCoeff();
    factors_ = log_weights_.exp();
    strategy_sum_ += strategy_;
    strategy_ = factors_ / factors_.sum();
  } else {
    const double mean = (strategy_ * payoffs).sum();
    factors_ = 1.0 + eta * (payoffs - mean);
    for (Eigen::Index k = 0; k < factors_.size(); ++k) {
      if (strategy_(k) > 0.0 && !(factors_(k) > 0.0)) {
        std::ostringstream message;
        message << "linear replicator step 1 + η (u(k) − x·u) = " << factors_(k)
                << " <= 0 for action " << k << " at step " << updates_ + 1 << " (η = " << eta
                << "): the step size must be below 1 / (payoff range)";
        throw ConfigError(step_size_path_, message.str());
      }
    }
    strategy_sum_ += strategy_;
    strategy_ *= factors_;
    strategy_ /= strategy_.sum();
  }
  ++updates_;
}

Json ReplicatorLearner::to_json() const {
  return {{"current", to_vector(strategy_)}, {"average", to_vector(average_strategy())}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const int actions = discrete_actions(ctx, "replicator_dynamics");
  const auto update = params.at("update").get<std::string>() == "linear"
                          ? ReplicatorLearner::Update::kLinear
                          : ReplicatorLearner::Update::kExponential;
  const auto schedule = params.at("schedule").get<std::string>() == "inverse_sqrt"
                            ? ReplicatorLearner::Schedule::kInverseSqrt
                            : ReplicatorLearner::Schedule::kConstant;
  const double step_size = params.at("step_size").get<double>();
  if (!(step_size > 0.0) || !std::isfinite(step_size)) {
    throw ConfigError(join_path(ctx.path, "params.step_size"), "must be finite and > 0");
  }
  return std::make_unique<DiscreteLearner<ReplicatorLearner>>(
      "replicator_dynamics",
      ReplicatorLearner(actions, update, step_size, schedule,
                        join_path(ctx.path, "params.step_size")),
      ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "replicator_dynamics",
     "Discrete-time replicator dynamics / multiplicative weights over a Discrete action space; "
     "needs full-information feedback.",
     "Mixed strategy x updated from the counterfactual payoffs u: exponential x(k) ∝ x(k) "
     "exp(η u(k)) (multiplicative weights) or linear x(k) ← x(k) (1 + η (u(k) − x·u)) (Euler "
     "step of the replicator equation, needs η < 1 / payoff range); η constant or η / sqrt(t). "
     "Strictly dominated actions die out. Taylor & Jonker (1978); Freund & Schapire (1999); "
     "Arora, Hazan & Kale (2012).",
     {param::text("update", "exponential", {"exponential", "linear"},
                  "discretisation: multiplicative weights, or the Euler step of the replicator "
                  "equation"),
      param::real("step_size", 0.1, "η > 0").range(0.0, std::nullopt),
      param::text("schedule", "constant", {"constant", "inverse_sqrt"},
                  "η_t = step_size, or step_size / sqrt(t)")}},
    &make);

}  // namespace
}  // namespace agora
