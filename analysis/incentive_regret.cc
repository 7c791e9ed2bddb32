#include "analysis/incentive_regret.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

BidRegret ex_post_regret(const PiecewiseLinear& utility, double bid, double low, double high) {
  AGORA_CHECK(std::isfinite(low) && std::isfinite(high) && low <= bid && bid <= high);
  BidRegret out;
  out.utility = utility(bid);
  const PiecewiseLinear::Supremum best = utility.supremum(low, high);
  out.best_utility = std::max(best.value, out.utility);
  out.best_bid = best.value > out.utility ? best.x : bid;
  out.attained = best.value > out.utility ? best.attained : true;
  out.regret = out.best_utility - out.utility;
  return out;
}

BidRegret grid_regret(const PiecewiseLinear& utility, double bid, std::span<const double> grid,
                      bool include_thresholds) {
  AGORA_CHECK(!grid.empty());
  BidRegret out;
  out.utility = utility(bid);
  out.best_utility = out.utility;
  out.best_bid = bid;
  const auto consider = [&](double value, double b, bool attained) {
    if (value > out.best_utility) {
      out.best_utility = value;
      out.best_bid = b;
      out.attained = attained;
    }
  };
  double low = grid[0];
  double high = grid[0];
  for (const double b : grid) {
    consider(utility(b), b, true);
    low = std::min(low, b);
    high = std::max(high, b);
  }
  if (include_thresholds) {
    for (const LinearPiece& p : utility.pieces()) {
      if (p.from < low || p.from > high) continue;
      consider(p.at, p.from, true);
      if (p.from < high) consider(p.intercept + p.slope * p.from, p.from, false);
    }
  }
  out.regret = out.best_utility - out.utility;
  return out;
}

}  // namespace agora
