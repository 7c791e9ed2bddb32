// EXP3: exponential weights for the adversarial K-armed bandit (own reward only).
//
// Model: rewards are mapped to x ∈ [0, 1] by a declared range, x = (r − low) / (high − low),
// clipped. The learner plays p_a = (1 − γ) w_a / Σ_b w_b + γ / K, observes x for the arm I it
// played, and updates w_I ← w_I · exp(γ x̂ / K) with the importance-weighted estimate
// x̂ = x / p_I. With γ = min(1, sqrt(K ln K / ((e − 1) T))) its expected regret to the best arm
// after T rounds is at most 2 sqrt(e − 1) sqrt(T K ln K) ≈ 2.63 sqrt(T K ln K) in [0,1] units
// (Auer et al. 2002, Cor. 3.2), i.e. times (high − low) in reward units.
//
// Parameters (the "exp3" agent; plus the grid parameters of grid_learner.h):
//   gamma         number in [0, 1] or null, default null  exploration rate; null = the rate
//                                                        above with T = horizon / value_buckets
//   reward_range  [low, high] or null, default null      maps rewards to [0, 1]; null = derived
//                                                        from value and bid ranges (docs/agents.md)
//
// Auer, Cesa-Bianchi, Freund & Schapire, "The nonstochastic multiarmed bandit problem",
// SIAM J. Computing 32 (2002).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class Exp3 {
 public:
  static constexpr bool kFullInformation = false;

  Exp3(int arms, double gamma, double reward_low, double reward_high);
  // min(1, sqrt(K ln K / ((e − 1) T))).
  static double default_gamma(int arms, std::int64_t horizon);
  // 2 sqrt(e − 1) sqrt(T K ln K): the expected-regret bound in [0, 1] reward units.
  static double regret_bound(int arms, std::int64_t horizon);

  int arms() const { return static_cast<int>(weights_.size()); }
  double gamma() const { return gamma_; }

  int select(Rng& rng);
  void update(int arm, double reward);

  Eigen::ArrayXd probabilities() const;
  Json to_json() const;

 private:
  double gamma_;
  double reward_low_;
  double reward_scale_;
  Eigen::ArrayXd weights_;  // exp(log-weight − shift), rescaled before overflowing
  double total_weight_;
};

}  // namespace agora
