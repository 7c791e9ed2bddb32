// Truthful bidder: bids its value.
//
// Model: each round the agent bids b(v) = v per click (in a "shade" action space it plays
// shade 1). Truthful bidding is a dominant strategy in the second-price (Vickrey) auction and
// a useful baseline elsewhere. The action is clipped to the action-space bounds, so a value
// above the env's maximum bid is bid at the maximum.
//
// Parameters: none.
//
// Vickrey, "Counterspeculation, auctions, and competitive sealed tenders", J. Finance (1961).
#pragma once

#include <vector>

#include "agents/bid_action.h"
#include "agents/policy.h"

namespace agora {

class TruthfulBidder : public Policy {
 public:
  explicit TruthfulBidder(const PolicyContext& ctx);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;

 private:
  BidAction bid_action_;
  std::vector<int> agents_;
};

}  // namespace agora
