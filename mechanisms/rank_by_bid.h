// Ranking for sealed-bid position auctions: the k highest bids at or above the reserve win
// the k slots in order, ties broken uniformly at random (a random permutation of the tied
// bidders, drawn only when a tie decides who wins or which slot). Shared by first price and
// second price; prices are the caller's.
//
// Without ties this is a single pass keeping the k+1 highest bids in a small sorted buffer;
// with a tie it falls back to shuffling the eligible bidders and stable-sorting by bid.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
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

// average_over_tie_positions() for one slot and many candidate bids, bitwise identical to it
// but vectorisable: the price per click of a win is the bid itself (first price) or
// max(highest other bid, reserve) (second price); a tie with the highest other bids shares
// the slot among the tied bidders.
template <bool kPayOwnBid>
void one_slot_deviations(std::span<const double> others_desc, std::span<const double> bids,
                         double ctr, double reserve, std::span<double> clicks,
                         std::span<double> payments) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::size_t m = others_desc.size();
  const std::size_t count = bids.size();
  const double* __restrict b = bids.data();
  double* __restrict cl = clicks.data();
  double* __restrict pay = payments.data();
  const double win_clicks = 0.0 + ctr;
  if (m == 0 || !(others_desc[0] > -kInf)) {
    if (m == 0) {  // alone: every bid at or above the reserve wins at price max(0, reserve)
      const double alone_pay = 0.0 + std::max(0.0, reserve) * ctr;
      for (std::size_t c = 0; c < count; ++c) {
        const bool eligible = b[c] >= reserve;
        cl[c] = eligible ? win_clicks : 0.0;
        pay[c] = eligible ? (kPayOwnBid ? 0.0 + b[c] * ctr : alone_pay) : 0.0;
      }
      return;
    }
    for (std::size_t c = 0; c < count; ++c) {  // degenerate others: the reference rule
      const double bid = b[c];
      const auto price_at = [bid, reserve](double next_below) {
        return kPayOwnBid ? bid : std::max(next_below, reserve);
      };
      average_over_tie_positions(others_desc, bid, std::span<const double>(&ctr, 1), reserve,
                                 price_at, cl[c], pay[c]);
    }
    return;
  }
  const double top = others_desc[0];
  std::size_t tied = 0;
  while (tied < m && others_desc[tied] == top) ++tied;
  const double share = static_cast<double>(tied + 1);
  const double tie_clicks = win_clicks / share;
  const double second_price_pay = 0.0 + std::max(top, reserve) * ctr;
  // Written so that GCC vectorises it under -ftrapping-math: selects only, no arithmetic
  // inside a condition (first price multiplies in a second pass; 0 * ctr + 0.0 is +0.0), and a
  // double counter for ties.
  double ties = 0.0;
  for (std::size_t c = 0; c < count; ++c) {
    const double bid = b[c];
    // Bids below the reserve become -inf, which neither beats nor ties the (finite) top.
    const double eligible = bid >= reserve ? bid : -kInf;
    cl[c] = eligible > top ? win_clicks : (eligible == top ? tie_clicks : 0.0);
    pay[c] = eligible > top ? (kPayOwnBid ? bid : second_price_pay) : 0.0;
    ties += eligible == top ? 1.0 : 0.0;
  }
  if constexpr (kPayOwnBid) {
    for (std::size_t c = 0; c < count; ++c) pay[c] = 0.0 + pay[c] * ctr;
  }
  if (ties == 0.0) return;
  for (std::size_t c = 0; c < count; ++c) {
    const double bid = b[c];
    if (bid >= reserve && bid == top) {
      pay[c] = (kPayOwnBid ? 0.0 + bid * ctr : second_price_pay) / share;
    }
  }
}

}  // namespace agora
