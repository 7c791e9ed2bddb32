// The parameters the registered position auctions share, and their translation into a
// PositionAuctionConfig (mechanisms/position_auction.h states the model they parameterise).
//
//   reserve           number >= 0, default 0      hard reserve on bids, for every bidder
//   reserves          list of numbers >= 0 | null per-bidder (personalized) reserves; bidder
//                                                  i's reserve is max(reserve, reserves[i])
//   score_reserve     number | null, default null  reserve on the ranking score (see
//                                                  position_auction.h)
//   quality_exponent  number in [0, 10], default 1 α in the score b q^α + w e
//   additive_weight   number, default 0            w in the score
//   pricing           "per_click" | "per_impression", default "per_click"
//   soft_floor        number >= 0, default 0       second price / GSP only (0 = none); a soft
//                                                  floor at or below the reserve has no effect
#pragma once

#include "core/params.h"
#include "mechanisms/position_auction.h"

namespace agora {

enum class SharedParams : unsigned {
  kReserves = 1u << 0,
  kScore = 1u << 1,  // quality_exponent, additive_weight
  kPricing = 1u << 2,
  kSoftFloor = 1u << 3,
};

constexpr unsigned operator|(SharedParams a, SharedParams b) {
  return static_cast<unsigned>(a) | static_cast<unsigned>(b);
}
constexpr unsigned operator|(unsigned a, SharedParams b) { return a | static_cast<unsigned>(b); }

// The specs of the selected shared parameters (flags: an | of SharedParams).
ParamSpecs position_auction_params(unsigned flags);
// A config with rule `rule` from validated params (absent keys keep the defaults).
PositionAuctionConfig position_auction_config(PriceRule rule, const Json& params);

}  // namespace agora
