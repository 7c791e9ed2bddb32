// ε-greedy for the K-armed bandit.
//
// Model: with probability ε_t the learner plays a uniformly random arm, otherwise the arm with
// the highest mean reward so far (ties broken uniformly at random); arms never played count as
// +∞, so each arm is tried once before the means are compared. The schedule is either constant,
// ε_t = epsilon, or decaying, ε_t = min(1, c / t) with t = 1, 2, ... the learner's rounds; the
// decaying schedule with c ∝ K / Δ² has logarithmic regret (Auer et al. 2002, Thm. 3, there
// ε_t = min(1, cK / (d² t))). ε = 0 is the greedy learner.
//
// Parameters (the "epsilon_greedy" agent; plus the grid parameters of grid_learner.h):
//   schedule        "constant" | "decaying", default "constant"
//   epsilon         number in [0, 1], default 0.1         ε of the constant schedule
//   decay_constant  number > 0 or null, default null      c of the decaying schedule; null = K
//
// Sutton & Barto, Reinforcement Learning (2018), ch. 2; Auer, Cesa-Bianchi & Fischer,
// "Finite-time analysis of the multiarmed bandit problem", Machine Learning 47 (2002).
#pragma once

#include <cstdint>
#include <vector>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class EpsilonGreedy {
 public:
  static constexpr bool kFullInformation = false;

  struct Schedule {
    bool decaying = false;
    double epsilon = 0.1;         // constant schedule
    double decay_constant = 1.0;  // decaying schedule: ε_t = min(1, c / t)
  };

  EpsilonGreedy(int arms, Schedule schedule);

  int arms() const { return static_cast<int>(counts_.size()); }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  double mean(int arm) const { return counts_[arm] ? sums_[arm] / counts_[arm] : 0.0; }
  // ε for the next round.
  double epsilon() const;

  int select(Rng& rng);
  void update(int arm, double reward);

  Json to_json() const;

 private:
  int greedy_arm(Rng& rng) const;

  Schedule schedule_;
  std::vector<std::int64_t> counts_;
  std::vector<double> sums_;
  std::vector<double> estimates_;  // means; +inf for arms never played
  std::int64_t rounds_ = 0;        // selections so far
};

}  // namespace agora
