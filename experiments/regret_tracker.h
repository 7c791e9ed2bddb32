// External regret of every agent, tracked as a run goes: for each role whose env answers
// counterfactuals (Env::counterfactual_oracle — learners need not see them) and whose action is
// one number (a Box of dimension 1 with finite bounds, or Discrete), and each agent i,
//
//   R_i(T) = max_g sum_t u_i,t(a_g) - sum_t u_i,t(a_i,t)
//
// over the steps t <= T in which i acted, where a_1..a_G is an even grid of G points over the
// action bounds (every action when Discrete) and u_i,t(a) the reward i would have had in step t
// playing a, everything else equal. This is the regret to the best fixed action in hindsight of
// the no-regret literature (Hannan 1957; Cesa-Bianchi & Lugosi, Prediction, Learning, and Games,
// 2006, ch. 2 and 4), restricted to the grid; average_regret = R_i(T) / (steps i acted), which a
// no-regret learner drives to (at most) zero. Memory O(pool x G) per role; time per step
// O(pool x (rounds x pieces + G)) with piecewise-linear reward profiles.
#pragma once

#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "core/params.h"
#include "envs/env.h"
#include "experiments/counterfactual_grid.h"

namespace agora {

class RegretTracker {
 public:
  // `points` >= 2: grid size for continuous actions. Roles without an oracle or a
  // one-number action are not tracked.
  RegretTracker(const Env& env, int points);

  bool tracks(int role) const { return roles_[static_cast<std::size_t>(role)].grid.has_value(); }
  // After each env step: `acted` is which agents were active before it; the env's last() holds
  // the rewards and its oracle the counterfactuals.
  void observe(const Env& env, const std::vector<BoolArray>& acted);
  // R_i(T) / steps acted, per agent of `role` (NaN for agents that never acted).
  Eigen::ArrayXd average_regret(int role) const;
  // {role: {"external_regret": [per agent], "best_fixed_action": [per agent], "grid_points": G}}
  // for the tracked roles.
  Json to_json() const;

 private:
  struct RoleRegret {
    std::string name;
    std::optional<CounterfactualGrid> grid;
    Eigen::ArrayXXd counterfactual_sum;                   // G x pool
    Eigen::ArrayXd realised_sum;                          // pool
    Eigen::Array<std::int64_t, Eigen::Dynamic, 1> steps;  // pool
  };

  std::vector<RoleRegret> roles_;
};

}  // namespace agora
