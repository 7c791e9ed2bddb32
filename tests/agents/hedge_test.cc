#include "agents/hedge.h"

#include <doctest/doctest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <functional>

#include "agents/bidder_fixture.h"
#include "core/error.h"

namespace agora {
namespace {

// Expected external regret of Hedge on `rewards(t, p)` (the adversary may see the current
// distribution p), measured with the exact distribution each round.
double hedge_regret(int arms, int horizon, double low, double high,
                    const std::function<Eigen::ArrayXd(int, const Eigen::ArrayXd&)>& rewards) {
  Hedge hedge(arms, Hedge::default_learning_rate(arms, horizon, high - low));
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(arms);
  double earned = 0.0;
  for (int t = 0; t < horizon; ++t) {
    const Eigen::ArrayXd p = hedge.probabilities();
    const Eigen::ArrayXd r = rewards(t, p);
    earned += (p * r).sum();
    cumulative += r;
    hedge.update_all(r);
  }
  return cumulative.maxCoeff() - earned;
}

double chi_square(const std::vector<int>& counts, const Eigen::ArrayXd& p, int draws) {
  double statistic = 0.0;
  for (int a = 0; a < p.size(); ++a) {
    const double expected = draws * p(a);
    statistic += (counts[a] - expected) * (counts[a] - expected) / expected;
  }
  return statistic;
}

TEST_CASE(
    "hedge: external regret within sqrt(T ln K / 2) times the range on adversarial "
    "sequences") {
  const int arms = 10;
  const int horizon = 4000;
  const double bound = std::sqrt(horizon * std::log(arms) / 2.0);

  SUBCASE("adaptive adversary rewards the least likely arm") {
    const double regret = hedge_regret(arms, horizon, 0.0, 1.0, [&](int, const Eigen::ArrayXd& p) {
      Eigen::ArrayXd r = Eigen::ArrayXd::Zero(arms);
      Eigen::Index least;
      p.minCoeff(&least);
      r(least) = 1.0;
      return r;
    });
    CHECK(regret <= bound);
  }
  SUBCASE("best arm switches halfway") {
    const double regret = hedge_regret(arms, horizon, 0.0, 1.0, [&](int t, const Eigen::ArrayXd&) {
      Eigen::ArrayXd r = Eigen::ArrayXd::Constant(arms, 0.2);
      r(t < horizon / 2 ? 0 : 1) = 1.0;
      if (t >= horizon / 2) r(2) = 0.9;
      return r;
    });
    CHECK(regret <= bound);
    CHECK(regret > 0.0);
  }
  SUBCASE("rewards in [-2, 3] scale the bound by the range") {
    Rng rng(3);
    boost::random::uniform_01<double> uniform;
    const double regret = hedge_regret(arms, horizon, -2.0, 3.0, [&](int t, const Eigen::ArrayXd&) {
      Eigen::ArrayXd r(arms);
      for (int a = 0; a < arms; ++a) r(a) = -2.0 + 5.0 * uniform(rng) * (1.0 + 0.02 * a) / 1.2;
      if (t % 3 == 0) r.reverseInPlace();
      return r;
    });
    CHECK(regret <= 5.0 * bound);
  }
}

TEST_CASE("hedge, anytime schedule: weights are softmax(eta_t S) with eta_t = eta_1 / sqrt(t)") {
  // Cesa-Bianchi & Lugosi (2006), Thm. 2.3: in round t the weights are exp(η_t S_{t−1}) with
  // η_t = sqrt(8 ln K / t) / w; the expected regret is at most w (2 sqrt(T ln K / 2) +
  // sqrt(ln K / 8)) at every T, without knowing T.
  const int arms = 10;
  const double eta1 = Hedge::default_learning_rate(arms, 1, 1.0);
  Hedge hedge(arms, eta1, Hedge::Schedule::kAnytime);
  Rng rng(9);
  boost::random::uniform_01<double> uniform;
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(arms);
  double earned = 0.0;
  const int horizon = 4000;
  for (int t = 1; t <= horizon; ++t) {
    const Eigen::ArrayXd p = hedge.probabilities();
    if (t % 997 == 0) {  // exactness of the folded rescaling (and through cache refreshes)
      const double eta = eta1 / std::sqrt(static_cast<double>(t));
      Eigen::ArrayXd expected = (eta * (cumulative - cumulative.maxCoeff())).exp();
      expected /= expected.sum();
      CHECK((p - expected).abs().maxCoeff() < 1e-12);
      hedge.select(rng);  // sampling still works on the rescaled cache
    }
    Eigen::ArrayXd r(arms);
    for (int a = 0; a < arms; ++a) r(a) = uniform(rng) * (t < horizon / 2 ? 1.0 : 0.2 + 0.08 * a);
    earned += (p * r).sum();
    cumulative += r;
    hedge.begin_update();
    hedge.update_all(r);
    if (t == horizon / 2 || t == horizon) {
      const double bound =
          2.0 * std::sqrt(t * std::log(arms) / 2.0) + std::sqrt(std::log(arms) / 8.0);
      CHECK(cumulative.maxCoeff() - earned <= bound);
    }
  }
  CHECK(hedge.rounds() == horizon);
  CHECK(hedge.learning_rate() == doctest::Approx(eta1 / std::sqrt(horizon + 1.0)));
}

TEST_CASE("hedge: sampling is exactly exp(L)/Z, through the rejection path and refreshes") {
  const int arms = 6;
  const int draws = 120000;
  const double critical = boost::math::quantile(boost::math::chi_squared(arms - 1), 0.999);
  Hedge hedge(arms, 0.5);
  Rng rng(11);
  Eigen::ArrayXd r(arms);
  r << 0.0, 1.0, 2.0, 0.5, 3.0, 1.5;
  hedge.update_all(r);
  hedge.select(rng);  // drift spread 1.5 > ln 2: refreshes the cache
  CHECK(hedge.refreshes() == 1);
  r << 0.3, 0.0, 0.6, 1.1, 0.2, 0.9;  // drift spread 0.55 < ln 2: samples go through rejection
  hedge.update_all(r);

  const Eigen::ArrayXd p = hedge.probabilities();
  CHECK(p.sum() == doctest::Approx(1.0));
  std::vector<int> counts(arms, 0);
  for (int n = 0; n < draws; ++n) ++counts[hedge.select(rng)];
  CHECK(hedge.refreshes() == 1);
  CHECK(chi_square(counts, p, draws) < critical);

  // Small updates between draws: the stream of draws still follows p_t at every step. Compare
  // the draws at step t over many independent learners against the exact p_t.
  const int learners = 40000;
  const int steps = 12;
  std::vector<Hedge> population(learners, Hedge(arms, 0.2));
  std::vector<std::vector<int>> counts_at(steps, std::vector<int>(arms, 0));
  std::vector<Eigen::ArrayXd> exact(steps);
  for (int t = 0; t < steps; ++t) {
    Eigen::ArrayXd rewards(arms);
    for (int a = 0; a < arms; ++a) rewards(a) = std::sin(1.7 * a + 0.9 * t) + 0.3 * a;
    exact[t] = population[0].probabilities();
    for (auto& learner : population) {
      ++counts_at[t][learner.select(rng)];
      learner.update_all(rewards);
    }
  }
  CHECK(population[0].refreshes() >= 2);
  for (int t = 0; t < steps; ++t) {
    CAPTURE(t);
    CHECK(chi_square(counts_at[t], exact[t], learners) < critical);
  }
}

TEST_CASE("hedge: range updates give the distribution of the dense update") {
  // add_linear / add_point against update_all with the same rewards written out arm by arm,
  // under both schedules and through cache refreshes: the same probabilities.
  const int arms = 41;
  Eigen::ArrayXd x(arms);
  for (int a = 0; a < arms; ++a) x(a) = a / (arms - 1.0);
  for (const auto schedule : {Hedge::Schedule::kFixed, Hedge::Schedule::kAnytime}) {
    Hedge ranged(arms, 0.3, schedule);
    Hedge dense(arms, 0.3, schedule);
    Rng rng(41);
    Rng draws(43);
    boost::random::uniform_01<double> uniform;
    double worst = 0.0;
    for (int t = 0; t < 3000; ++t) {
      const int begin = static_cast<int>(uniform(rng) * arms);
      const int end = begin + static_cast<int>(uniform(rng) * (arms - begin + 1));
      const double intercept = 2.0 * uniform(rng) - 0.8;
      const double slope = uniform(rng) < 0.5 ? 0.0 : -1.0;
      const int tie = static_cast<int>(uniform(rng) * arms);
      const double tie_reward = uniform(rng) - 0.5;
      Eigen::ArrayXd r = Eigen::ArrayXd::Zero(arms);
      for (int a = begin; a < end; ++a) r(a) = intercept + slope * x(a);
      r(tie) += tie_reward;
      ranged.begin_update();
      ranged.add_linear(begin, end, intercept, slope, x.data());
      ranged.add_point(tie, tie_reward);
      dense.begin_update();
      dense.update_all(r);
      ranged.select(draws);  // refreshes the cache now and then
      worst = std::max(worst, (ranged.probabilities() - dense.probabilities()).abs().maxCoeff());
    }
    CAPTURE(ranged.refreshes());
    CHECK(worst < 1e-12);
    CHECK(ranged.refreshes() >= 2);  // the cache was rebuilt along the way
  }
}

TEST_CASE("hedge: updates of every length and offset match the arm-by-arm sum exactly") {
  // The range updates work four arms at a time with a scalar tail; for every number of arms
  // and every range, the log-weights must be exactly η Σ r added arm by arm (a fixed rate, no
  // refresh in between: probabilities() reads L̃ + Δ with L̃ = 0).
  const double eta = 0.25;
  for (int arms = 1; arms <= 11; ++arms) {
    Eigen::ArrayXd x(arms);
    for (int a = 0; a < arms; ++a) x(a) = 0.1 * a;
    for (int begin = 0; begin <= arms; ++begin) {
      for (int end = begin; end <= arms; ++end) {
        Hedge ranged(arms, eta);
        Hedge dense(arms, eta);
        Eigen::ArrayXd drift = Eigen::ArrayXd::Zero(arms);
        for (const double slope : {0.0, -0.7}) {
          Eigen::ArrayXd r = Eigen::ArrayXd::Zero(arms);
          for (int a = begin; a < end; ++a) r(a) = 0.3 + slope * x(a);
          ranged.add_linear(begin, end, 0.3, slope, x.data());
          dense.update_all(r);
          for (int a = 0; a < arms; ++a) drift(a) = drift(a) + eta * r(a);
        }
        Eigen::ArrayXd want = (drift - drift.maxCoeff()).exp();
        want /= want.sum();
        INFO("arms ", arms, " range [", begin, ", ", end, ")");
        CHECK((ranged.probabilities() == want).all());
        CHECK((dense.probabilities() == want).all());
      }
    }
  }
}

TEST_CASE("hedge: few cache refreshes at the default learning rate") {
  const int arms = 101;
  const int horizon = 100000;
  Hedge hedge(arms, Hedge::default_learning_rate(arms, horizon, 1.0));
  Rng rng(5);
  boost::random::uniform_01<double> uniform;
  Eigen::ArrayXd r(arms);
  for (int t = 0; t < horizon; ++t) {
    for (int a = 0; a < arms; ++a) r(a) = uniform(rng);
    hedge.select(rng);
    hedge.update_all(r);
  }
  // Each step moves the drift spread by at most eta = 0.0061; a refresh every ~100 steps.
  CHECK(hedge.refreshes() < horizon / 50);
  CHECK(hedge.refreshes() > 0);
}

TEST_CASE("hedge: a non-finite reward is an invariant error by the next cache refresh") {
  Rng rng(1);
  Hedge infinite(3, 0.1);
  CHECK_THROWS_AS(infinite.update_all(Eigen::Array3d(0.0, INFINITY, 1.0)), InvariantError);
  Hedge not_a_number(3, 0.1);
  const auto run = [&] {
    not_a_number.update_all(Eigen::Array3d(0.0, NAN, 1.0));
    for (int t = 0; t < 10; ++t) {
      not_a_number.select(rng);
      not_a_number.update_all(Eigen::Array3d(0.0, 5.0, 10.0));
    }
  };
  CHECK_THROWS_AS(run(), InvariantError);
}

TEST_CASE("hedge agent: needs full information and a derivable reward range") {
  test::Harness bandit(test::bidder_role(2));
  CHECK_THROWS_WITH_AS(bandit.make("hedge", Json::object()),
                       doctest::Contains("agents.bidder[0].type: 'hedge' needs full-information "
                                         "feedback"),
                       ConfigError);
  test::Harness unbounded(test::bidder_role(2, "bid", 5.0, 0.0, INFINITY, Feedback::kFull));
  CHECK_THROWS_WITH_AS(unbounded.make("hedge", Json::object()),
                       doctest::Contains("agents.bidder[0].params.reward_range: cannot derive"),
                       ConfigError);
  CHECK_NOTHROW(unbounded.make("hedge", Json{{"reward_range", {-5.0, 10.0}}}));
  CHECK_NOTHROW(unbounded.make("hedge", Json{{"learning_rate", 0.1}, {"reward_range", {0, 1}}}));
}

TEST_CASE("hedge agent: learns the best bid against a fixed rival from counterfactuals") {
  test::Harness harness(test::bidder_role(1, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
  auto policy = harness.make("hedge", Json{{"points", 11}}, 2000);
  const Eigen::ArrayXd values = Eigen::ArrayXd::Constant(1, 0.8);
  const Eigen::ArrayXd rivals = Eigen::ArrayXd::Constant(1, 0.45);
  for (int t = 0; t < 2000; ++t) harness.step(*policy, values, rivals);
  CHECK(harness.market.calls == 2000);
  const Json strategy = policy->strategy();
  const Json& p = strategy["agents"][0]["buckets"][0]["probabilities"];
  double winning = 0.0;  // every bid above 0.45 earns 0.35
  for (int k = 5; k < 11; ++k) winning += p[k].get<double>();
  CHECK(winning > 0.99);
}

}  // namespace
}  // namespace agora
