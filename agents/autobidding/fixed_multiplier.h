// Constant bid multiplier ("fixed_multiplier"), the autobidding baseline.
//
// Model: the advertiser bids m · v per click in every auction, m constant. m = 1 (default) is
// truthful value bidding, optimal for a quasi-linear advertiser without budget or ROI constraint
// in a truthful auction; it ignores budgets (the env enforces them). m is clipped to the
// action's bounds. Needs a Box action with a "multiplier" dimension (advertiser_signals.h).
//
// Parameters:
//   multiplier  number ≥ 0, default 1
//
// Aggarwal, Badanidiyuru & Mehta, "Autobidding with constraints", WINE (2019) (uniform bid
// scaling as the strategy space of autobidders).
#pragma once

#include <vector>

#include "agents/autobidding/advertiser_signals.h"
#include "agents/autobidding/agent_turns.h"
#include "agents/policy.h"

namespace agora {

class FixedMultiplier : public Policy {
 public:
  FixedMultiplier(const PolicyContext& ctx, double multiplier);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  // Only records which agents left (they never act again).
  void learn(const Transition& transition) override;
  Json strategy() const override;
  double multiplier() const { return multiplier_; }

 private:
  const AdvertiserSignals signals_;
  const double multiplier_;
  AgentTurns turns_;
};

}  // namespace agora
