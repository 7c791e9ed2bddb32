#include "agents/ucb1.h"

#include <doctest/doctest.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>
#include <numbers>

#include "agents/bidder_fixture.h"
#include "agents/grid_learner.h"

namespace agora {
namespace {

struct Run {
  double regret_at_fifth = 0.0;
  double regret = 0.0;
  double best_share = 0.0;
};

Run run_ucb1(const std::vector<double>& means, int horizon, std::uint64_t seed) {
  Ucb1 ucb(static_cast<int>(means.size()), std::make_pair(0.0, 1.0));
  Rng rng(seed);
  const double best = *std::max_element(means.begin(), means.end());
  Run run;
  for (int t = 0; t < horizon; ++t) {
    const int arm = ucb.select(rng);
    run.regret += best - means[arm];
    if (t + 1 == horizon / 5) run.regret_at_fifth = run.regret;
    ucb.update(arm, boost::random::bernoulli_distribution<double>(means[arm])(rng));
  }
  const auto best_arm = std::max_element(means.begin(), means.end()) - means.begin();
  run.best_share = static_cast<double>(ucb.counts()[best_arm]) / horizon;
  return run;
}

TEST_CASE(
    "ucb1: pulls the best arm most of the time, regret within Auer et al.'s bound and "
    "growing sublinearly") {
  const std::vector<double> means = {0.5, 0.8, 0.4, 0.2, 0.55};
  const int horizon = 20000;
  double bound = 0.0;
  for (const double mean : means) {
    const double gap = 0.8 - mean;
    if (gap > 0)
      bound +=
          8.0 * std::log(horizon) / gap + (1.0 + std::numbers::pi * std::numbers::pi / 3) * gap;
  }
  Run mean_run;
  const int seeds = 4;
  for (int seed = 0; seed < seeds; ++seed) {
    const Run run = run_ucb1(means, horizon, seed);
    mean_run.regret += run.regret / seeds;
    mean_run.regret_at_fifth += run.regret_at_fifth / seeds;
    mean_run.best_share += run.best_share / seeds;
  }
  CHECK(mean_run.best_share > 0.85);
  CHECK(mean_run.regret <= bound);
  // Five times the rounds: linear regret would grow 5x, logarithmic about 1.2x.
  CHECK(mean_run.regret < 2.0 * mean_run.regret_at_fifth);
}

TEST_CASE("ucb1: plays every arm once in index order, then the highest index") {
  Ucb1 ucb(3, std::make_pair(0.0, 1.0));
  Rng rng(0);
  for (int a = 0; a < 3; ++a) {
    CHECK(ucb.select(rng) == a);
    ucb.update(a, a == 1 ? 1.0 : 0.0);
  }
  CHECK(ucb.select(rng) == 1);
  ucb.update(0, 7.0);  // clipped to the range
  CHECK(ucb.mean(0) == doctest::Approx(0.5));
}

TEST_CASE("ucb1: without a declared range the running min/max makes it scale-free") {
  Ucb1 original(4, std::nullopt);
  Ucb1 transformed(4, std::nullopt);
  Rng rng(9);
  Rng unused(0);
  const std::vector<double> means = {0.3, 0.6, 0.5, 0.1};
  for (int t = 0; t < 3000; ++t) {
    const int arm = original.select(unused);
    REQUIRE(transformed.select(unused) == arm);
    const double reward = boost::random::bernoulli_distribution<double>(means[arm])(rng);
    original.update(arm, reward);
    transformed.update(arm, 40.0 * reward - 17.0);
  }
  CHECK(original.counts()[1] > 2000);
}

TEST_CASE("ucb1 agent: reports counts and means per value bucket") {
  test::Harness harness(test::bidder_role(1));
  auto policy = harness.make("ucb1", Json{{"points", 3}, {"reward_range", {-1, 1}}});
  harness.step(*policy, Eigen::ArrayXd::Constant(1, 0.9), Eigen::ArrayXd::Constant(1, 0.2));
  const Json strategy = policy->strategy();
  CHECK(strategy["algorithm"] == "ucb1");
  CHECK(strategy["agents"][0]["buckets"][0]["counts"] == Json({1, 0, 0}));
  CHECK(strategy["agents"][0]["buckets"][0]["means"][0] == 0.0);
}

}  // namespace
}  // namespace agora
