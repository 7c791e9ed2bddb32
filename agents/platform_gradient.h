// Gradient ascent on a continuous action from bandit feedback: simultaneous perturbation
// stochastic approximation (SPSA) with projection onto the action bounds.
//
// Model: the learner maximizes the expected one-step reward f(x) over a Box action x with
// finite bounds, seeing only the reward of what it plays (e.g. the auction env's platform
// choosing a reserve and/or a quality exponent — docs/platform_learning.md). Coordinates are
// scaled to the unit cube, u = (x − low) / (high − low). Iteration k (two env steps) draws a
// Rademacher direction Δ ∈ {±1}^d, plays u⁺ = Π(θ + c_k Δ) in one step and u⁻ = Π(θ − c_k Δ)
// in the next (Π: clipping to [0, 1]^d), and with rewards y⁺, y⁻ estimates the gradient
//   ĝ_j = (y⁺ − y⁻) / (u⁺_j − u⁻_j)      (= (y⁺ − y⁻) / (2 c_k Δ_j) away from the bounds;
//                                          in one dimension the two-point finite difference)
// then ascends θ ← Π(θ + clip(a_k ĝ, ±max_step)), with gains
//   a_k = step_size / (k + 1 + stability)^step_decay,  c_k = perturbation / (k + 1)^γ.
// With Σ a_k = ∞, a_k → 0, c_k → 0 and Σ (a_k / c_k)² < ∞ (e.g. the defaults 0.602 and 0.101,
// Spall's practical choice) θ converges almost surely to a local maximizer of a smooth f
// (Spall 1992, Prop. 1; the projected form: Kushner & Yin 2003, ch. 5). The clipped update is
// a safeguard against noisy early estimates; it does not change the limit. Each agent of the
// policy learns on its own; an agent that is inactive in a step does not advance.
//
// Parameters (the "platform_gradient" agent):
//   initial             list of numbers | null, default null   θ_0 in action units (one per
//                                                              dimension); null = the middle
//   step_size           number > 0, default 0.5                a
//   stability           number >= 0 | null, default null       A; null = 10% of the iterations
//                                                              (horizon / 2), Spall 1998
//   step_decay          number in (0, 1], default 0.602        α
//   perturbation        number in (0, 0.5], default 0.05       c, a fraction of the range
//   perturbation_decay  number in [0, 0.5), default 0.101      γ
//   max_step            number > 0, default 0.05               per-coordinate cap of one
//                                                              update, fraction of the range
//
// Spall, "Multivariate stochastic approximation using a simultaneous perturbation gradient
// approximation", IEEE Trans. Automatic Control 37(3) (1992); Spall, "Implementation of the
// simultaneous perturbation algorithm for stochastic optimization", IEEE Trans. Aerospace and
// Electronic Systems 34(3) (1998); Kiefer & Wolfowitz, Ann. Math. Stat. 23 (1952); Kushner &
// Yin, Stochastic Approximation and Recursive Algorithms and Applications, 2nd ed. (2003).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "core/rng.h"

namespace agora {

class PlatformGradient final : public Policy {
 public:
  struct Gains {
    double step_size = 0.5;
    double stability = 0.0;
    double step_decay = 0.602;
    double perturbation = 0.05;
    double perturbation_decay = 0.101;
    double max_step = 0.05;
  };

  // `initial`: θ_0 in action units, one entry per action dimension.
  PlatformGradient(const PolicyContext& ctx, const Eigen::ArrayXd& initial, Gains gains);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  // The current estimate θ of the i-th agent of this policy (ctx.agents[i]), in action units.
  Eigen::ArrayXd estimate(int agent_index) const;
  std::int64_t iterations(int agent_index) const { return iterations_[agent_index]; }
  double step_gain(std::int64_t k) const;
  double perturbation_gain(std::int64_t k) const;

 private:
  const std::vector<int> agents_;
  const int dim_;
  const Eigen::ArrayXd low_;
  const Eigen::ArrayXd width_;
  const Gains gains_;
  // Per agent (rows): θ, Δ and the points played, in unit coordinates.
  RowBatch theta_;
  RowBatch direction_;
  RowBatch plus_;
  RowBatch minus_;
  Eigen::ArrayXd reward_plus_;
  std::vector<std::int64_t> iterations_;
  std::vector<char> second_half_;  // the next step plays u⁻
  std::vector<char> acted_;
  Rng rng_;
};

}  // namespace agora
