// Ecosystem-health measures of the `content_ecosystem` env, as pure functions over one
// period's per-creator and per-region tallies (the env's metric definitions are in its header
// and docs/content_ecosystem.md).
//
// - gini_coefficient(x): the Gini coefficient of non-negative amounts, sum_i sum_j |x_i - x_j| / (2
// n^2
//   mean) = sum_i (2 i - n - 1) x_(i) / (n sum x) over the sorted values (0: equal, (n-1)/n:
//   one holds everything); 0 when the total is 0.
// - normalized_entropy(x): Shannon entropy of the shares x_i / sum x divided by log n (1: equal
//   shares, 0: one holds everything); 0 when n <= 1 or the total is 0.
// - content_gap(demand, supply): with demand and supply per region of the content space
//   normalised to shares d_r and s_r, the gap of region r is d_r - s_r; returns the largest gap
//   and its region (lowest index on ties): the region whose users are most under-served
//   relative to the content available there. In [0, 1]: 0 when supply matches demand
//   everywhere, d_r when region r has users and no content at all.
#pragma once

#include <span>
#include <vector>

namespace agora {

double gini_coefficient(std::span<const double> x, std::vector<double>& scratch);
double normalized_entropy(std::span<const double> x);

struct ContentGap {
  double gap = 0.0;
  int region = 0;
};
ContentGap content_gap(std::span<const double> demand, std::span<const double> supply);

}  // namespace agora
