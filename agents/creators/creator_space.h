// What creator agents need to know about a creator role, read from its spaces' labels only
// (the creator role contract of content envs, docs/content_mechanisms.md):
//   action  Box with dims "e0".."e{d-1}" in [-1, 1]: a content direction, which the env
//           normalises to unit length; or Discrete(n) labelled "topic".
//   observation  optionally "e0".."e{d-1}" (the current direction) or "topic".
// Directions the agents play are unit vectors divided by their largest |coordinate| when that
// exceeds 1, so they lie in the box and keep their direction.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "core/rng.h"

namespace agora {

struct CreatorSpace {
  bool topics = false;                 // Discrete "topic" action
  int dim = 0;                         // d for directions; 1 for topics
  int topic_count = 0;                 // n for topics
  std::vector<int> direction_columns;  // observation columns of e0..e{d-1}; empty if absent
  int topic_column = -1;               // observation column of "topic"; -1 if absent
};

// Reads the role's spaces; throws ConfigError at ctx.path.type when the action space is
// neither, or when `need_full_information` and the role gets bandit feedback.
CreatorSpace read_creator_space(const PolicyContext& ctx, const std::string& algorithm,
                                bool need_full_information);

// Overwrites `out` (already of size d: no allocation) with a uniformly random unit vector
// (a normalised standard normal).
void random_direction(Rng& rng, Eigen::VectorXd& out);
// out = x / |x| (x and out may alias); false, and out untouched, when x is (numerically) zero
// or not finite.
bool normalize_to(const Eigen::VectorXd& x, Eigen::VectorXd& out);
// Writes `direction` into `row` scaled into [-1, 1]^d (same direction).
template <typename Row>
void write_direction(const Eigen::VectorXd& direction, Row&& row) {
  const double largest = direction.cwiseAbs().maxCoeff();
  const double scale = largest > 1.0 ? 1.0 / largest : 1.0;
  for (Eigen::Index k = 0; k < direction.size(); ++k) row(k) = direction(k) * scale;
}

}  // namespace agora
