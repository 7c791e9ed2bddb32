// ROI-constrained autobidding by dual descent ("constrained_bidding").
//
// Model: an autobidder maximises Σ value (objective "value", κ = 0; the autobidding model of
// Aggarwal, Badanidiyuru & Mehta 2019) or Σ (value − spend) ("surplus", κ = 1) subject to a
// return-on-spend constraint and, when it has one and pace_budget is on, its daily budget:
//   ROAS target T:   Σ spend ≤ Σ value / T
//   CPA target A:    Σ spend ≤ A · Σ conversions
// Writing the constraint as Σ spend ≤ c · Σ value (c = 1/T; for CPA, c = A · Σconv / Σvalue,
// the observed conversions per unit of value, which is exactly A / (value per conversion) when
// value per click = value per conversion × conversion rate), the Lagrangian of one auction with
// value v is (1 + λc) v x − (κ + λ + μ) p, λ ≥ 0 the constraint's dual, μ ≥ 0 the budget's.
// In a truthful auction it is maximised by bidding m · v with
//   m = (1 + λ c) / (κ + λ + μ),    clipped to the action's bounds (κ = λ = μ = 0: the bound),
// the uniform bid scaling Aggarwal et al. show optimal for truthful auctions. The duals follow
// projected dual subgradient descent (Balseiro, Lu & Mirrokni 2021, Euclidean mirror map) after
// each step with spend z_t, value_t, conversions_t:
//   λ ← clamp(λ − η (a_t − z_t) / max(a_t, z_t), 0, λ_max),  a_t = value_t / T or A · conv_t
//       (the relative slack, in [−1, 1]; a step with a_t = z_t = 0 leaves λ unchanged),
//   μ ← clamp(μ − ε (ρ_t − z_t) / (B s_t), 0, μ_max)   as in dual_pacing.h.
// At the fixed point the binding constraint holds with equality in the mean (a = z), and a
// slack constraint drives λ to 0 (then m = 1/(κ + μ): truthful, or budget-paced, bidding).
// Targets are read from the observation ("target_roas", "target_cpa"): an agent whose
// advertiser has both > 0 is a ConfigError (naming this agent group's path) at its first step;
// one with neither keeps λ = 0 and only paces its budget.
//
// Parameters:
//   objective            "value" | "surplus", default "value"
//   constraint_step      number > 0, default 0.2      η
//   initial_lambda       number ≥ 0, default 1        λ at the start
//   lambda_max           number > 0, default 100
//   pace_budget          bool, default true           use μ when the budget is > 0
//   budget_step          number > 0, default 0.1      ε
//   mu_max               number > 0, default 100
//   target               "remaining" | "even", default "remaining"   ρ_t (advertiser_signals.h)
//   budget_fraction      number in (0, 1], default 1   φ: aim at φ × the budget
//   (advertiser_signals.h)
//
// Aggarwal, Badanidiyuru & Mehta, "Autobidding with constraints", WINE (2019); Balseiro, Lu &
// Mirrokni, "The best of many worlds: dual mirror descent for online allocation problems",
// Operations Research (2023; arXiv 2020); Feng, Padmanabhan & Wang, "Online bidding algorithms
// for return-on-spend constrained advertisers", WWW (2023).
#pragma once

#include <vector>

#include "agents/autobidding/advertiser_signals.h"
#include "agents/autobidding/agent_turns.h"
#include "agents/policy.h"

namespace agora {

struct ConstrainedBiddingConfig {
  double kappa = 0.0;  // 0: value objective, 1: surplus
  double constraint_step = 0.2;
  double initial_lambda = 1.0;
  double lambda_max = 100.0;
  bool pace_budget = true;
  double budget_step = 0.1;
  double mu_max = 100.0;
  SpendTargetMode target = SpendTargetMode::kRemaining;
  double budget_fraction = 1.0;
};

class ConstrainedBidding : public Policy {
 public:
  ConstrainedBidding(const PolicyContext& ctx, const ConstrainedBiddingConfig& config);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  double lambda(int i) const { return lambda_[static_cast<std::size_t>(i)]; }
  double mu(int i) const { return mu_[static_cast<std::size_t>(i)]; }
  // c of the i-th agent: 1 / T, the CPA's estimate, or 0 without a target.
  double value_coefficient(int i) const;
  double multiplier(int i) const;

 private:
  enum class Constraint : char { kUnknown, kNone, kRoas, kCpa };
  void read_constraint(const RowBatch& observations, std::size_t i);

  const AdvertiserSignals signals_;
  const ConstrainedBiddingConfig config_;
  const std::string path_;
  AgentTurns turns_;
  std::vector<Constraint> constraint_;
  std::vector<double> target_;  // T or A
  std::vector<double> lambda_;
  std::vector<double> mu_;
  std::vector<double> total_value_;
  std::vector<double> total_conversions_;
};

}  // namespace agora
