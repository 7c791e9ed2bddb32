#include "agents/exp3.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "agents/bidder_fixture.h"
#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {
namespace {

TEST_CASE("exp3: expected regret on a stochastic instance within 2.63 sqrt(T K ln K)") {
  const std::vector<double> means = {0.3, 0.4, 0.5, 0.45, 0.7, 0.35};
  const int arms = static_cast<int>(means.size());
  const int horizon = 20000;
  const int seeds = 5;
  double total_regret = 0.0;
  for (int seed = 0; seed < seeds; ++seed) {
    Exp3 exp3(arms, Exp3::default_gamma(arms, horizon), 0.0, 1.0);
    Rng rng(100 + seed);
    double regret = 0.0;
    for (int t = 0; t < horizon; ++t) {
      const int arm = exp3.select(rng);
      regret += 0.7 - means[arm];
      exp3.update(arm, boost::random::bernoulli_distribution<double>(means[arm])(rng));
    }
    total_regret += regret;
  }
  const double mean_regret = total_regret / seeds;
  const double uniform_regret = horizon * (0.7 - 0.45);
  CHECK(mean_regret <= Exp3::regret_bound(arms, horizon));
  CHECK(mean_regret < 0.5 * uniform_regret);
}

TEST_CASE("exp3: expected regret against oblivious adversaries within 2.63 sqrt(T K ln K)") {
  // Auer, Cesa-Bianchi, Freund & Schapire (2002), Cor. 3.2: for any reward sequence fixed in
  // advance, E[max_a sum_t x_t(a) - sum_t x_t(a_t)] <= 2 sqrt(e - 1) sqrt(T K ln K). The
  // expectation is over the learner's draws: measured exactly by summing p_t · x_t along each
  // sampled path, averaged over seeds.
  const int arms = 5;
  const int horizon = 20000;
  const int seeds = 8;
  const auto switching = [&](int t, int a) {  // best arm changes every quarter
    return a == (4 * t / horizon) % arms ? 0.8 : 0.3 + 0.05 * a;
  };
  const auto oscillating = [&](int t, int a) {  // arm 0 wins on average but loses in streaks
    if (a == 0) return (t / 500) % 3 == 0 ? 0.0 : 0.9;
    return 0.55;
  };
  for (const auto& reward :
       {std::function<double(int, int)>(switching), std::function<double(int, int)>(oscillating)}) {
    std::vector<double> best(arms, 0.0);
    for (int t = 0; t < horizon; ++t) {
      for (int a = 0; a < arms; ++a) best[a] += reward(t, a);
    }
    const double best_total = *std::max_element(best.begin(), best.end());
    double expected_regret = 0.0;
    for (int seed = 0; seed < seeds; ++seed) {
      Exp3 exp3(arms, Exp3::default_gamma(arms, horizon), 0.0, 1.0);
      Rng rng(300 + seed);
      double earned = 0.0;
      for (int t = 0; t < horizon; ++t) {
        const Eigen::ArrayXd p = exp3.probabilities();
        for (int a = 0; a < arms; ++a) earned += p(a) * reward(t, a);
        const int arm = exp3.select(rng);
        exp3.update(arm, reward(t, arm));
      }
      expected_regret += (best_total - earned) / seeds;
    }
    CHECK(expected_regret <= Exp3::regret_bound(arms, horizon));
  }
}

TEST_CASE("exp3: probabilities mix the weights with gamma-uniform exploration") {
  Exp3 exp3(4, 0.2, -1.0, 1.0);
  CHECK(exp3.probabilities().isApproxToConstant(0.25));
  exp3.update(2, 5.0);  // clipped to the range top: x = 1, x_hat = 1 / 0.25
  const Eigen::ArrayXd p = exp3.probabilities();
  CHECK(p.sum() == doctest::Approx(1.0));
  CHECK((p >= 0.2 / 4 - 1e-15).all());
  const double w = std::exp(0.2 * 1.0 / (0.25 * 4));
  CHECK(p(2) == doctest::Approx(0.8 * w / (w + 3.0) + 0.05));
  exp3.update(1, -3.0);  // x = 0: no change
  CHECK(exp3.probabilities()(2) == doctest::Approx(p(2)));
}

TEST_CASE("exp3: weights stay finite over long runs") {
  Exp3 exp3(3, 0.5, 0.0, 1.0);
  Rng rng(1);
  for (int t = 0; t < 200000; ++t) {
    exp3.select(rng);
    exp3.update(0, 1.0);
  }
  const Eigen::ArrayXd p = exp3.probabilities();
  CHECK(p.allFinite());
  CHECK(p(0) == doctest::Approx(0.5 + 0.5 / 3));
}

TEST_CASE("exp3 agent: default gamma from the horizon per value bucket; range required") {
  test::Harness harness(test::bidder_role(1));
  auto policy = harness.make("exp3", Json{{"points", 5}, {"value_buckets", 2}}, 1000);
  const auto* learner = dynamic_cast<GridLearner<Exp3>*>(policy.get());
  REQUIRE(learner != nullptr);
  CHECK(learner->core(0, 0).gamma() == doctest::Approx(Exp3::default_gamma(5, 500)));
  CHECK(learner->setup().required_reward_range(Json{{"reward_range", nullptr}}).low == -1.0);

  test::Harness unbounded(test::bidder_role(1, "bid", 5.0, 0.0, INFINITY));
  CHECK_THROWS_WITH_AS(unbounded.make("exp3", Json::object()),
                       doctest::Contains("agents.bidder[0].params.reward_range"), ConfigError);
  CHECK_THROWS_WITH_AS(unbounded.make("exp3", Json{{"reward_range", {1.0, 1.0}}}),
                       doctest::Contains("agents.bidder[0].params.reward_range: expected finite "
                                         "low < high"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(unbounded.make("exp3", Json{{"gamma", 1.5}, {"reward_range", {0, 1}}}),
                       "agents.bidder[0].params.gamma: must be at most 1, got 1.5", ConfigError);
}

}  // namespace
}  // namespace agora
