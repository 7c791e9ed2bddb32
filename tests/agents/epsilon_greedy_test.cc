#include "agents/epsilon_greedy.h"

#include <doctest/doctest.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <set>

#include "agents/bidder_fixture.h"

namespace agora {
namespace {

TEST_CASE("epsilon_greedy: with epsilon 0 it tries each arm once, then is greedy") {
  EpsilonGreedy greedy(4, {.decaying = false, .epsilon = 0.0});
  Rng rng(2);
  const std::vector<double> rewards = {0.1, 0.5, 0.7, 0.3};
  std::set<int> tried;
  for (int t = 0; t < 4; ++t) {
    const int arm = greedy.select(rng);
    tried.insert(arm);
    greedy.update(arm, rewards[arm]);
  }
  CHECK(tried.size() == 4);
  for (int t = 0; t < 50; ++t) {
    const int arm = greedy.select(rng);
    CHECK(arm == 2);
    greedy.update(arm, rewards[arm]);
  }
  // The greedy arm follows the means: arm 2 now averages below arm 1.
  for (int t = 0; t < 60; ++t) greedy.update(2, 0.0);
  CHECK(greedy.select(rng) == 1);
}

TEST_CASE("epsilon_greedy: ties among the best means are broken uniformly") {
  EpsilonGreedy greedy(3, {.decaying = false, .epsilon = 0.0});
  for (int a = 0; a < 3; ++a) greedy.update(a, 1.0);
  Rng rng(4);
  std::vector<int> counts(3, 0);
  for (int t = 0; t < 3000; ++t) ++counts[greedy.select(rng)];
  for (const int c : counts) CHECK(c == doctest::Approx(1000).epsilon(0.1));
}

TEST_CASE("epsilon_greedy: constant and decaying schedules") {
  EpsilonGreedy decaying(10, {.decaying = true, .epsilon = 0.0, .decay_constant = 5.0});
  Rng rng(1);
  CHECK(decaying.epsilon() == 1.0);
  for (int t = 0; t < 9; ++t) decaying.select(rng);
  CHECK(decaying.epsilon() == doctest::Approx(0.5));  // t = 10
  for (int t = 0; t < 90; ++t) decaying.select(rng);
  CHECK(decaying.epsilon() == doctest::Approx(0.05));  // t = 100

  const std::vector<double> means = {0.2, 0.7, 0.4};
  EpsilonGreedy constant(3, {.decaying = false, .epsilon = 0.3});
  CHECK(constant.epsilon() == 0.3);
  for (int t = 0; t < 20000; ++t) {
    const int arm = constant.select(rng);
    constant.update(arm, boost::random::bernoulli_distribution<double>(means[arm])(rng));
  }
  // Greedy on arm 1 except for exploration: share ≈ 1 − ε + ε / K = 0.8.
  CHECK(constant.counts()[1] / 20000.0 == doctest::Approx(0.8).epsilon(0.03));
}

TEST_CASE("epsilon_greedy agent: decay constant defaults to the number of grid points") {
  test::Harness harness(test::bidder_role(1));
  auto policy = harness.make("epsilon_greedy", Json{{"points", 8}, {"schedule", "decaying"}});
  for (int t = 0; t < 15; ++t) {
    harness.step(*policy, Eigen::ArrayXd::Constant(1, 0.5), Eigen::ArrayXd::Constant(1, 0.3));
  }
  CHECK(policy->strategy()["agents"][0]["buckets"][0]["epsilon"] == doctest::Approx(0.5));
  CHECK_THROWS_WITH_AS(harness.make("epsilon_greedy", Json{{"schedule", "decay"}}),
                       doctest::Contains("agents.bidder[0].params.schedule: 'decay' is not one of"),
                       ConfigError);
}

}  // namespace
}  // namespace agora
