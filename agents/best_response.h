// Best response to the last step (Cournot adjustment) over the K actions of a Discrete action
// space, with full-information feedback.
//
// Model: the agent plays a maximiser of u_{t−1}(k), the payoff action k would have earned in the
// previous step against the others' actual play (the env's counterfactual): a myopic
// best-response oracle to the opponents' last actions — Cournot's (1838) adjustment process,
// fictitious play with a memory of one step. Before any feedback it plays `initial_action`
// (null: uniformly at random from the policy's stream). Ties (exact equality): "lowest" index
// (default) or uniformly at random among the maximisers.
//
// Theory: a strict Nash equilibrium is absorbing (once both play it, both keep playing it); in a
// game with a strictly dominant action the agent plays it from the second step on; in matching
// pennies two such agents cycle with period 4 through all four profiles; in a 2x2 coordination
// game started miscoordinated they miscoordinate forever (alternating between the two
// off-diagonal profiles).
//
// Parameters ("best_response" agent):
//   tie_break       "lowest" | "random", default "lowest"
//   initial_action  integer ≥ 0 or null, default null  the first action; must be < K
//
// strategy(): per agent {"current": the best response to the last step (uniform over the
// maximisers with "random"), "average": the empirical frequencies of its play}.
//
// Cournot, Recherches sur les principes mathématiques de la théorie des richesses (1838);
// Fudenberg & Levine, The Theory of Learning in Games (1998), §1.2 and ch. 2.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "agents/discrete_learner.h"
#include "core/params.h"
#include "core/rng.h"

namespace agora {

class BestResponseLearner {
 public:
  // initial_action < 0: uniformly at random.
  BestResponseLearner(int actions, TieBreak tie_break, int initial_action = -1);

  int actions() const { return static_cast<int>(last_payoffs_.size()); }
  const Eigen::ArrayXd& last_payoffs() const { return last_payoffs_; }
  Eigen::ArrayXd empirical_frequencies() const;
  std::int64_t updates() const { return updates_; }

  int select(Rng& rng) const;
  void update(const Eigen::ArrayXd& payoffs, int played);

  Json to_json() const;

 private:
  TieBreak tie_break_;
  int initial_action_;
  Eigen::ArrayXd last_payoffs_;
  Eigen::ArrayXd counts_;
  std::int64_t updates_ = 0;
};

}  // namespace agora
