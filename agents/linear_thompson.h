// Linear Thompson sampling with disjoint linear models over a grid of one-dimensional actions.
//
// Model: as lin_ucb.h — arms are grid points of the action, context x the agent's observation
// features (plus a bias), and arm a's reward model θ_aᵀx with the ridge posterior
//   θ_a ~ N(θ̂_a, v² A_a⁻¹),  A_a = λI + Σ x xᵀ,  θ̂_a = A_a⁻¹ Σ r x,
// A_a⁻¹ maintained by Sherman–Morrison. Each round the learner draws θ̃_a from every arm's
// posterior and plays argmax_a θ̃_aᵀx (Agrawal & Goyal 2013, Algorithm 1, with one θ per arm:
// the "disjoint" model of Li et al. 2010).
//
// Sampling. Only the scores θ̃_aᵀx matter and the draws are independent across arms, and
// θ̃_aᵀx ~ N(θ̂_aᵀx, v² xᵀA_a⁻¹x) exactly. So the learner draws the scores directly: one
// standard normal z_a per arm, score θ̂_aᵀx + v sqrt(xᵀA_a⁻¹x) z_a. The distribution of the chosen
// arm is exactly that of drawing θ̃_a ~ N(θ̂_a, v² A_a⁻¹) (with a Cholesky factor of A_a⁻¹) and
// taking the inner product, at O(d²) per arm and no factorization (linear_thompson_test.cc
// checks both against each other). This shortcut holds for disjoint models only; with one θ
// shared by all arms the scores would be correlated.
//
// v is the reward noise scale of the Bayesian reading (the posterior of Gaussian noise with std
// v and prior N(0, v²/λ I)); Agrawal & Goyal's regret bound Õ(d^{3/2} sqrt(T)) uses
// v = R sqrt(24 d ln(1/δ) / ε), much larger than needed in practice. Scale v to the rewards.
//
// Parameters (the "linear_thompson" agent): those of lin_ucb.h except alpha, and
//   posterior_scale  number > 0, default 1   v
//
// Agrawal & Goyal, "Thompson sampling for contextual bandits with linear payoffs", ICML (2013);
// Russo et al., "A tutorial on Thompson sampling", FnT ML (2018), §5.
#pragma once

#include <boost/random/normal_distribution.hpp>

#include "agents/lin_ucb.h"

namespace agora {

class LinearThompsonRule {
 public:
  static constexpr const char* kName = "linear_thompson";
  explicit LinearThompsonRule(double posterior_scale) : scale_(posterior_scale) {}
  int select(LinearArms& arms, const Eigen::Ref<const Eigen::VectorXd>& x, Rng& rng) const {
    boost::random::normal_distribution<double> normal;
    arms.evaluate(x);
    const Eigen::VectorXd& means = arms.means();
    const Eigen::VectorXd& variances = arms.variances();
    return argmax_random_ties(
        arms.arms(),
        [&](int a) { return means(a) + scale_ * std::sqrt(variances(a)) * normal(rng); }, rng);
  }
  Json to_json() const { return {{"posterior_scale", scale_}}; }

 private:
  double scale_;
};

}  // namespace agora
