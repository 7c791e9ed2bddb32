// Fictitious play over the K actions of a Discrete action space, with full-information feedback.
//
// Model: the learner keeps U_t(k) = Σ_{s ≤ t} u_s(k), the cumulative payoff action k would have
// earned against the others' actual play (the env's counterfactuals), and plays a maximiser of
// U_t. In a two-player game u_s(k) = u(k, b_s) is linear in the opponent's action, so
// U_t(k) = t · u(k, β_t) with β_t the empirical distribution of the opponent's past actions:
// argmax U_t is exactly Brown's (1951) best response to the opponent's empirical mixture, found
// without observing the opponent. (With several opponents it is the best response to the
// empirical distribution of their joint play, not to the product of their marginals.) The first
// action (U_0 = 0) is the tie-break among all actions.
//
// Tie-breaking (`tie_break`, exact equality of the sums): "lowest" (default) plays the lowest
// maximising index — deterministic, so fictitious play in self-play is a deterministic
// dynamic; "random" draws uniformly among the maximisers from the policy's stream.
//
// Theory: in two-player zero-sum games the empirical frequencies of play converge to the set of
// optimal strategies (Robinson 1951), whatever the tie-breaking; in Shapley's 3x3 game (1964)
// they do not converge: play cycles through the three actions with run lengths growing
// geometrically. A strict Nash equilibrium, once played, is played forever.
//
// Parameters ("fictitious_play" agent):
//   tie_break  "lowest" | "random", default "lowest"
//
// strategy(): per agent {"current": the best response now (uniform over the maximisers with
// "random"), "average": the empirical frequencies of its own play, "cumulative_payoffs": U_T}.
//
// Brown, "Iterative solution of games by fictitious play", in Activity Analysis of Production
// and Allocation (1951); Robinson, "An iterative method of solving a game", Annals of
// Mathematics 54 (1951); Shapley, "Some topics in two-person games" (1964); Fudenberg & Levine,
// The Theory of Learning in Games (1998), ch. 2.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "agents/discrete_learner.h"
#include "core/params.h"
#include "core/rng.h"

namespace agora {

class FictitiousPlayLearner {
 public:
  FictitiousPlayLearner(int actions, TieBreak tie_break);

  int actions() const { return static_cast<int>(cumulative_.size()); }
  const Eigen::ArrayXd& cumulative_payoffs() const { return cumulative_; }
  // Empirical frequencies of the actions played (uniform before any update).
  Eigen::ArrayXd empirical_frequencies() const;
  std::int64_t updates() const { return updates_; }

  int select(Rng& rng) const { return argmax(cumulative_, tie_break_, rng); }
  // payoffs(k) = what k would have earned in the last step; `played` = the action played.
  void update(const Eigen::ArrayXd& payoffs, int played);

  Json to_json() const;

 private:
  TieBreak tie_break_;
  Eigen::ArrayXd cumulative_;
  Eigen::ArrayXd counts_;
  std::int64_t updates_ = 0;
};

}  // namespace agora
