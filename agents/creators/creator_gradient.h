// "creator_gradient": projected gradient ascent of a content creator on the unit sphere, the
// learning dynamics of exposure games (Hron, Krauth, Jordan, Kilbertus & Dean, "Modeling
// content creator incentives on algorithm-curated platforms", ICLR 2023).
//
// Model: creator i with direction s (unit vector in R^d) estimates the gradient of its
// last-step reward r(s), everything else fixed, by central finite differences through the
// env's counterfactual oracle,
//     g_k = (r(s + h e_k) - r(s - h e_k)) / (2h),   k = 1..d   (2d oracle evaluations),
// projects it on the tangent space, g <- g - (g.s) s, and moves
//     s <- (s + eta g) / |s + eta g|     (or eta g / |g| with normalize_gradient).
// The env normalises actions to unit length, so r(s +- h e_k) is the reward of the normalised
// direction and the difference quotient estimates the tangential (Riemannian) gradient. Fixed
// points are the first-order stationary profiles; with the tests' softmax exposure game these
// are the equilibria derived in tests/agents/creators/. Needs a Box action "e0".."e{d-1}" and
// full-information feedback. The first direction is the env's current one when observed,
// else uniformly random.
//
// Parameters (registration in creator_gradient.cc):
//   step_size           number > 0, default 0.1    eta
//   fd_step             number > 0, default 1e-4   h
//   normalize_gradient  bool, default false        step eta along g / |g|
#pragma once

#include <Eigen/Core>
#include <vector>

#include "agents/creators/creator_space.h"
#include "agents/policy.h"

namespace agora {

class CreatorGradient final : public Policy {
 public:
  CreatorGradient(const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

 private:
  const CreatorSpace space_;
  const double step_size_;
  const double fd_step_;
  const bool normalize_gradient_;
  const std::vector<int> agents_;
  std::vector<Eigen::VectorXd> current_;
  std::vector<double> last_gradient_norm_;
  std::vector<char> initialized_;
  std::vector<char> acted_;
  RowBatch candidates_;
  Eigen::ArrayXd payoffs_;
  Eigen::VectorXd s_;         // scratch: the direction played in the last step
  Eigen::VectorXd work_;      // scratch
  Eigen::VectorXd gradient_;  // scratch
  Rng rng_;
};

}  // namespace agora
