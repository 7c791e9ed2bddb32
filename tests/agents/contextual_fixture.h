// Test support for the contextual learners: a synthetic linear contextual bandit with two
// context features x1, x2 ~ U[0, 1] and K = 5 arms (the action grid 0, 0.25, ..., 1 of a
// one-dimensional "multiplier" action) with expected reward θ_aᵀ(x1, x2, 1) and Gaussian noise.
// Each arm is the best one somewhere in the context square, so no single arm is good for all
// contexts: a context-free bandit has linear regret.
#pragma once

#include <Eigen/Core>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "envs/env.h"

namespace agora::test {

inline RoleSpec context_role(int pool, std::vector<std::string> labels = {"x1", "x2"},
                             std::string action = "multiplier") {
  RoleSpec role;
  role.name = "learner";
  role.pool_size = pool;
  const auto dim = static_cast<Eigen::Index>(labels.size());
  role.observation_space =
      Space::box(Eigen::ArrayXd::Zero(dim), Eigen::ArrayXd::Ones(dim), std::move(labels));
  role.action_space =
      Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1), {std::move(action)});
  return role;
}

struct LinearProblem {
  static constexpr int kArms = 5;
  LinearProblem() : theta(3, kArms) {
    theta.col(0) << 1.0, 0.0, 0.0;    // x1
    theta.col(1) << 0.0, 1.0, 0.0;    // x2
    theta.col(2) << 0.0, 0.0, 0.6;    // 0.6
    theta.col(3) << -0.5, -0.5, 1.0;  // 1 − (x1 + x2) / 2
    theta.col(4) << 0.8, 0.8, -0.5;   // 0.8 (x1 + x2) − 0.5
  }
  Eigen::Vector3d context(Rng& rng) const {
    boost::random::uniform_real_distribution<double> u(0.0, 1.0);
    const double x1 = u(rng);
    return {x1, u(rng), 1.0};
  }
  double mean(int arm, const Eigen::Vector3d& x) const { return theta.col(arm).dot(x); }
  int best(const Eigen::Vector3d& x) const {
    int best_arm = 0;
    for (int a = 1; a < kArms; ++a) {
      if (mean(a, x) > mean(best_arm, x)) best_arm = a;
    }
    return best_arm;
  }
  double gap(const Eigen::Vector3d& x) const {  // best minus second best
    double first = -INFINITY, second = -INFINITY;
    for (int a = 0; a < kArms; ++a) {
      const double m = mean(a, x);
      if (m > first) {
        second = first;
        first = m;
      } else if (m > second) {
        second = m;
      }
    }
    return first - second;
  }
  double reward(int arm, const Eigen::Vector3d& x, Rng& rng) const {
    return mean(arm, x) + noise * boost::random::normal_distribution<double>()(rng);
  }

  Eigen::MatrixXd theta;
  double noise = 0.1;
};

struct RegretCurve {
  double at_half = 0.0;  // cumulative pseudo-regret after T / 2 rounds
  double at_end = 0.0;   // after T rounds
};

// Runs a one-agent policy of type `type` on the LinearProblem for `horizon` rounds.
inline RegretCurve run_policy_on_linear_problem(Policy& policy, int horizon, std::uint64_t seed,
                                                const LinearProblem& problem = LinearProblem()) {
  Rng rng(seed);
  RowBatch observations = RowBatch::Zero(1, 2);
  RowBatch actions = RowBatch::Zero(1, 1);
  RoleState outcome;
  outcome.observations = observations;
  outcome.rewards = Eigen::ArrayXd::Zero(1);
  outcome.active = BoolArray::Constant(1, true);
  outcome.terminated = BoolArray::Constant(1, false);
  outcome.truncated = BoolArray::Constant(1, false);
  RegretCurve curve;
  double regret = 0.0;
  for (int t = 0; t < horizon; ++t) {
    const Eigen::Vector3d x = problem.context(rng);
    observations(0, 0) = x(0);
    observations(0, 1) = x(1);
    policy.act(observations, outcome.active, actions);
    const int arm = static_cast<int>(std::lround(actions(0, 0) * (LinearProblem::kArms - 1)));
    regret += problem.mean(problem.best(x), x) - problem.mean(arm, x);
    outcome.rewards(0) = problem.reward(arm, x, rng);
    policy.learn(Transition{observations, actions, outcome, nullptr});
    if (t + 1 == horizon / 2) curve.at_half = regret;
  }
  curve.at_end = regret;
  return curve;
}

inline PolicyContext context_for(const RoleSpec& role, std::vector<int> agents,
                                 std::int64_t horizon = 1000, std::uint64_t seed = 3,
                                 const std::string& path = "agents.learner[0]") {
  PolicyContext ctx;
  ctx.role = &role;
  ctx.agents = std::move(agents);
  ctx.horizon = horizon;
  ctx.seed = seed;
  ctx.path = path;
  return ctx;
}

}  // namespace agora::test
