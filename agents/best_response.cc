#include "agents/best_response.h"

#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

BestResponseLearner::BestResponseLearner(int actions, TieBreak tie_break, int initial_action)
    : tie_break_(tie_break),
      initial_action_(initial_action),
      last_payoffs_(Eigen::ArrayXd::Zero(actions)),
      counts_(Eigen::ArrayXd::Zero(actions)) {
  AGORA_CHECK_GE(actions, 1);
  AGORA_CHECK_LT(initial_action, actions);
}

Eigen::ArrayXd BestResponseLearner::empirical_frequencies() const {
  if (updates_ == 0) return Eigen::ArrayXd::Constant(actions(), 1.0 / actions());
  return counts_ / static_cast<double>(updates_);
}

int BestResponseLearner::select(Rng& rng) const {
  if (updates_ > 0) return argmax(last_payoffs_, tie_break_, rng);
  if (initial_action_ >= 0) return initial_action_;
  return boost::random::uniform_int_distribution<int>(0, actions() - 1)(rng);
}

void BestResponseLearner::update(const Eigen::ArrayXd& payoffs, int played) {
  AGORA_CHECK_EQ(payoffs.size(), last_payoffs_.size());
  AGORA_CHECK(played >= 0 && played < actions());
  if (!payoffs.allFinite()) throw InvariantError("best_response: a payoff was not finite");
  last_payoffs_ = payoffs;
  counts_(played) += 1.0;
  ++updates_;
}

Json BestResponseLearner::to_json() const {
  Eigen::ArrayXd current = Eigen::ArrayXd::Constant(actions(), 1.0 / actions());
  if (updates_ > 0) {
    current = maximisers(last_payoffs_, tie_break_);
  } else if (initial_action_ >= 0) {
    current.setZero();
    current(initial_action_) = 1.0;
  }
  return {{"current", to_vector(current)}, {"average", to_vector(empirical_frequencies())}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const int actions = discrete_actions(ctx, "best_response");
  int initial = -1;
  if (!params.at("initial_action").is_null()) {
    initial = params.at("initial_action").get<int>();
    if (initial >= actions) {
      throw ConfigError(join_path(ctx.path, "params.initial_action"),
                        std::to_string(initial) + " is not an action of role '" + ctx.role->name +
                            "' (Discrete(" + std::to_string(actions) + "))");
    }
  }
  return std::make_unique<DiscreteLearner<BestResponseLearner>>(
      "best_response", BestResponseLearner(actions, read_tie_break(params), initial), ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "best_response",
     "Best response to the last step (Cournot adjustment) over a Discrete action space; needs "
     "full-information feedback.",
     "Plays a maximiser of the counterfactual payoffs of the previous step, i.e. a best response "
     "to the others' last actions (Cournot 1838); the first action is initial_action (null: "
     "uniform at random). Ties: lowest index (default) or uniformly at random. Strict equilibria "
     "are absorbing; in matching pennies the dynamic cycles with period 4.",
     {tie_break_param(),
      param::integer("initial_action", nullptr, "the first action (null: uniform at random)")
          .range(0, std::nullopt)
          .allow_null()}},
    &make);

}  // namespace
}  // namespace agora
