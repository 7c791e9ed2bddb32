#include "agents/linear_thompson.h"

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "agents/contextual_fixture.h"
#include "agents/ucb1.h"

namespace agora {
namespace {

TEST_CASE(
    "linear_thompson: drawing the scores equals drawing θ̃ ~ N(θ, v² A⁻¹) through a Cholesky "
    "factor (same distribution of the chosen arm)") {
  const int arms = 4;
  const int dim = 3;
  const double v = 0.7;
  LinearArms model(arms, dim, 1.0);
  Rng data(8);
  boost::random::normal_distribution<double> normal;
  boost::random::uniform_real_distribution<double> u(0.0, 1.0);
  // A few observations per arm so the posteriors overlap and differ in shape.
  for (int a = 0; a < arms; ++a) {
    for (int t = 0; t < 3 + 4 * a; ++t) {
      const Eigen::Vector3d x(u(data), u(data), 1.0);
      model.update(a, x, 0.5 + 0.1 * a * x(0) - 0.2 * x(1) + 0.3 * normal(data));
    }
  }
  const Eigen::Vector3d x(0.6, 0.3, 1.0);
  const int draws = 200000;
  LinearThompsonRule rule(v);
  std::vector<double> shortcut(arms, 0.0);
  Rng rng(1);
  for (int t = 0; t < draws; ++t) shortcut[rule.select(model, x, rng)] += 1.0 / draws;

  std::vector<Eigen::MatrixXd> factors;
  for (int a = 0; a < arms; ++a) {
    factors.push_back((v * v * Eigen::MatrixXd(model.inverse(a))).llt().matrixL());
  }
  std::vector<double> explicit_draw(arms, 0.0);
  Rng other(2);
  for (int t = 0; t < draws; ++t) {
    int best = 0;
    double best_score = -INFINITY;
    for (int a = 0; a < arms; ++a) {
      Eigen::Vector3d z(normal(other), normal(other), normal(other));
      const Eigen::VectorXd theta = model.theta(a) + factors[a] * z;
      if (theta.dot(x) > best_score) {
        best_score = theta.dot(x);
        best = a;
      }
    }
    explicit_draw[best] += 1.0 / draws;
  }
  for (int a = 0; a < arms; ++a) {
    CAPTURE(a);
    const double p = explicit_draw[a];
    const double sd = std::sqrt(2.0 * p * (1.0 - p) / draws);
    CHECK(p > 0.02);  // the test is informative: every arm is chosen sometimes
    CHECK(std::fabs(shortcut[a] - p) < 4.5 * sd + 1e-9);
  }
}

TEST_CASE(
    "linear_thompson: sublinear regret on a linear contextual bandit, the right greedy arm "
    "per context, and far less regret than context-free UCB1") {
  const RoleSpec role = test::context_role(1);
  const int horizon = 8000;
  const int seeds = 3;
  const test::LinearProblem problem;
  test::RegretCurve mean_curve;
  for (int seed = 0; seed < seeds; ++seed) {
    // v = the noise std and λ = v²: the exact Bayesian posterior for a prior θ_a ~ N(0, I).
    auto policy = make_policy("linear_thompson",
                              Json{{"points", 5}, {"posterior_scale", 0.1}, {"ridge", 0.01}},
                              test::context_for(role, {0}, horizon, seed));
    const test::RegretCurve curve = test::run_policy_on_linear_problem(*policy, horizon, seed);
    mean_curve.at_half += curve.at_half / seeds;
    mean_curve.at_end += curve.at_end / seeds;
    const auto& bandit = dynamic_cast<const ContextualBandit<LinearThompsonRule>&>(*policy);
    int wrong = 0;
    for (double x1 = 0.0; x1 <= 1.0; x1 += 0.05) {
      for (double x2 = 0.0; x2 <= 1.0; x2 += 0.05) {
        const Eigen::Vector3d x(x1, x2, 1.0);
        if (problem.gap(x) >= 0.05) wrong += bandit.learner(0).greedy(x) != problem.best(x);
      }
    }
    CAPTURE(seed);
    CHECK(wrong == 0);
  }
  // The context-free baseline, UCB1 over the same five arms.
  double ucb_half = 0.0;
  double ucb_end = 0.0;
  for (int seed = 0; seed < seeds; ++seed) {
    Ucb1 ucb(test::LinearProblem::kArms, std::make_pair(-0.5, 1.5));
    Rng rng(100 + seed);
    double run = 0.0;
    for (int t = 0; t < horizon; ++t) {
      const Eigen::Vector3d x = problem.context(rng);
      const int arm = ucb.select(rng);
      run += problem.mean(problem.best(x), x) - problem.mean(arm, x);
      ucb.update(arm, problem.reward(arm, x, rng));
      if (t + 1 == horizon / 2) ucb_half += run / seeds;
    }
    ucb_end += run / seeds;
  }
  MESSAGE("linear_thompson regret ", mean_curve.at_half, " -> ", mean_curve.at_end, "; ucb1 ",
          ucb_half, " -> ", ucb_end);
  CHECK(mean_curve.at_end < 1.5 * mean_curve.at_half);
  CHECK(ucb_end > 1.8 * ucb_half);
  CHECK(mean_curve.at_end < 0.2 * ucb_end);
}

TEST_CASE("linear_thompson agent: strategy and parameters") {
  const RoleSpec role = test::context_role(1);
  auto policy = make_policy("linear_thompson", Json{{"points", 4}, {"bias", false}},
                            test::context_for(role, {0}));
  const Json strategy = policy->strategy();
  CHECK(strategy["algorithm"] == "linear_thompson");
  CHECK(strategy["posterior_scale"] == 1.0);
  CHECK(strategy["features"] == Json({"x1", "x2"}));
  CHECK(strategy["agents"][0]["theta"].size() == 4);
  CHECK(strategy["agents"][0]["theta"][0] == Json({0.0, 0.0}));
  CHECK_THROWS_WITH_AS(
      make_policy("linear_thompson", Json{{"posterior_scale", 0.0}}, test::context_for(role, {0})),
      doctest::Contains("agents.learner[0].params.posterior_scale"), ConfigError);
  CHECK_THROWS_WITH_AS(
      make_policy("linear_thompson", Json{{"alpha", 1.0}}, test::context_for(role, {0})),
      doctest::Contains("agents.learner[0].params.alpha: unknown key"), ConfigError);
}

}  // namespace
}  // namespace agora
