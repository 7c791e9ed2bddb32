#include "agents/lin_ucb.h"

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "agents/bidder_fixture.h"
#include "agents/contextual_fixture.h"
#include "agents/ucb1.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

TEST_CASE("linear arms: Sherman–Morrison keeps A⁻¹ and θ equal to a direct solve") {
  const int dim = 5;
  const double ridge = 0.5;
  LinearArms arms(2, dim, ridge);
  Eigen::MatrixXd a = ridge * Eigen::MatrixXd::Identity(dim, dim);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(dim);
  Rng rng(11);
  boost::random::normal_distribution<double> normal;
  boost::random::uniform_real_distribution<double> scale(0.1, 10.0);
  for (int t = 0; t < 20000; ++t) {
    Eigen::VectorXd x(dim);
    const double s = scale(rng);
    for (int j = 0; j < dim; ++j) x(j) = s * normal(rng);
    const double r = normal(rng);
    arms.update(0, x, r);
    a += x * x.transpose();
    b += r * x;
  }
  const Eigen::MatrixXd inverse = a.inverse();
  const Eigen::MatrixXd maintained = arms.inverse(0);
  CHECK((maintained - inverse).norm() / inverse.norm() < 1e-9);
  CHECK((maintained - maintained.transpose()).norm() == 0.0);  // exactly symmetric
  const Eigen::VectorXd theta = a.ldlt().solve(b);
  CHECK((arms.theta(0) - theta).norm() / theta.norm() < 1e-9);
  CHECK(arms.count(0) == 20000);
  // The untouched arm keeps its prior.
  CHECK((Eigen::MatrixXd(arms.inverse(1)) - Eigen::MatrixXd::Identity(dim, dim) / ridge).norm() ==
        0.0);
  CHECK(arms.theta(1).norm() == 0.0);
  // xᵀA⁻¹x
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(dim, -1.0, 1.0);
  CHECK(arms.variance(0, x) == doctest::Approx(x.dot(inverse * x)).epsilon(1e-9));
  arms.evaluate(x);
  CHECK(arms.means()(0) == doctest::Approx(theta.dot(x)).epsilon(1e-9));
  CHECK(arms.variances()(0) == doctest::Approx(x.dot(inverse * x)).epsilon(1e-9));
  CHECK(arms.variances()(1) == doctest::Approx(x.squaredNorm() / ridge));
}

TEST_CASE("linear arms: the ridge estimate recovers a noiseless linear model") {
  LinearArms arms(1, 3, 1e-6);
  Eigen::Vector3d truth(0.3, -1.2, 2.0);
  Rng rng(1);
  boost::random::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int t = 0; t < 50; ++t) {
    Eigen::Vector3d x(u(rng), u(rng), 1.0);
    arms.update(0, x, truth.dot(x));
  }
  CHECK((arms.theta(0) - truth).norm() < 1e-5);
}

TEST_CASE("argmax with random ties: uniform over exact ties, deterministic otherwise") {
  Rng rng(4);
  std::vector<int> counts(4, 0);
  const std::vector<double> scores = {1.0, 2.0, 2.0, 2.0};
  for (int t = 0; t < 30000; ++t) {
    ++counts[argmax_random_ties(
        4, [&](int a) { return scores[a]; }, rng)];
  }
  CHECK(counts[0] == 0);
  for (int a = 1; a < 4; ++a) CHECK(counts[a] == doctest::Approx(10000).epsilon(0.05));
  CHECK(argmax_random_ties(
            3, [](int a) { return a == 1 ? 5.0 : 0.0; }, rng) == 1);
}

TEST_CASE("the synthetic problem needs the context: every arm is best somewhere") {
  const test::LinearProblem problem;
  Rng rng(2);
  std::vector<int> best(test::LinearProblem::kArms, 0);
  for (int t = 0; t < 10000; ++t) ++best[problem.best(problem.context(rng))];
  for (const int count : best) CHECK(count > 150);
}

double mean_regret_of_ucb1(int horizon, int seeds, double* at_half) {
  const test::LinearProblem problem;
  double regret = 0.0;
  *at_half = 0.0;
  for (int seed = 0; seed < seeds; ++seed) {
    Ucb1 ucb(test::LinearProblem::kArms, std::make_pair(-0.5, 1.5));
    Rng rng(100 + seed);
    double run = 0.0;
    for (int t = 0; t < horizon; ++t) {
      const Eigen::Vector3d x = problem.context(rng);
      const int arm = ucb.select(rng);
      run += problem.mean(problem.best(x), x) - problem.mean(arm, x);
      ucb.update(arm, problem.reward(arm, x, rng));
      if (t + 1 == horizon / 2) *at_half += run / seeds;
    }
    regret += run / seeds;
  }
  return regret;
}

TEST_CASE(
    "lin_ucb: sublinear regret on a linear contextual bandit, the right greedy arm per context, "
    "and far less regret than context-free UCB1") {
  const RoleSpec role = test::context_role(1);
  const int horizon = 8000;
  const int seeds = 3;
  test::RegretCurve mean_curve;
  for (int seed = 0; seed < seeds; ++seed) {
    auto policy =
        make_policy("lin_ucb", Json{{"points", 5}}, test::context_for(role, {0}, horizon, seed));
    const test::RegretCurve curve = test::run_policy_on_linear_problem(*policy, horizon, seed);
    mean_curve.at_half += curve.at_half / seeds;
    mean_curve.at_end += curve.at_end / seeds;
    // The greedy arm is the best one wherever the best arm leads by at least 0.05.
    const auto& bandit = dynamic_cast<const ContextualBandit<LinUcbRule>&>(*policy);
    const test::LinearProblem problem;
    int wrong = 0, checked = 0;
    for (double x1 = 0.0; x1 <= 1.0; x1 += 0.05) {
      for (double x2 = 0.0; x2 <= 1.0; x2 += 0.05) {
        const Eigen::Vector3d x(x1, x2, 1.0);
        if (problem.gap(x) < 0.05) continue;
        ++checked;
        wrong += bandit.learner(0).greedy(x) != problem.best(x);
      }
    }
    CAPTURE(seed);
    CHECK(checked > 200);
    CHECK(wrong == 0);
  }
  double ucb_at_half = 0.0;
  const double ucb_regret = mean_regret_of_ucb1(horizon, seeds, &ucb_at_half);
  MESSAGE("lin_ucb regret ", mean_curve.at_half, " -> ", mean_curve.at_end, "; ucb1 ", ucb_at_half,
          " -> ", ucb_regret);
  // Doubling the horizon: linear regret doubles, LinUCB's Õ(d sqrt(T)) bound grows by √2 and
  // with gaps it grows only logarithmically.
  CHECK(mean_curve.at_end < 1.5 * mean_curve.at_half);
  CHECK(ucb_regret > 1.8 * ucb_at_half);
  CHECK(mean_curve.at_end < 0.2 * ucb_regret);
}

// Second price, bid action, against a truthful rival with a U[0, 1] value: bidding b at value v
// earns E[r] = ∫_0^b (v − x) dx = v b − b²/2, linear in v with θ_b = (b, −b²/2) on the features
// (value, 1) — the disjoint linear model is exact — and the best bid is b = v.
TEST_CASE(
    "lin_ucb in the auction env: learns E[r | v, b] = v b − b²/2 and bids its value (second "
    "price)") {
  EnvContext env_ctx;
  env_ctx.horizon = 20000;
  env_ctx.mechanism = make_mechanism("second_price", Json::object(), "mechanism");
  auto env = make_env("auction", Json{{"n_bidders", 2}, {"feedback", "own"}}, env_ctx);
  const RoleSpec& role = env->roles()[0];
  auto learner = make_policy("lin_ucb", Json{{"features", {"value"}}, {"points", 11}},
                             test::context_for(role, {0}, env_ctx.horizon, 5, "agents.bidder[0]"));
  auto truthful = make_policy("truthful", Json::object(),
                              test::context_for(role, {1}, env_ctx.horizon, 6, "agents.bidder[1]"));
  const StepResult* result = &env->reset(1);
  std::vector<RowBatch> actions(1, RowBatch::Zero(2, 1));
  while (!result->episode_over) {
    const RowBatch observations = result->roles[0].observations;
    learner->act(observations, result->roles[0].active, actions[0]);
    truthful->act(observations, result->roles[0].active, actions[0]);
    result = &env->step(actions);
    learner->learn(Transition{observations, actions[0], result->roles[0], nullptr});
  }
  const auto& bandit = dynamic_cast<const ContextualBandit<LinUcbRule>&>(*learner);
  const LinearArms& arms = bandit.learner(0);
  int well_estimated = 0;
  for (int a = 0; a < arms.arms(); ++a) {
    if (arms.count(a) < 1000) continue;
    ++well_estimated;
    const double b = bandit.grid().point(a);
    CAPTURE(b);
    // The arm is played mostly at values near b, where its prediction must be accurate (the
    // slope alone is poorly determined from a narrow range of values).
    const Eigen::Vector2d at_b(b, 1.0);
    CHECK(std::fabs(arms.mean(a, at_b) - b * b / 2) < 0.02);
    CHECK(std::fabs(arms.theta(a)(0) - b) < 0.15);
  }
  CHECK(well_estimated >= 5);
  for (const double v : {0.3, 0.5, 0.7, 0.9}) {
    CAPTURE(v);
    const Eigen::Vector2d x(v, 1.0);
    CHECK(std::fabs(bandit.grid().point(arms.greedy(x)) - v) <= 0.1 + 1e-9);
  }
}

TEST_CASE("lin_ucb agent: strategy, features and grid") {
  const RoleSpec role = test::context_role(2);
  auto policy = make_policy("lin_ucb", Json{{"points", 3}, {"features", {"x2"}}, {"alpha", 0.0}},
                            test::context_for(role, {0, 1}));
  RowBatch observations(2, 2);
  observations << 0.2, 0.9, 0.4, 0.1;
  RowBatch actions = RowBatch::Zero(2, 1);
  RoleState outcome;
  outcome.rewards = Eigen::Array2d(1.0, 2.0);
  BoolArray active(2);
  active << true, false;
  policy->act(observations, active, actions);
  CHECK(actions(1, 0) == 0.0);  // inactive: untouched
  policy->learn(Transition{observations, actions, outcome, nullptr});
  const Json strategy = policy->strategy();
  CHECK(strategy["algorithm"] == "lin_ucb");
  CHECK(strategy["action"] == "multiplier");
  CHECK(strategy["points"] == Json({0.0, 0.5, 1.0}));
  CHECK(strategy["features"] == Json({"x2", "bias"}));
  CHECK(strategy["agents"][0]["agent"] == 0);
  const int arm = static_cast<int>(std::lround(actions(0, 0) * 2));
  CHECK(strategy["agents"][0]["counts"][arm] == 1);
  // One update at x = (0.9, 1) with reward 1 from the prior A = I: θ = x / (1 + |x|²).
  CHECK(strategy["agents"][0]["theta"][arm][0].get<double>() == doctest::Approx(0.9 / 2.81));
  CHECK(strategy["agents"][0]["theta"][arm][1].get<double>() == doctest::Approx(1.0 / 2.81));
  CHECK(strategy["agents"][1]["counts"] == Json({0, 0, 0}));
}

TEST_CASE("lin_ucb agent: normalization maps the observation bounds to [0, 1]") {
  RoleSpec role = test::context_role(1);
  role.observation_space = Space::box(Eigen::Array3d(-2.0, 0.0, 0.0),
                                      Eigen::Array3d(2.0, INFINITY, 1.0), {"a", "b", "c"});
  const Json params = validate_params(Json::object(), observation_feature_params(), "p");
  ObservationFeatures features(params, test::context_for(role, {0}), true,
                               ObservationFeatures::Scale::kUnit);
  RowBatch observations(1, 3);
  observations << 1.0, 7.0, 0.25;
  Eigen::VectorXd x(4);
  features.compute(observations, 0, x);
  CHECK(x(0) == doctest::Approx(0.75));
  CHECK(x(1) == 7.0);  // unbounded: as observed
  CHECK(x(2) == 0.25);
  CHECK(x(3) == 1.0);
  ObservationFeatures symmetric(params, test::context_for(role, {0}), false,
                                ObservationFeatures::Scale::kSymmetric);
  CHECK(symmetric.dim() == 3);
  symmetric.compute(observations, 0, x);
  CHECK(x(0) == doctest::Approx(0.5));
  CHECK(x(2) == doctest::Approx(-0.5));
  const Json raw = validate_params(Json{{"normalize", false}}, observation_feature_params(), "p");
  ObservationFeatures unnormalized(raw, test::context_for(role, {0}), true,
                                   ObservationFeatures::Scale::kUnit);
  unnormalized.compute(observations, 0, x);
  CHECK(x(0) == 1.0);
}

TEST_CASE("lin_ucb agent: bad configurations are ConfigErrors naming the path") {
  const RoleSpec role = test::context_role(1);
  const auto ctx = test::context_for(role, {0});
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"features", {"x1", "x3"}}}, ctx),
                       doctest::Contains("agents.learner[0].params.features[1]: role 'learner' "
                                         "has no observation 'x3'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"features", "x1"}}, ctx),
                       doctest::Contains("agents.learner[0].params.features: expected a "
                                         "non-empty list"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"grid_high", 1.5}}, ctx),
                       doctest::Contains("agents.learner[0].params.grid_high: 1.5 is outside"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"grid_low", 0.6}, {"grid_high", 0.4}}, ctx),
                       doctest::Contains("params.grid_high: must exceed grid_low"), ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"ridge", 0.0}}, ctx),
                       doctest::Contains("agents.learner[0].params.ridge"), ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json{{"alpha", -1.0}}, ctx),
                       doctest::Contains("agents.learner[0].params.alpha"), ConfigError);

  RoleSpec two = role;
  two.action_space = Space::box(Eigen::Array2d(0, 0), Eigen::Array2d(1, 1), {"u", "v"});
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json::object(), test::context_for(two, {0})),
                       doctest::Contains("agents.learner[0].type: needs a one-dimensional action"),
                       ConfigError);
  RoleSpec discrete = role;
  discrete.action_space = Space::discrete(3, "choice");
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json::object(), test::context_for(discrete, {0})),
                       doctest::Contains("agents.learner[0].type: needs a continuous"),
                       ConfigError);
  RoleSpec unbounded = role;
  unbounded.action_space =
      Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, INFINITY), {"bid"});
  CHECK_THROWS_WITH_AS(make_policy("lin_ucb", Json::object(), test::context_for(unbounded, {0})),
                       doctest::Contains("needs finite bounds"), ConfigError);
}

TEST_CASE("lin_ucb agent: a bid among several action dimensions; same seed, same actions") {
  RoleSpec role = test::bidder_role(1);
  role.action_space =
      Space::box(Eigen::Array2d(0.2, 0.0), Eigen::Array2d(1.0, 1.0), {"budget_pacing", "bid"});
  const auto run = [&](std::uint64_t seed) {
    auto policy = make_policy("linear_thompson", Json{{"points", 11}},
                              test::context_for(role, {0}, 100, seed));
    test::Harness harness(role);
    std::vector<double> bids;
    Rng rng(5);
    boost::random::uniform_real_distribution<double> u(0.0, 1.0);
    for (int t = 0; t < 50; ++t) {
      harness.step(*policy, Eigen::ArrayXd::Constant(1, u(rng)), Eigen::ArrayXd::Constant(1, 0.3));
      CHECK(harness.actions(0, 0) == 0.2);
      bids.push_back(harness.actions(0, 1));
    }
    return bids;
  };
  CHECK(run(1) == run(1));
  CHECK(run(1) != run(2));
}

}  // namespace
}  // namespace agora
