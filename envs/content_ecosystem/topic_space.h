// The content space of the `content_ecosystem` env: unit vectors in R^d with `n_topics` fixed
// topic centroids. Centroids are drawn once from `layout_seed` (independent of the run seed, so a
// topic index means the same direction in every run of a config): standard normal vectors,
// normalised. Users' preferences and creators' content are drawn around a centroid as
// normalize(centroid + spread * z), z ~ N(0, I_d). The centroids also partition the space into
// regions (nearest centroid by inner product) for the content-gap metric
// (envs/content_ecosystem/ecosystem_health.h).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>

#include "core/rng.h"

namespace agora {

using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class TopicSpace {
 public:
  TopicSpace(int dim, int n_topics, std::uint64_t layout_seed);

  int dim() const { return static_cast<int>(centroids_.cols()); }
  int topics() const { return static_cast<int>(centroids_.rows()); }
  const FloatRows& centroids() const { return centroids_; }

  // Writes normalize(centroid[topic] + spread z) into out (size dim), z standard normal from rng.
  void sample_around(int topic, double spread, Rng& rng, std::span<float> out) const;
  // The region (nearest centroid by inner product, lowest index on ties) of a vector.
  int region_of(std::span<const float> x) const;

 private:
  FloatRows centroids_;
};

// Normalises x in place to unit length; returns false (x unchanged) when its norm is 0.
bool normalize_in_place(std::span<float> x);

}  // namespace agora
