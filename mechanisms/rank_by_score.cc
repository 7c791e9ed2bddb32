#include "mechanisms/rank_by_score.h"

#include <algorithm>
#include <array>
#include <boost/random/uniform_int_distribution.hpp>
#include <limits>
#include <vector>

#include "core/error.h"

namespace agora {

namespace {

// Inserts `candidate` into ranked[0, filled), kept in descending score order with at most m
// entries; an equal score goes after those already kept. Returns the new count.
int keep_best(const double* scores, int candidate, std::span<int> ranked, int filled, int m) {
  const double b = scores[candidate];
  if (filled == m && !(b > scores[ranked[m - 1]])) return filled;
  int pos = filled < m ? filled++ : m - 1;
  while (pos > 0 && b > scores[ranked[pos - 1]]) {
    ranked[pos] = ranked[pos - 1];
    --pos;
  }
  ranked[pos] = candidate;
  return filled;
}

int rank_with_random_ties(const double* scores, int n, int m, std::span<int> ranked, Rng& rng) {
  constexpr int kOnStack = 16;
  std::array<int, kOnStack> small;
  thread_local std::vector<int> large;
  int* order = small.data();
  if (n > kOnStack) {
    large.resize(static_cast<std::size_t>(n));
    order = large.data();
  }
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = n - 1; i > 0; --i) {
    const int j = boost::random::uniform_int_distribution<int>(0, i)(rng);
    std::swap(order[i], order[j]);
  }
  // The m best of a stable sort of the shuffled order by score, kept by insertion (no buffer):
  // equal scores stay in shuffled order, so ties are broken uniformly at random.
  int filled = 0;
  for (int p = 0; p < n; ++p) filled = keep_best(scores, order[p], ranked, filled, m);
  return m;
}

}  // namespace

int rank_by_score_general(const double* scores, int n, int k, std::span<int> ranked, Rng& rng) {
  const int m = std::min(k + 1, n);
  AGORA_CHECK_GE(static_cast<int>(ranked.size()), m);
  if (m == 0) return 0;
  if (k == 1) {
    int best, second;
    if (!top_two_untied(scores, n, best, second)) {
      return rank_with_random_ties(scores, n, m, ranked, rng);
    }
    ranked[0] = best;
    if (m > 1) ranked[1] = second;
    return m;
  }
  constexpr int kKeptOnStack = 16;
  if (m <= kKeptOnStack) {
    // keep_best() with the kept scores in a local array instead of loaded through ranked[].
    double kept[kKeptOnStack];
    int filled = 0;
    for (int i = 0; i < n; ++i) filled = keep_highest(scores[i], i, kept, ranked.data(), filled, m);
  } else {
    int filled = 0;
    for (int i = 0; i < n; ++i) filled = keep_best(scores, i, ranked, filled, m);
  }
  const int deciding = std::min(k, m - 1);
  for (int p = 0; p < deciding; ++p) {
    if (scores[ranked[p]] == scores[ranked[p + 1]] &&
        scores[ranked[p]] > -std::numeric_limits<double>::infinity()) {
      return rank_with_random_ties(scores, n, m, ranked, rng);
    }
  }
  return m;
}

}  // namespace agora
