// "top_k": the deterministic exposure rule of a ranking recommender.
//
// Model: each user sees the K eligible items with the highest scores, in decreasing score
// order; items tied in score are ordered uniformly at random with the caller's Rng (the tied
// group straddling position K competes for the remaining positions uniformly). Inclusion
// probabilities: 1 above the K-th score, (K - #above) / #tied for items tied with it, 0 below;
// every eligible item when fewer than K are eligible. No parameters.
//
// The rule of Hron et al., "Modeling content creator incentives on algorithm-curated
// platforms", ICLR 2023, in the tau -> 0 limit, and of Yao et al., "How Bad is Top-K
// Recommendation under Competing Content Creators?", ICML 2023.
#pragma once

#include "mechanisms/content/exposure_rule.h"

namespace agora {

class TopKExposure final : public ExposureRule {
 public:
  void select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const override;
  void inclusion_probabilities(std::span<const float> scores, int slate_size,
                               std::span<double> out) const override;
};

}  // namespace agora
