// Ranking for sealed-bid position auctions: the bidders of the k + 1 highest scores in order,
// ties broken uniformly at random (a random permutation of the tied bidders, drawn only when a
// tie between finite scores decides who wins or which slot). Ineligible bidders carry the
// score -inf and never cause a draw. Prices are the caller's.
//
// Without ties this is a single pass keeping the k+1 highest scores in a small sorted buffer;
// with a tie it falls back to shuffling the bidders and stable-sorting by score.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>

#include "core/rng.h"

namespace agora {

// Writes to ranked[0..m) the bidders of the m = min(k + 1, n) highest scores, best first, and
// returns m. ranked[k] (when m == k + 1) is the best loser.
inline int rank_by_score(const double* scores, int n, int k, std::span<int> ranked, Rng& rng);

// The one-slot scan of rank_by_score: the highest bid's bidder `best` and the next one
// `second` (-1 when n == 1), in one branch-light pass with the two bids in registers. Returns
// false when the highest bid is tied, in which case the caller must use rank_by_score (which
// breaks the tie at random).
inline bool top_two_untied(const double* bids, int n, int& best, int& second) {
  // The two highest bids run through min/max and the bidders through integer selects off that
  // chain: GCC compiles the equivalent ternaries into branches, which mispredict on random
  // bids and cost more than the rest of the auction.
  const auto pick_index = [](bool c, int a, int b) {
    const int mask = -static_cast<int>(c);
    return (a & mask) | (b & ~mask);
  };
  int b = 0;
  int s = -1;
  double top = bids[0];
  double next = 0.0;
  if (n > 1) {  // the second bid is the runner-up so far, whatever its value
    const double x = bids[1];
    const bool above_top = x > top;
    s = above_top ? 0 : 1;
    next = above_top ? top : x;
    b = above_top ? 1 : 0;
    top = above_top ? x : top;
  }
  for (int i = 2; i < n; ++i) {
    const double x = bids[i];
    const bool above_top = x > top;
    const bool above_next = x > next;
    s = pick_index(above_top, b, pick_index(above_next, i, s));
    b = pick_index(above_top, i, b);
    next = std::max(next, std::min(top, x));
    top = std::max(top, x);
  }
  best = b;
  second = s;
  return s < 0 || next != top || top == -std::numeric_limits<double>::infinity();
}

// The general case: a sorted buffer of the k + 1 best, or a shuffle when a tie decides.
int rank_by_score_general(const double* scores, int n, int k, std::span<int> ranked, Rng& rng);

inline int rank_by_score(const double* scores, int n, int k, std::span<int> ranked, Rng& rng) {
  if (k == 1 && n >= 2 && ranked.size() >= 2) {
    int best, second;
    if (top_two_untied(scores, n, best, second)) {
      ranked[0] = best;
      ranked[1] = second;
      return 2;
    }
  }
  return rank_by_score_general(scores, n, k, ranked, rng);
}

}  // namespace agora
