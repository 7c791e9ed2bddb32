// The recommender of the `content_ecosystem` env: scores user x item in blocks with one Eigen
// float matrix product (the hot loop), optionally re-ranks for diversity (MMR), and leaves the
// choice of the slate to the exposure rule (mechanisms/content/exposure_rule.h).
//
// Score of item j (direction c_j, quality q_j, freshness f_j, under-served boost b_j) for user
// u (preference x_u):
//     s_uj = w_relevance <x_u, c_j> + w_quality q_j + w_freshness f_j + w_underserved b_j,
// and -infinity for inactive items (never shown). The per-item terms are folded into the
// product: [w_relevance x_u, 1] . [c_j; t_j], so one GEMM of inner dimension d + 1 gives the
// block of scores. The recommender knows users' preferences exactly (a perfect relevance
// model). b_j = max(0, 1 - n_active e_j) where e_j is item j's share of the last period's
// impressions: 1 for unseen items, 0 at or above an equal share (a boost for under-served
// content; Mladenov et al. 2020 discuss why ecosystems need one).
//
// Diversity (mmr_lambda < 1): maximal marginal relevance (Carbonell & Goldstein 1998) over the
// user's top `mmr_candidates` items: greedily pick argmax_k lambda s_uk - (1 - lambda) max_{p
// picked} <c_k, c_p>; each picked item's score becomes its MMR value at the time it was picked,
// capped by the previous pick's (so the order of the picks is the order of the scores), and
// items outside the candidates become -infinity. mmr_lambda = 1 turns it off.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include "envs/content_ecosystem/topic_space.h"
#include "envs/space.h"

namespace agora {

struct RecommenderWeights {
  double relevance = 1.0;
  double quality = 0.5;
  double freshness = 0.1;
  double underserved = 0.0;
  double mmr_lambda = 1.0;
  int mmr_candidates = 50;
};

class Recommender {
 public:
  Recommender(const RecommenderWeights& weights, int dim, int items);

  const RecommenderWeights& weights() const { return weights_; }
  bool uses_mmr() const { return weights_.mmr_lambda < 1.0; }

  // Per-item term t_j (or -inf when inactive).
  float item_term(double quality, double freshness, double boost, bool active) const;
  // Loads the period's items: directions (items x d) and their terms.
  void prepare(const FloatRows& directions, std::span<const float> terms);
  const FloatRows& directions() const { return directions_; }
  std::span<const float> terms() const { return {terms_.data(), terms_.size()}; }

  // Scores users [first, first + count) of `users` (rows = preferences) into out (count x
  // items, resized), with MMR applied per row when on.
  void score_block(const FloatRows& users, int first, int count, FloatRows& out);
  // One item's score for one user, computed the way score_block computes it up to rounding.
  float score(std::span<const float> user, std::span<const float> direction, float term) const;
  // MMR re-ranking of one row in place (no-op when off); `directions` are the items'.
  void rerank(std::span<float> row, const FloatRows& directions) const;

 private:
  const RecommenderWeights weights_;
  const int dim_;
  FloatRows directions_;
  std::vector<float> terms_;
  Eigen::MatrixXf items_aug_;  // (d + 1) x items: [c_j; t_j]
  Eigen::MatrixXf users_aug_;  // block x (d + 1): [w_relevance x_u, 1]
  mutable std::vector<int> candidates_;
  mutable std::vector<float> mmr_value_, max_sim_;
  mutable std::vector<char> picked_;
};

}  // namespace agora
