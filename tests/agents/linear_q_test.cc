// Linear Q-learning against theory: the semi-gradient update by hand, the stateless Bellman
// fixed point with a constant feature, least-squares weights and the optimal greedy policy on a
// contextual toy where the best bid depends on the observation, and configuration errors.
#include "agents/linear_q.h"

#include <doctest/doctest.h>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <functional>

#include "agents/bidder_fixture.h"

namespace agora {
namespace {

// One bidder whose observation row is set by the test before each step.
struct Toy {
  explicit Toy(RoleSpec spec) : role(std::move(spec)) {
    observations = RowBatch::Zero(role.pool_size, role.observation_space.dim());
    actions = RowBatch::Zero(role.pool_size, role.action_space.dim());
    outcome.observations = observations;
    outcome.rewards = Eigen::ArrayXd::Zero(role.pool_size);
    active = BoolArray::Constant(role.pool_size, true);
    outcome.active = active;
    outcome.terminated = BoolArray::Constant(role.pool_size, false);
    outcome.truncated = BoolArray::Constant(role.pool_size, false);
  }

  std::unique_ptr<LinearQ> make(const Json& params, std::int64_t horizon = 1000,
                                std::uint64_t seed = 7) {
    std::vector<int> agents(role.pool_size);
    for (int i = 0; i < role.pool_size; ++i) agents[i] = i;
    auto policy = make_policy("linear_q", params, test::context(role, agents, horizon, seed));
    return std::unique_ptr<LinearQ>(dynamic_cast<LinearQ*>(policy.release()));
  }

  // Acts on the value `now`, pays reward(bid), then shows the value `next` and learns.
  void step(Policy& policy, double now, double next, const std::function<double(double)>& reward) {
    observations(0, 0) = now;
    policy.act(observations, active, actions);
    outcome.rewards(0) = reward(actions(0, 0));
    outcome.observations = observations;
    outcome.observations(0, 0) = next;
    policy.learn(Transition{observations, actions, outcome, nullptr});
  }

  RoleSpec role;
  RowBatch observations;
  RowBatch actions;
  RoleState outcome;
  BoolArray active;
};

int grid_index(double bid, int points) { return static_cast<int>(std::lround(bid * (points - 1))); }

TEST_CASE("linear_q: features are the normalised observations plus a bias") {
  Toy toy(test::bidder_role(1, "bid", 1.0, 0.0, 2.0));  // value in [0, 2], payment in [0, ∞)
  auto all = toy.make(Json{{"points", 3}});
  CHECK(all->features() == 4);
  toy.observations.row(0) << 0.8, 0.5, 3.0;
  Eigen::ArrayXd phi(4);
  all->features_of(toy.observations, 0, phi);
  CHECK(phi(0) == doctest::Approx(0.4));  // (0.8 − 0) / (2 − 0)
  CHECK(phi(1) == doctest::Approx(0.5));
  CHECK(phi(2) == doctest::Approx(3.0));  // infinite bound: raw
  CHECK(phi(3) == 1.0);
  auto raw = toy.make(Json{{"points", 3}, {"features", {"value"}}, {"normalize", false}});
  Eigen::ArrayXd phi2(2);
  raw->features_of(toy.observations, 0, phi2);
  CHECK(phi2(0) == doctest::Approx(0.8));
  CHECK(phi2(1) == 1.0);
  CHECK(raw->strategy()["features"] == Json({"value", "bias"}));
}

TEST_CASE("linear_q: one semi-gradient update, by hand") {
  // φ(s) = (0.4, 1), all weights (0, 1) so every Q = 1; reward 2; φ(s') = (0.8, 1) with
  // max Q(s', ·) = 1; α = 0.5, γ = 0.5: δ = 2 + 0.5 · 1 − 1 = 1.5 and the played bid's
  // weights become (0, 1) + 0.5 · 1.5 · (0.4, 1) = (0.3, 1.75); the others stay (0, 1).
  Toy toy(test::bidder_role(1));
  auto policy = toy.make(Json{{"points", 3},
                              {"features", {"value"}},
                              {"learning_rate", 0.5},
                              {"discount", 0.5},
                              {"initial_q", 1.0},
                              {"epsilon", 0.0}});
  int a = -1;
  toy.step(*policy, 0.4, 0.8, [&](double bid) {
    a = grid_index(bid, 3);
    return 2.0;
  });
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(policy->weights(0)(k, 0) == doctest::Approx(k == a ? 0.3 : 0.0));
    CHECK(policy->weights(0)(k, 1) == doctest::Approx(k == a ? 1.75 : 1.0));
  }
  // The next greedy bid at φ = (0.8, 1) is the one just reinforced: Q = 0.24 + 1.75 > 1.
  toy.step(*policy, 0.8, 0.8, [](double) { return 0.0; });
  CHECK(grid_index(toy.actions(0, 0), 3) == a);
}

TEST_CASE("linear_q: with a constant observation it reaches the stateless Bellman fixed point") {
  // Rival bid 0.5, value 1, second price: r = (0, 0.25, 0.5); γ = 0.8:
  // Q*(a) = r(a) + γ · 0.5 / (1 − γ) = (2, 2.25, 2.5), as for tabular Q-learning.
  Toy toy(test::bidder_role(1));
  auto policy = toy.make(Json{{"points", 3},
                              {"features", {"value"}},
                              {"learning_rate", 0.1},
                              {"discount", 0.8},
                              {"epsilon", 1.0}});
  const auto reward = [](double bid) { return bid > 0.5 ? 0.5 : (bid == 0.5 ? 0.25 : 0.0); };
  for (int t = 0; t < 20000; ++t) toy.step(*policy, 0.6, 0.6, reward);
  Eigen::ArrayXd phi(2);
  phi << 0.6, 1.0;
  CHECK(policy->q(0, 0, phi) == doctest::Approx(2.0).epsilon(1e-6));
  CHECK(policy->q(0, 1, phi) == doctest::Approx(2.25).epsilon(1e-6));
  CHECK(policy->q(0, 2, phi) == doctest::Approx(2.5).epsilon(1e-6));
}

TEST_CASE("linear_q: learns the least-squares weights and the optimal context-dependent bid") {
  // Contextual bandit (γ = 0): the observed value x ~ U[0, 1], three bids with rewards
  // r(x, 0) = 0.5, r(x, 0.5) = x, r(x, 1) = 1.5 x − 0.4, plus N(0, 0.1²) noise. Each is linear
  // in φ = (x, 1), so Q(x, a) = w_a · φ represents them exactly: the least-squares weights are
  // (0, 0.5), (1, 0), (1.5, −0.4), and the optimal bid is 0 for x < 0.5, 0.5 for
  // 0.5 < x < 0.8 and 1 above.
  Toy toy(test::bidder_role(1));
  auto policy = toy.make(Json{{"points", 3},
                              {"features", {"value"}},
                              {"learning_rate", 0.02},
                              {"discount", 0.0},
                              {"epsilon", 0.3}});
  Rng rng(5);
  boost::random::uniform_01<double> uniform;
  boost::random::normal_distribution<double> noise(0.0, 0.1);
  const auto mean_reward = [](double x, int a) {
    return a == 0 ? 0.5 : (a == 1 ? x : 1.5 * x - 0.4);
  };
  double x = uniform(rng);
  for (int t = 0; t < 60000; ++t) {
    const double next = uniform(rng);
    toy.step(*policy, x, next,
             [&](double bid) { return mean_reward(x, grid_index(bid, 3)) + noise(rng); });
    x = next;
  }
  const double expected[3][2] = {{0.0, 0.5}, {1.0, 0.0}, {1.5, -0.4}};
  for (int a = 0; a < 3; ++a) {
    CAPTURE(a);
    CHECK(policy->weights(0)(a, 0) == doctest::Approx(expected[a][0]).epsilon(0.1).scale(1.0));
    CHECK(policy->weights(0)(a, 1) == doctest::Approx(expected[a][1]).epsilon(0.1).scale(1.0));
  }
  // The greedy policy is optimal away from the switching points 0.5 and 0.8.
  Eigen::ArrayXd phi(2);
  for (double v = 0.025; v < 1.0; v += 0.05) {
    if (std::abs(v - 0.5) < 0.05 || std::abs(v - 0.8) < 0.05) continue;
    CAPTURE(v);
    phi << v, 1.0;
    int greedy = 0;
    for (int a = 1; a < 3; ++a) {
      if (policy->q(0, a, phi) > policy->q(0, greedy, phi)) greedy = a;
    }
    const int optimal = v < 0.5 ? 0 : (v < 0.8 ? 1 : 2);
    CHECK(greedy == optimal);
  }
}

TEST_CASE("linear_q: exploration follows the shared ε schedules") {
  Toy toy(test::bidder_role(1));
  auto policy = toy.make(Json{{"points", 3},
                              {"schedule", "geometric"},
                              {"epsilon", 0.9},
                              {"epsilon_decay", 0.99},
                              {"epsilon_min", 0.2}});
  for (int t = 0; t < 300; ++t) {
    if (t % 50 == 0)
      CHECK(policy->epsilon(0) == doctest::Approx(std::max(0.2, 0.9 * std::pow(0.99, t))));
    toy.step(*policy, 0.5, 0.5, [](double) { return 0.0; });
  }
}

TEST_CASE("linear_q: configuration errors and divergence name the parameter") {
  Toy toy(test::bidder_role(1));
  CHECK_THROWS_WITH_AS(toy.make(Json{{"features", {"value", "winning_bid"}}}),
                       doctest::Contains("agents.bidder[0].params.features[1]: role 'bidder' has "
                                         "no observation 'winning_bid'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(toy.make(Json{{"features", {"value", "value"}}}),
                       doctest::Contains("agents.bidder[0].params.features[1]"), ConfigError);
  CHECK_THROWS_WITH_AS(toy.make(Json{{"value_buckets", 2}}),
                       doctest::Contains("agents.bidder[0].params.value_buckets"), ConfigError);
  // A step size far beyond 2 / |φ|² makes the semi-gradient iteration blow up.
  auto policy = toy.make(Json{{"points", 2}, {"learning_rate", 50.0}, {"discount", 0.9}});
  CHECK_THROWS_WITH_AS(
      [&] {
        for (int t = 0; t < 100000; ++t) toy.step(*policy, 0.5, 0.5, [](double) { return 1.0; });
      }(),
      doctest::Contains("agents.bidder[0].params.learning_rate"), ConfigError);
}

TEST_CASE("linear_q: same seed, same play") {
  Toy toy(test::bidder_role(1));
  auto run = [&](std::uint64_t seed) {
    auto policy = toy.make(Json{{"points", 5}}, 1000, seed);
    for (int t = 0; t < 300; ++t) {
      toy.step(*policy, 0.1 * (t % 10), 0.1 * ((t + 1) % 10), [](double bid) { return bid; });
    }
    return policy->strategy();
  };
  CHECK(run(1) == run(1));
  CHECK(run(1) != run(2));
}

}  // namespace
}  // namespace agora
