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
  const auto consider = [&](double b) {
    const double u = utility(b);
    if (u > out.best_utility) {
      out.best_utility = u;
      out.best_bid = b;
    }
  };
  double low = grid[0];
  double high = grid[0];
  for (const double b : grid) {
    consider(b);
    low = std::min(low, b);
    high = std::max(high, b);
  }
  if (include_thresholds) {
    for (const LinearPiece& p : utility.pieces()) {
      if (p.from >= low && p.from <= high) consider(p.from);
    }
  }
  out.regret = out.best_utility - out.utility;
  return out;
}

}  // namespace agora
