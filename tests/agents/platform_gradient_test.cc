// platform_gradient (SPSA, Spall 1992): the gains, a hand-worked first update, convergence to
// the maximiser of concave toy objectives (interior and on the boundary, with noise),
// reproducibility, inactive agents and config errors. Polyak & Juditsky, SIAM J. Control
// Optim. 30 (1992) for the averaged iterates.
#include "agents/platform_gradient.h"

#include <doctest/doctest.h>

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace agora {
namespace {

RoleSpec platform_role(Eigen::ArrayXd low, Eigen::ArrayXd high, int pool = 1) {
  std::vector<std::string> labels;
  for (Eigen::Index d = 0; d < low.size(); ++d) labels.push_back("control" + std::to_string(d));
  RoleSpec role;
  role.name = "platform";
  role.pool_size = pool;
  role.observation_space =
      Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1), {"revenue"});
  role.action_space = Space::box(std::move(low), std::move(high), labels);
  return role;
}

PolicyContext context(const RoleSpec& role, std::int64_t horizon, std::uint64_t seed = 11) {
  PolicyContext ctx;
  ctx.role = &role;
  for (int i = 0; i < role.pool_size; ++i) ctx.agents.push_back(i);
  ctx.horizon = horizon;
  ctx.seed = seed;
  ctx.path = "agents.platform[0]";
  return ctx;
}

// Plays `steps` steps with reward f(action row) + N(0, noise²) per agent; returns the actions.
std::vector<RowBatch> run(Policy& policy, const RoleSpec& role, std::int64_t steps,
                          const std::function<double(const Eigen::ArrayXd&)>& f, double noise = 0.0,
                          std::uint64_t noise_seed = 3, const BoolArray* active_mask = nullptr) {
  const int n = role.pool_size;
  RowBatch observations = RowBatch::Zero(n, 1);
  RowBatch actions = RowBatch::Zero(n, role.action_space.dim());
  RoleState outcome;
  outcome.observations = observations;
  outcome.rewards = Eigen::ArrayXd::Zero(n);
  outcome.active = active_mask ? *active_mask : BoolArray::Constant(n, true);
  outcome.terminated = BoolArray::Constant(n, false);
  outcome.truncated = BoolArray::Constant(n, false);
  Rng rng(noise_seed);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  std::vector<RowBatch> played;
  for (std::int64_t t = 0; t < steps; ++t) {
    policy.act(observations, outcome.active, actions);
    played.push_back(actions);
    for (int i = 0; i < n; ++i) {
      REQUIRE(role.action_space.contains(actions.row(i)));
      outcome.rewards(i) = f(actions.row(i).transpose()) + noise * normal(rng);
    }
    policy.learn(Transition{observations, actions, outcome, nullptr});
  }
  return played;
}

std::unique_ptr<Policy> make(const RoleSpec& role, const Json& params, std::int64_t horizon,
                             std::uint64_t seed = 11) {
  return make_policy("platform_gradient", params, context(role, horizon, seed));
}

TEST_CASE("platform_gradient: gains follow Spall's schedules") {
  const RoleSpec role = platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1));
  auto policy =
      make(role, Json{{"step_size", 0.4}, {"stability", 9.0}, {"perturbation", 0.2}}, 1000);
  const auto& spsa = dynamic_cast<const PlatformGradient&>(*policy);
  CHECK(spsa.step_gain(0) == doctest::Approx(0.4 / std::pow(10.0, 0.602)));
  CHECK(spsa.step_gain(90) == doctest::Approx(0.4 / std::pow(100.0, 0.602)));
  CHECK(spsa.perturbation_gain(0) == doctest::Approx(0.2));
  CHECK(spsa.perturbation_gain(99) == doctest::Approx(0.2 / std::pow(100.0, 0.101)));
  // stability null: 10% of horizon / 2 iterations.
  auto automatic = make(role, Json::object(), 2000);
  CHECK(dynamic_cast<const PlatformGradient&>(*automatic).step_gain(0) ==
        doctest::Approx(0.5 / std::pow(101.0, 0.602)));
}

TEST_CASE("platform_gradient: one iteration is the two-point finite difference") {
  // f(x) = 3x on [0, 2]: in unit coordinates u = x / 2 the slope is 6. θ0 = 0.5 (x = 1),
  // c = 0.1: the two steps play x = 1 ± 0.2 in some order; a_0 = 0.01 / 1, so θ moves by
  // 0.01 × 6 = 0.06 to 0.56 (x = 1.12) whatever the sign drawn.
  const RoleSpec role = platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, 2.0));
  auto policy = make(
      role, Json{{"step_size", 0.01}, {"stability", 0.0}, {"perturbation", 0.1}, {"max_step", 0.5}},
      100);
  const auto played = run(*policy, role, 2, [](const Eigen::ArrayXd& x) { return 3.0 * x(0); });
  CHECK(std::abs(played[0](0, 0) - 1.0) == doctest::Approx(0.2));
  CHECK(played[0](0, 0) + played[1](0, 0) == doctest::Approx(2.0));
  const auto& spsa = dynamic_cast<const PlatformGradient&>(*policy);
  CHECK(spsa.iterations(0) == 1);
  CHECK(spsa.estimate(0)(0) == doctest::Approx(1.12));

  // max_step caps the move: 0.02 of the range, x = 1.04.
  auto capped =
      make(role,
           Json{{"step_size", 0.01}, {"stability", 0.0}, {"perturbation", 0.1}, {"max_step", 0.02}},
           100);
  run(*capped, role, 2, [](const Eigen::ArrayXd& x) { return 3.0 * x(0); });
  CHECK(dynamic_cast<const PlatformGradient&>(*capped).estimate(0)(0) == doctest::Approx(1.04));
}

// The mean of the played actions of agent 0 in dimension d over steps [from, to).
double mean_played(const std::vector<RowBatch>& played, int d, std::size_t from, std::size_t to) {
  double sum = 0.0;
  for (std::size_t t = from; t < to; ++t) sum += played[t](0, d);
  return sum / static_cast<double>(to - from);
}

TEST_CASE("platform_gradient: converges to the maximiser of a noisy concave objective") {
  // f(x) = 0.4 - (x - 1.3)^2 on [0, 2] with N(0, 0.02^2) noise per step; start at 0.2. The
  // iterate fluctuates around the maximiser by O(sqrt(a_k)) noise; the played points average
  // out that noise (iterate averaging, Polyak & Juditsky 1992).
  const RoleSpec role = platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, 2.0));
  for (std::uint64_t seed : {1, 2, 3}) {
    CAPTURE(seed);
    auto policy = make(role, Json{{"initial", {0.2}}}, 4000, seed);
    const auto played = run(
        *policy, role, 4000,
        [](const Eigen::ArrayXd& x) { return 0.4 - (x(0) - 1.3) * (x(0) - 1.3); }, 0.02, seed);
    const auto& spsa = dynamic_cast<const PlatformGradient&>(*policy);
    CHECK(std::abs(spsa.estimate(0)(0) - 1.3) < 0.06);
    CHECK(std::abs(mean_played(played, 0, 3000, 4000) - 1.3) < 0.03);
    CHECK(mean_played(played, 0, 0, 2) == doctest::Approx(0.2));  // it started far away
  }
}

TEST_CASE("platform_gradient: two dimensions, maximiser on the boundary") {
  // f(x, y) = -(x - 0.7)^2 - 2 (y - 1.2)^2 on [0, 1]^2: the constrained maximiser is (0.7, 1).
  const RoleSpec role = platform_role(Eigen::ArrayXd::Zero(2), Eigen::ArrayXd::Ones(2));
  for (std::uint64_t seed : {1, 2, 3}) {
    CAPTURE(seed);
    auto policy = make(role, Json{{"initial", {0.1, 0.2}}}, 4000, seed);
    const auto played = run(
        *policy, role, 4000,
        [](const Eigen::ArrayXd& x) {
          return -(x(0) - 0.7) * (x(0) - 0.7) - 2.0 * (x(1) - 1.2) * (x(1) - 1.2);
        },
        0.02, seed);
    const Eigen::ArrayXd estimate = dynamic_cast<const PlatformGradient&>(*policy).estimate(0);
    CHECK(std::abs(estimate(0) - 0.7) < 0.07);
    CHECK(std::abs(mean_played(played, 0, 3000, 4000) - 0.7) < 0.03);
    CHECK(estimate(1) > 0.99);
  }
}

TEST_CASE("platform_gradient: same seed, same actions; agents learn on their own") {
  const RoleSpec role = platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1), 2);
  const auto f = [](const Eigen::ArrayXd& x) { return -(x(0) - 0.3) * (x(0) - 0.3); };
  auto a = make(role, Json::object(), 200, 5);
  auto b = make(role, Json::object(), 200, 5);
  auto c = make(role, Json::object(), 200, 6);
  const auto played_a = run(*a, role, 200, f, 0.01);
  const auto played_b = run(*b, role, 200, f, 0.01);
  const auto played_c = run(*c, role, 200, f, 0.01);
  bool same = true;
  bool differs = false;
  for (std::size_t t = 0; t < played_a.size(); ++t) {
    same = same && (played_a[t] == played_b[t]).all();
    differs = differs || (played_a[t] != played_c[t]).any();
  }
  CHECK(same);
  CHECK(differs);

  // Agent 1 inactive: it never advances and its row is left alone.
  BoolArray mask(2);
  mask << true, false;
  auto d = make(role, Json::object(), 200);
  const auto played_d = run(*d, role, 20, f, 0.0, 3, &mask);
  const auto& spsa = dynamic_cast<const PlatformGradient&>(*d);
  CHECK(spsa.iterations(0) == 10);
  CHECK(spsa.iterations(1) == 0);
  CHECK(spsa.estimate(1)(0) == doctest::Approx(0.5));
  CHECK(played_d.back()(1, 0) == 0.0);
}

TEST_CASE("platform_gradient: config errors name the path") {
  const RoleSpec box = platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1));
  CHECK_THROWS_WITH_AS(make(box, Json{{"initial", {0.5, 0.5}}}, 10),
                       doctest::Contains("agents.platform[0].params.initial: expected a list of 1"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make(box, Json{{"initial", {1.5}}}, 10),
                       doctest::Contains("agents.platform[0].params.initial[0]: 1.5 is outside"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make(box, Json{{"step_decay", 0.0}}, 10),
                       doctest::Contains("agents.platform[0].params.step_decay"), ConfigError);
  CHECK_THROWS_WITH_AS(make(box, Json{{"perturbation", 0.7}}, 10),
                       doctest::Contains("agents.platform[0].params.perturbation"), ConfigError);
  CHECK_THROWS_WITH_AS(make(box, Json{{"step_sise", 0.7}}, 10),
                       doctest::Contains("did you mean 'step_size'"), ConfigError);

  const RoleSpec unbounded =
      platform_role(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, INFINITY));
  CHECK_THROWS_WITH_AS(make(unbounded, Json::object(), 10),
                       doctest::Contains("agents.platform[0].type: 'platform_gradient' needs "
                                         "finite action bounds"),
                       ConfigError);
  RoleSpec discrete = box;
  discrete.action_space = Space::discrete(3, "arm");
  CHECK_THROWS_WITH_AS(make(discrete, Json::object(), 10),
                       doctest::Contains("agents.platform[0].type: 'platform_gradient' needs a "
                                         "Box action"),
                       ConfigError);
}

}  // namespace
}  // namespace agora
