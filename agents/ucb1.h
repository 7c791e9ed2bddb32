// UCB1: optimism in the face of uncertainty for the stochastic K-armed bandit.
//
// Model: each arm is played once (in index order), then the arm maximizing
//   x̄_a + sqrt(2 ln t / n_a)
// where t is the number of rounds so far, n_a the plays of arm a and x̄_a its mean reward
// rescaled to [0, 1]. Ties go to the lowest index. With rewards in [0, 1] the expected regret
// after T rounds is at most Σ_{a: Δ_a > 0} 8 ln T / Δ_a + (1 + π²/3) Σ_a Δ_a (Auer et al. 2002,
// Thm. 1): logarithmic in T.
//
// Rescaling: with a declared reward_range [low, high] rewards are clipped to it and mapped to
// [0, 1], and the theorem applies. With reward_range null (the default) means are rescaled by
// the running minimum and maximum of all rewards observed so far, (x̄_a − min) / (max − min)
// (0 while max = min): scale-free and needing no configuration, but a heuristic — the bound
// assumes a known range.
//
// Parameters (the "ucb1" agent; plus the grid parameters of grid_learner.h):
//   reward_range  [low, high] or null, default null   see Rescaling
//
// Auer, Cesa-Bianchi & Fischer, "Finite-time analysis of the multiarmed bandit problem",
// Machine Learning 47 (2002).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class Ucb1 {
 public:
  static constexpr bool kFullInformation = false;

  // No range: rescale by the running min and max of observed rewards.
  Ucb1(int arms, std::optional<std::pair<double, double>> reward_range);

  int arms() const { return static_cast<int>(counts_.size()); }
  std::int64_t rounds() const { return rounds_; }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  double mean(int arm) const { return counts_[arm] ? sums_[arm] / counts_[arm] : 0.0; }

  int select(Rng& rng);
  void update(int arm, double reward);

  Json to_json() const;

 private:
  const bool fixed_range_;
  double reward_low_;
  double reward_high_;
  std::vector<std::int64_t> counts_;
  std::vector<double> sums_;
  std::vector<double> means_;
  std::vector<double> inverse_sqrt_counts_;
  std::int64_t rounds_ = 0;
  int next_untried_ = 0;
};

}  // namespace agora
