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

// Inserts score x (of bidder `index`) into top[0..filled), kept decreasing and at most m long
// (an equal score goes after those already kept), and returns the new length; `who`, when
// given, holds the bidders alongside.
inline int keep_highest(double x, int index, double* top, int* who, int filled, int m) {
  if (filled == m && !(x > top[m - 1])) return filled;
  int pos = filled < m ? filled++ : m - 1;
  while (pos > 0 && x > top[pos - 1]) {
    top[pos] = top[pos - 1];
    if (who) who[pos] = who[pos - 1];
    --pos;
  }
  top[pos] = x;
  if (who) who[pos] = index;
  return filled;
}

// The one-slot scan of rank_by_score: the highest bid's bidder `best` and the first bidder
// holding the next-highest bid `second` (-1 when n == 1). Returns false when the highest bid
// is tied, in which case the caller must use rank_by_score (which breaks the tie at random).
// When every bid is -inf (nobody eligible) it returns true with best = 0, second = 1.
inline bool top_two_untied(const double* bids, int n, int& best, int& second) {
  // Two passes. The values first: the highest and next-highest of the even and of the odd
  // positions in two independent max/min chains (one chain of n dependent steps is what
  // bounds this scan), merged at the end. Then the bidders, by comparing every bid with the
  // two values, branch-free: `best` holds the highest bid, `second` is the first bidder
  // holding the next one. Plain ternaries compile into branches here, which mispredict on
  // random bids and cost more than the rest of the auction.
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  best = 0;
  second = -1;
  if (n < 2) return true;
  double top_even = bids[0], next_even = kNone;
  double top_odd = bids[1], next_odd = kNone;
  int i = 2;
  for (; i + 1 < n; i += 2) {
    next_even = std::max(next_even, std::min(top_even, bids[i]));
    top_even = std::max(top_even, bids[i]);
    next_odd = std::max(next_odd, std::min(top_odd, bids[i + 1]));
    top_odd = std::max(top_odd, bids[i + 1]);
  }
  if (i < n) {
    next_even = std::max(next_even, std::min(top_even, bids[i]));
    top_even = std::max(top_even, bids[i]);
  }
  const double top = std::max(top_even, top_odd);
  const double next = std::max(std::min(top_even, top_odd), std::max(next_even, next_odd));
  if (top == kNone) {  // nobody is eligible
    second = 1;
    return true;
  }
  if (next == top) return false;
  int b = 0;
  int s = 0;
  for (int j = n - 1; j >= 0; --j) {
    b = bids[j] == top ? j : b;
    s = bids[j] == next ? j : s;
  }
  best = b;
  second = s;
  return true;
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
