// Ranking for sealed-bid position auctions: the k highest bids at or above the reserve win
// the k slots in order, ties broken uniformly at random (a random permutation of the tied
// bidders, drawn only when a tie decides who wins or which slot). Shared by first price and
// second price; prices are the caller's.
//
// Without ties this is a single pass keeping the k+1 highest bids in a small sorted buffer;
// with a tie it falls back to shuffling the eligible bidders and stable-sorting by bid.
#pragma once

#include <span>

#include "core/rng.h"

namespace agora {

// Writes to ranked[0..m) the bidders of the m = min(k + 1, n) highest bids, best first, and
// returns m. ranked[k] (when m == k + 1) is the best loser, whose bid sets second-price
// prices. Only ranked[0..k) bidders with bid >= reserve win.
int rank_by_bid(const double* bids, int n, int k, std::span<int> ranked, Rng& rng);

// Shared rule for deviation(): bidder bidding `bid` against others_desc; `price_at` gives the
// per-click price in slot p given the next bid below (or 0 when nobody is below).
template <typename PriceAt>
void average_over_tie_positions(std::span<const double> others_desc, double bid,
                                std::span<const double> ctr, double reserve, PriceAt price_at,
                                double& clicks, double& payment) {
  clicks = 0.0;
  payment = 0.0;
  if (!(bid >= reserve)) return;
  const int m = static_cast<int>(others_desc.size());
  const int k = static_cast<int>(ctr.size());
  int above = 0;
  while (above < m && others_desc[above] > bid) ++above;
  int tied = 0;
  while (above + tied < m && others_desc[above + tied] == bid) ++tied;
  for (int p = above; p <= above + tied && p < k; ++p) {
    const double next_below = p < m ? others_desc[p] : 0.0;
    clicks += ctr[p];
    payment += price_at(next_below) * ctr[p];
  }
  clicks /= tied + 1;
  payment /= tied + 1;
}

}  // namespace agora
