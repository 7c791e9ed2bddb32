// Dual-descent budget pacing ("dual_pacing").
//
// Model (Balseiro & Gur 2019, adaptive pacing): an advertiser with value v per click and a
// daily budget bids m · v with m = 1 / (1 + μ), μ ≥ 0 the dual variable of its budget
// constraint — the bid that maximises v x − (1 + μ) p, the Lagrangian of a quasi-linear bidder
// with a budget, in a truthful auction. After each step with spend z_t and spend target ρ_t
// (advertiser_signals.h; "remaining" by default) it takes a projected subgradient step on the
// dual,
//   μ ← clamp(μ − ε (ρ_t − z_t) / (B s_t), 0, μ_max),
// normalised by the step's nominal spend B s_t so ε is dimensionless. In a stationary market
// where spend z(μ) falls with μ, μ settles at the μ* with z(μ*) = ρ (the budget binds) when
// z(0) > ρ and at 0 otherwise: the dual-optimal multiplier of the fluid relaxation. Balseiro &
// Gur show regret O(sqrt T) against the best fixed dual in hindsight and convergence to an
// equilibrium when every advertiser paces this way. An advertiser without a budget (budget 0)
// keeps μ = 0 and bids its value.
//
// Parameters:
//   step_size   number > 0, default 0.1   ε, per normalised spend error
//   initial_mu  number ≥ 0, default 0     μ at the start
//   mu_max      number > 0, default 100   cap on μ (the multiplier stays ≥ 1 / (1 + μ_max))
//   target      "remaining" | "even", default "remaining"   ρ_t (advertiser_signals.h)
//   budget_fraction number in (0, 1], default 1   φ: aim at φ × the budget (advertiser_signals.h)
// The multiplier is clipped to the action's bounds.
//
// Balseiro & Gur, "Learning in repeated auctions with budgets: regret minimization and
// equilibrium", Management Science 65(9) (2019).
#pragma once

#include <vector>

#include "agents/autobidding/advertiser_signals.h"
#include "agents/autobidding/agent_turns.h"
#include "agents/policy.h"

namespace agora {

struct DualPacingConfig {
  double step_size = 0.1;
  double initial_mu = 0.0;
  double mu_max = 100.0;
  SpendTargetMode target = SpendTargetMode::kRemaining;
  double budget_fraction = 1.0;
};

class DualPacing : public Policy {
 public:
  DualPacing(const PolicyContext& ctx, const DualPacingConfig& config);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  // State of the i-th agent of this policy (ctx.agents[i]).
  double mu(int i) const { return mu_[static_cast<std::size_t>(i)]; }
  double multiplier(int i) const { return signals_.clip(1.0 / (1.0 + mu(i))); }

 private:
  const AdvertiserSignals signals_;
  const DualPacingConfig config_;
  AgentTurns turns_;
  std::vector<double> mu_;
};

}  // namespace agora
