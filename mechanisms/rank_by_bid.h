// Ranking for sealed-bid position auctions: the k highest bids at or above the reserve win
// the k slots in order, ties broken uniformly at random (a random permutation of the tied
// bidders, drawn only when a tie decides who wins or which slot). Shared by first price and
// second price; prices are the caller's.
//
// Without ties this is a single pass keeping the k+1 highest bids in a small sorted buffer;
// with a tie it falls back to shuffling the eligible bidders and stable-sorting by bid.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>

#include "core/rng.h"

namespace agora {

// Writes to ranked[0..m) the bidders of the m = min(k + 1, n) highest bids, best first, and
// returns m. ranked[k] (when m == k + 1) is the best loser, whose bid sets second-price
// prices. Only ranked[0..k) bidders with bid >= reserve win.
int rank_by_bid(const double* bids, int n, int k, std::span<int> ranked, Rng& rng);

// The one-slot scan of rank_by_bid: the highest bid's bidder `best` and the next one
// `second` (-1 when n == 1), in one branch-light pass with the two bids in registers. Returns
// false when the highest bid is tied, in which case the caller must use rank_by_bid (which
// breaks the tie at random).
inline bool top_two_untied(const double* bids, int n, int& best, int& second) {
  int b = 0;
  int s = -1;
  double top = bids[0];
  double next = 0.0;
  for (int i = 1; i < n; ++i) {
    const double x = bids[i];
    const bool above_top = x > top;
    const bool above_next = s < 0 || x > next;
    s = above_top ? b : (above_next ? i : s);
    next = above_top ? top : (above_next ? x : next);
    b = above_top ? i : b;
    top = above_top ? x : top;
  }
  best = b;
  second = s;
  return s < 0 || next != top;
}

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
// per candidate, written for speed (the full-information learners' hot path). With h the
// highest other bid and t the number of others tied at h: a bid above h (and at or above the
// reserve) wins the slot at price max(h, reserve) (second price) or its own bid (first
// price); a bid equal to h (at or above the reserve) gets 1/(t+1) of that (a tie bid pays
// the same price h in both auctions, so the tie payment is a constant); anything else nothing.
// When h is below the reserve there are no ties and a bid wins iff it is at or above the
// reserve. So one comparison decides a win (bid > threshold) and one a tie (bid == tie_at,
// NaN when ties are impossible), and the outputs are bitwise selects of constants, vectorised
// with GCC vector extensions (2 candidates per SSE2 register).
template <bool kPayOwnBid>
void one_slot_deviations(std::span<const double> others_desc, std::span<const double> bids,
                         double ctr, double reserve, std::span<double> clicks,
                         std::span<double> payments) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::size_t m = others_desc.size();
  const std::size_t count = bids.size();
  const double* b = bids.data();
  double* cl = clicks.data();
  double* pay = payments.data();
  if (m == 0 || !(others_desc[0] > -kInf) || !(reserve > -kInf)) {
    for (std::size_t c = 0; c < count; ++c) {  // degenerate cases: the reference rule
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
  const bool contested = top >= reserve;
  // bid > nextafter(reserve, -inf) <=> bid >= reserve, for every non-NaN double.
  const double threshold = contested ? top : std::nextafter(reserve, -kInf);
  const double tie_at = contested ? top : std::numeric_limits<double>::quiet_NaN();
  const double win_clicks = 0.0 + ctr;
  const double tie_clicks = win_clicks / share;
  const double second_price_pay = 0.0 + std::max(top, reserve) * ctr;
  const double tie_pay = (kPayOwnBid ? 0.0 + top * ctr : second_price_pay) / share;
  std::size_t c = 0;
#if defined(__GNUC__) && !defined(__clang__)
  // 16-byte vectors map onto SSE2 registers (the x86-64 baseline) without scalarising.
  using V2d = double __attribute__((vector_size(16)));
  using V2m = long long __attribute__((vector_size(16)));
  const V2d v_threshold = {threshold, threshold};
  const V2d v_tie_at = {tie_at, tie_at};
  const V2d v_ctr = {ctr, ctr};
  const V2d v_zero = {0.0, 0.0};
  const V2m m_win_clicks = (V2m)(V2d){win_clicks, win_clicks};
  const V2m m_tie_clicks = (V2m)(V2d){tie_clicks, tie_clicks};
  const V2m m_tie_pay = (V2m)(V2d){tie_pay, tie_pay};
  const V2d v_second_price_pay = {second_price_pay, second_price_pay};
#pragma GCC unroll 4
  for (; c + 2 <= count; c += 2) {
    V2d bid;
    std::memcpy(&bid, b + c, sizeof bid);
    const V2m win = bid > v_threshold;
    const V2m tie = bid == v_tie_at;
    const V2d win_pay = kPayOwnBid ? v_zero + bid * v_ctr : v_second_price_pay;
    const V2d out_clicks = (V2d)((win & m_win_clicks) | (tie & m_tie_clicks));
    const V2d out_pay = (V2d)((win & (V2m)win_pay) | (tie & m_tie_pay));
    std::memcpy(cl + c, &out_clicks, sizeof out_clicks);
    std::memcpy(pay + c, &out_pay, sizeof out_pay);
  }
#endif
  for (; c < count; ++c) {
    const double bid = b[c];
    const bool win = bid > threshold;
    const bool tie = bid == tie_at;
    cl[c] = win ? win_clicks : (tie ? tie_clicks : 0.0);
    pay[c] = win ? (kPayOwnBid ? 0.0 + bid * ctr : second_price_pay) : (tie ? tie_pay : 0.0);
  }
}

}  // namespace agora
