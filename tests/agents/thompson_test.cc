#include "agents/thompson.h"

#include <doctest/doctest.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>

#include "agents/bidder_fixture.h"

namespace agora {
namespace {

TEST_CASE("thompson: pulls the best arm most of the time with sublinear regret") {
  const std::vector<double> means = {0.5, 0.8, 0.4, 0.2, 0.65};
  const int horizon = 20000;
  const int seeds = 4;
  double regret = 0.0;
  double regret_at_fifth = 0.0;
  double best_share = 0.0;
  for (int seed = 0; seed < seeds; ++seed) {
    GaussianThompson thompson(static_cast<int>(means.size()), 0.5, 1.0, 0.5);
    Rng rng(seed);
    double run_regret = 0.0;
    for (int t = 0; t < horizon; ++t) {
      const int arm = thompson.select(rng);
      run_regret += 0.8 - means[arm];
      if (t + 1 == horizon / 5) regret_at_fifth += run_regret / seeds;
      thompson.update(arm, boost::random::bernoulli_distribution<double>(means[arm])(rng));
    }
    regret += run_regret / seeds;
    best_share += static_cast<double>(thompson.counts()[1]) / horizon / seeds;
  }
  CHECK(best_share > 0.9);
  CHECK(regret < 2.0 * regret_at_fifth);
  CHECK(regret < 0.02 * horizon);
}

TEST_CASE("thompson: Gaussian posterior update") {
  GaussianThompson thompson(2, 1.0, 4.0, 2.0);
  CHECK(thompson.posterior_mean(0) == 1.0);
  CHECK(thompson.posterior_std(0) == 2.0);
  thompson.update(0, 3.0);
  thompson.update(0, 5.0);
  // precision 1/4 + 2/4 = 3/4; mean (1/4 + 8/4) / (3/4) = 3
  CHECK(thompson.posterior_mean(0) == doctest::Approx(3.0));
  CHECK(thompson.posterior_std(0) == doctest::Approx(std::sqrt(4.0 / 3.0)));
  CHECK(thompson.posterior_mean(1) == 1.0);
}

TEST_CASE("thompson agent: params and strategy") {
  test::Harness harness(test::bidder_role(2));
  auto policy = harness.make("thompson", Json{{"points", 4}, {"noise_std", 0.1}});
  harness.step(*policy, Eigen::ArrayXd::Constant(2, 0.9), Eigen::ArrayXd::Constant(2, 0.2));
  const Json strategy = policy->strategy();
  CHECK(strategy["agents"].size() == 2);
  CHECK(strategy["agents"][1]["agent"] == 1);
  CHECK(strategy["agents"][1]["buckets"][0]["posterior_stds"].size() == 4);
  CHECK_THROWS_AS(harness.make("thompson", Json{{"noise_std", 0.0}}), ConfigError);
}

}  // namespace
}  // namespace agora
