#include "envs/content_ecosystem/topic_space.h"

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace agora {

bool normalize_in_place(std::span<float> x) {
  double norm2 = 0.0;
  for (float v : x) norm2 += static_cast<double>(v) * v;
  if (!(norm2 > 0.0)) return false;
  const double inv = 1.0 / std::sqrt(norm2);
  for (float& v : x) v = static_cast<float>(v * inv);
  return true;
}

TopicSpace::TopicSpace(int dim, int n_topics, std::uint64_t layout_seed)
    : centroids_(n_topics, dim) {
  AGORA_CHECK_GE(dim, 1);
  AGORA_CHECK_GE(n_topics, 1);
  Rng rng(derive_seed(layout_seed, "content_ecosystem/topics"));
  boost::random::normal_distribution<double> normal;
  for (int t = 0; t < n_topics; ++t) {
    std::span<float> row(centroids_.row(t).data(), static_cast<std::size_t>(dim));
    do {
      for (float& v : row) v = static_cast<float>(normal(rng));
    } while (!normalize_in_place(row));
  }
}

void TopicSpace::sample_around(int topic, double spread, Rng& rng, std::span<float> out) const {
  AGORA_CHECK(topic >= 0 && topic < topics());
  AGORA_CHECK_EQ(static_cast<int>(out.size()), dim());
  boost::random::normal_distribution<double> normal;
  do {
    for (int k = 0; k < dim(); ++k) {
      out[static_cast<std::size_t>(k)] =
          static_cast<float>(centroids_(topic, k) + spread * normal(rng));
    }
  } while (!normalize_in_place(out));
}

int TopicSpace::region_of(std::span<const float> x) const {
  int best = 0;
  float best_dot = -std::numeric_limits<float>::infinity();
  for (int t = 0; t < topics(); ++t) {
    float dot = 0.0f;
    for (int k = 0; k < dim(); ++k) dot += centroids_(t, k) * x[static_cast<std::size_t>(k)];
    if (dot > best_dot) {
      best_dot = dot;
      best = t;
    }
  }
  return best;
}

}  // namespace agora
