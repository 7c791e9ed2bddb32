// First-price equilibrium bidder for iid uniform values.
//
// Model: n risk-neutral bidders with values iid U[low, high] in a single-item first-price
// auction without reserve. The symmetric Bayes–Nash equilibrium bid is
//   b(v) = low + (n−1)/n · (v − low)        (= (n−1)/n · v when low = 0).
// A value below `low` is outside the model and is bid truthfully. In a "shade" action space the
// agent plays b(v)/v. Actions are clipped to the action-space bounds.
//
// Parameters:
//   n    integer ≥ 1 or null, default null   number of bidders; null = the role's pool size
//   low  number ≥ 0, default 0               lower end of the value support
//
// Vickrey (1961); Krishna, Auction Theory, 2nd ed. (2010), ch. 2.2; Riley & Samuelson,
// "Optimal auctions", AER (1981).
#pragma once

#include <vector>

#include "agents/bid_action.h"
#include "agents/policy.h"

namespace agora {

class FirstPriceEquilibriumBidder : public Policy {
 public:
  FirstPriceEquilibriumBidder(const PolicyContext& ctx, int bidders, double low);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  Json strategy() const override { return {{"n", bidders_}, {"low", low_}}; }

  double bid(double value) const {
    return value < low_ ? value : low_ + shade_above_low_ * (value - low_);
  }

 private:
  BidAction bid_action_;
  std::vector<int> agents_;
  const int bidders_;
  const double low_;
  const double shade_above_low_;
};

}  // namespace agora
