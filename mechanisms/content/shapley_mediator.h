// "shapley_mediator": the Shapley mediator of Ben-Porat & Tennenholtz (2018).
//
// Model: a user has satisfaction levels sigma_i in [0, 1] with the items. With the levels
// sorted, sigma_(1) >= ... >= sigma_(n), sigma_(n+1) = 0, the mediator shows the item of rank j
// with probability
//     P(j) = sum_{l >= j} (sigma_(l) - sigma_(l+1)) / l
// (its Shapley value in the cooperative game v(S) = max_{i in S} sigma_i) and nothing with
// probability 1 - sigma_(1). Equivalently: draw v ~ U[0, 1); show an item drawn uniformly
// among those with sigma_i > v, or nothing if there is none — which is how select() samples
// it, in O(n) without sorting. The game it induces among content providers (payoff: expected
// exposure, summed over users) is an exact potential game with potential
//     Phi = sum_users sum_l H_l (sigma_(l) - sigma_(l+1)),   H_l = 1 + 1/2 + ... + 1/l,
// hence has pure Nash equilibria and best-response dynamics converge (Ben-Porat &
// Tennenholtz, Thm. 2; tests/agents/creators/ checks it).
//
// Scores -> satisfaction (decision, docs/content_mechanisms.md): with z = (x - offset) / scale,
// "clip" gives sigma = min(1, max(0, z)) (inner products of unit vectors with offset 0 and
// scale 1: sigma = max(0, cos angle)); "logistic" gives sigma = 1 / (1 + exp(-z)). -inf scores
// have sigma = 0 and are never shown.
//
// Slates of K > 1 (decision): K independent mediator draws for the user; the slate lists the
// distinct items in the order they were first drawn and ends with -1 for repeated and empty
// draws. Each draw is exactly the paper's mediator, and P(i in slate) = 1 - (1 - P(i))^K.
//
// Parameters (registration in shapley_mediator.cc):
//   satisfaction  "clip" | "logistic", default "clip"
//   offset        number, default 0
//   scale         number > 0, default 1
//
// O. Ben-Porat and M. Tennenholtz, "A Game-Theoretic Approach to Recommendation Systems with
// Strategic Content Providers", NeurIPS 2018.
#pragma once

#include "mechanisms/content/exposure_rule.h"

namespace agora {

class ShapleyMediator final : public ExposureRule {
 public:
  enum class Satisfaction { kClip, kLogistic };
  ShapleyMediator(Satisfaction satisfaction, double offset, double scale);

  double satisfaction(float score) const;
  // P(j) of every item for one draw (K = 1); out.size() == scores.size().
  void mediator_probabilities(std::span<const float> scores, std::span<double> out) const;

  void select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const override;
  void inclusion_probabilities(std::span<const float> scores, int slate_size,
                               std::span<double> out) const override;

 private:
  const Satisfaction satisfaction_;
  const double offset_;
  const double inverse_scale_;
};

}  // namespace agora
