#include "agents/fictitious_play.h"

#include <cmath>

#include "core/error.h"

namespace agora {

FictitiousPlayLearner::FictitiousPlayLearner(int actions, TieBreak tie_break)
    : tie_break_(tie_break),
      cumulative_(Eigen::ArrayXd::Zero(actions)),
      counts_(Eigen::ArrayXd::Zero(actions)) {
  AGORA_CHECK_GE(actions, 1);
}

Eigen::ArrayXd FictitiousPlayLearner::empirical_frequencies() const {
  if (updates_ == 0) return Eigen::ArrayXd::Constant(actions(), 1.0 / actions());
  return counts_ / static_cast<double>(updates_);
}

void FictitiousPlayLearner::update(const Eigen::ArrayXd& payoffs, int played) {
  AGORA_CHECK_EQ(payoffs.size(), cumulative_.size());
  AGORA_CHECK(played >= 0 && played < actions());
  cumulative_ += payoffs;
  if (!std::isfinite(cumulative_.sum())) {
    throw InvariantError("fictitious_play: a payoff was not finite");
  }
  counts_(played) += 1.0;
  ++updates_;
}

Json FictitiousPlayLearner::to_json() const {
  return {{"current", to_vector(maximisers(cumulative_, tie_break_))},
          {"average", to_vector(empirical_frequencies())},
          {"cumulative_payoffs", to_vector(cumulative_)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const int actions = discrete_actions(ctx, "fictitious_play");
  return std::make_unique<DiscreteLearner<FictitiousPlayLearner>>(
      "fictitious_play", FictitiousPlayLearner(actions, read_tie_break(params)), ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "fictitious_play",
     "Fictitious play over a Discrete action space; needs full-information feedback.",
     "Plays a maximiser of the cumulative counterfactual payoff U(k) = Σ_t u_t(k), which in a "
     "two-player game is the best response to the opponent's empirical mixture (Brown 1951). "
     "Ties: lowest index (default) or uniformly at random. Empirical frequencies converge in "
     "zero-sum games (Robinson 1951) and cycle in Shapley's game (Shapley 1964).",
     {tie_break_param()}},
    &make);

}  // namespace
}  // namespace agora
