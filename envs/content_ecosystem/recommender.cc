#include "envs/content_ecosystem/recommender.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace agora {

namespace {
constexpr float kIneligible = -std::numeric_limits<float>::infinity();
}

Recommender::Recommender(const RecommenderWeights& weights, int dim, int items)
    : weights_(weights),
      dim_(dim),
      directions_(FloatRows::Zero(items, dim)),
      terms_(static_cast<std::size_t>(items), kIneligible),
      items_aug_(Eigen::MatrixXf::Zero(dim + 1, items)) {
  candidates_.reserve(static_cast<std::size_t>(items));
  mmr_value_.reserve(static_cast<std::size_t>(weights.mmr_candidates));
  max_sim_.reserve(static_cast<std::size_t>(weights.mmr_candidates));
  picked_.reserve(static_cast<std::size_t>(weights.mmr_candidates));
}

float Recommender::item_term(double quality, double freshness, double boost, bool active) const {
  if (!active) return kIneligible;
  return static_cast<float>(weights_.quality * quality + weights_.freshness * freshness +
                            weights_.underserved * boost);
}

void Recommender::prepare(const FloatRows& directions, std::span<const float> terms) {
  AGORA_CHECK_EQ(directions.rows(), directions_.rows());
  AGORA_CHECK_EQ(terms.size(), terms_.size());
  directions_ = directions;
  std::copy(terms.begin(), terms.end(), terms_.begin());
  items_aug_.topRows(dim_) = directions_.transpose();
  for (std::size_t j = 0; j < terms_.size(); ++j) {
    // An inactive item's direction is zeroed so the product gives exactly -inf (no inf * 0).
    if (terms_[j] == kIneligible) items_aug_.col(static_cast<Eigen::Index>(j)).head(dim_).setZero();
    items_aug_(dim_, static_cast<Eigen::Index>(j)) = terms_[j];
  }
}

void Recommender::score_block(const FloatRows& users, int first, int count, FloatRows& out) {
  AGORA_CHECK(first >= 0 && first + count <= users.rows());
  users_aug_.resize(count, dim_ + 1);
  users_aug_.leftCols(dim_) =
      users.middleRows(first, count) * static_cast<float>(weights_.relevance);
  users_aug_.col(dim_).setOnes();
  out.resize(count, items_aug_.cols());
  out.noalias() = users_aug_ * items_aug_;
  if (!uses_mmr()) return;
  for (int r = 0; r < count; ++r) {
    rerank(std::span<float>(out.row(r).data(), static_cast<std::size_t>(out.cols())), directions_);
  }
}

float Recommender::score(std::span<const float> user, std::span<const float> direction,
                         float term) const {
  if (term == kIneligible) return kIneligible;
  float dot = 0.0f;
  const auto w = static_cast<float>(weights_.relevance);
  for (std::size_t k = 0; k < user.size(); ++k) dot += (w * user[k]) * direction[k];
  return dot + term;
}

void Recommender::rerank(std::span<float> row, const FloatRows& directions) const {
  if (!uses_mmr()) return;
  candidates_.clear();
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (row[j] != kIneligible) candidates_.push_back(static_cast<int>(j));
  }
  const auto m =
      std::min<std::size_t>(candidates_.size(), static_cast<std::size_t>(weights_.mmr_candidates));
  auto higher = [&](int a, int b) {
    const float sa = row[static_cast<std::size_t>(a)], sb = row[static_cast<std::size_t>(b)];
    return sa > sb || (sa == sb && a < b);
  };
  std::nth_element(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(m),
                   candidates_.end(), higher);
  candidates_.resize(m);
  std::sort(candidates_.begin(), candidates_.end(), higher);
  const auto lambda = static_cast<float>(weights_.mmr_lambda);
  mmr_value_.assign(m, 0.0f);
  max_sim_.assign(m, -std::numeric_limits<float>::infinity());
  picked_.assign(m, 0);
  for (std::size_t k = 0; k < m; ++k) mmr_value_[k] = row[static_cast<std::size_t>(candidates_[k])];
  std::fill(row.begin(), row.end(), kIneligible);
  float cap = std::numeric_limits<float>::infinity();
  for (std::size_t step = 0; step < m; ++step) {
    std::size_t best = m;
    float best_value = 0.0f;
    for (std::size_t k = 0; k < m; ++k) {
      if (picked_[k]) continue;
      const float penalty = step == 0 ? 0.0f : max_sim_[k];
      const float value = lambda * mmr_value_[k] - (1.0f - lambda) * penalty;
      if (best == m || value > best_value) {
        best = k;
        best_value = value;
      }
    }
    picked_[best] = 1;
    cap = std::min(cap, best_value);
    row[static_cast<std::size_t>(candidates_[best])] = cap;
    const float* c = directions.row(candidates_[best]).data();
    for (std::size_t k = 0; k < m; ++k) {
      if (picked_[k]) continue;
      const float* other = directions.row(candidates_[k]).data();
      float dot = 0.0f;
      for (int d = 0; d < dim_; ++d) dot += c[d] * other[d];
      max_sim_[k] = std::max(max_sim_[k], dot);
    }
  }
}

}  // namespace agora
