// "softmax": stochastic exposure, Plackett-Luce sampling of a slate.
//
// Model: with weights w_i = exp(x_i / tau) over the eligible items (x_i the score, tau > 0 the
// temperature), position 1 shows item i with probability w_i / sum_j w_j, and each further
// position draws from the items not yet shown in proportion to their weights (Plackett-Luce;
// K = 1 is the softmax exposure of Hron et al. 2023). Sampled with Gumbel-top-K: the K largest
// x_i / tau + G_i, G_i iid standard Gumbel, in decreasing order (Yellott 1977; Kool, van Hoof
// & Welling, ICML 2019). tau -> 0 gives top_k, tau -> infinity a uniform random slate.
//
// Inclusion probabilities: exact for K = 1 (the softmax) and K >= #eligible (all 1). Small
// cases (at most 2000 sets of size <= K) by dynamic programming over the set of the first j
// draws, f(S + i) += f(S) w_i / sum_{l not in S} w_l, P(i in slate) = sum_{|S| = K, i in S}
// f(S). Otherwise by the exponential-race representation (item i finishes at T_i ~ Exp(w_i); the
// slate is the first K to finish): P(i in slate) = int_0^inf w_i e^{-w_i t} P(#{j != i : T_j < t} <
// K) dt, with the Poisson-binomial count from prefix/suffix dynamic programmes and composite
// 8-point Gauss-Legendre quadrature on unit panels in log t, from where K others can have
// finished (below, the integrand is w_i e^{-w_i t} up to 1e-13 and is integrated in closed
// form) to where K others surely have (absolute error < 1e-9 in the tests against exhaustive
// enumeration, ~1e-11 typically). Cost O(panels * n * K) per user, panels ~
// log(w_max / w_(K+1)) + log(C(n-1, K)) / K + 4: ~300 us for n = 50, K = 10
// (bench/content_exposure_bench).
// Sampling uses one Gumbel draw per eligible item and user.
//
// Parameters (registration in softmax_exposure.cc):
//   temperature  number > 0, default 1   tau
#pragma once

#include "mechanisms/content/exposure_rule.h"

namespace agora {

class SoftmaxExposure final : public ExposureRule {
 public:
  explicit SoftmaxExposure(double temperature);
  double temperature() const { return temperature_; }

  void select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const override;
  void inclusion_probabilities(std::span<const float> scores, int slate_size,
                               std::span<double> out) const override;

  // P(i among the first k Plackett-Luce draws) for positive weights w, 1 <= k < n; both exact
  // up to rounding (subsets) or to < 1e-9 (quadrature); inclusion_probabilities() uses the
  // subsets when there are at most kMaxSubsets sets of size <= k (and n <= 30).
  static constexpr double kMaxSubsets = 2000.0;
  static double subset_count(int n, int k);  // sum_{j <= k} C(n, j); inf when n > 30
  static void inclusion_by_subsets(std::span<const double> w, int k, std::span<double> out);
  static void inclusion_by_quadrature(std::span<const double> w, int k, std::span<double> out);

 private:
  const double temperature_;
};

}  // namespace agora
