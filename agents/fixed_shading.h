// Fixed-shading bidder: bids a constant fraction of its value.
//
// Model: each round the agent bids b(v) = shade · v per click (in a "shade" action space it
// plays `shade` directly). The action is clipped to the action-space bounds: a bid above the
// env's maximum bid is bid at the maximum, a shade above the maximum shade at the maximum.
// shade = (n−1)/n is the symmetric first-price equilibrium for n bidders with iid U[0, h]
// values; shade = 1 is truthful.
//
// Parameters:
//   shade  number ≥ 0, default 0.5   bid per click as a fraction of the value
//
// Krishna, Auction Theory, 2nd ed. (2010), ch. 2.
#pragma once

#include <vector>

#include "agents/bid_action.h"
#include "agents/policy.h"

namespace agora {

class FixedShadingBidder : public Policy {
 public:
  FixedShadingBidder(const PolicyContext& ctx, double shade);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  Json strategy() const override { return {{"shade", shade_}}; }

 private:
  BidAction bid_action_;
  std::vector<int> agents_;
  const double shade_;
};

}  // namespace agora
