// The `auction` env: conformance under many configurations, auction theory (Vickrey 1961;
// Myerson 1981; Krishna, Auction Theory, 2nd ed. 2010, ch. 2), hand-worked multi-slot
// examples (Edelman, Ostrovsky & Schwarz 2007) and config errors.
#include "envs/auction.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"
#include "tests/envs/auction_testing.h"
#include "tests/envs/conformance.h"

namespace agora::testing {
namespace {

// ---------------------------------------------------------------------------------------------
// Conformance.

TEST_CASE("auction passes the conformance harness") {
  struct Setup {
    const char* name;
    const char* params;
    const char* mechanism;
    double reserve;
  };
  const std::vector<Setup> setups = {
      {"defaults", "{}", "second_price", 0.0},
      {"3 slots, R=50, shade, full, first price",
       R"({"n_bidders": 5, "ctr": [0.5, 0.3, 0.1], "rounds_per_step": 50, "bid_mode": "shade",
           "feedback": "full"})",
       "first_price", 0.0},
      {"own feedback, first price with a reserve", R"({"n_bidders": 4, "feedback": "own"})",
       "first_price", 0.3},
      {"winning_bid feedback, second price with a reserve, R=50",
       R"({"n_bidders": 3, "feedback": "winning_bid", "rounds_per_step": 50})", "second_price",
       0.4},
      {"persistent values, full, R=50",
       R"({"n_bidders": 3, "persistent_values": true, "feedback": "full", "rounds_per_step": 50})",
       "second_price", 0.0},
      {"persistent values, shade, 2 slots",
       R"({"n_bidders": 4, "persistent_values": true, "feedback": "full", "bid_mode": "shade",
           "ctr": [0.7, 0.2]})",
       "first_price", 0.0},
      {"asymmetric uniform/exponential/lognormal, 2 slots, shade, full",
       R"({"n_bidders": 4, "ctr": [0.6, 0.4], "feedback": "full", "bid_mode": "shade",
           "max_shade": 1.5, "rounds_per_step": 50,
           "values": [{"distribution": "uniform", "low": 0, "high": 1},
                      {"distribution": "exponential", "rate": 2},
                      {"distribution": "lognormal", "mu": 0, "sigma": 0.5},
                      {"distribution": "uniform", "low": 0.2, "high": 2}]})",
       "second_price", 0.1},
      {"asymmetric, bid mode, full, first price",
       R"({"n_bidders": 3, "feedback": "full",
           "values": [{"distribution": "exponential", "rate": 1},
                      {"distribution": "lognormal", "mu": -0.5, "sigma": 1},
                      {"distribution": "uniform", "low": 0.5, "high": 1.5}]})",
       "first_price", 0.0},
      {"iid exponential, R=50, full", R"({"n_bidders": 6, "rounds_per_step": 50, "feedback":
           "full", "values": {"distribution": "exponential", "rate": 2}})",
       "second_price", 0.0},
      {"one bidder with a reserve", R"({"n_bidders": 1, "feedback": "full"})", "second_price", 0.2},
      {"more slots than bidders", R"({"n_bidders": 2, "ctr": [0.5, 0.3, 0.1], "feedback": "full"})",
       "first_price", 0.0},
      {"many bidders, 3 slots, full, R=20",
       R"({"n_bidders": 30, "ctr": [0.5, 0.3, 0.1], "feedback": "full", "rounds_per_step": 20})",
       "second_price", 0.05},
  };
  for (const Setup& setup : setups) {
    INFO(std::string(setup.name));
    check_env_conformance(
        auction_factory(Json::parse(setup.params), setup.mechanism, setup.reserve));
  }
}

TEST_CASE("auction with a platform role passes the conformance harness") {
  struct Setup {
    const char* name;
    const char* params;
    const char* mechanism;
    double reserve;
  };
  const std::vector<Setup> setups = {
      {"platform reserve, defaults", R"({"platform": {}})", "second_price", 0.0},
      {"platform reserve, shade, full, R=50, first price",
       R"({"n_bidders": 3, "bid_mode": "shade", "feedback": "full", "rounds_per_step": 50,
           "platform": {"reserve_range": [0.1, 0.7], "objective": {"revenue": 1, "welfare": 0.5}}})",
       "first_price", 0.2},
      {"platform reserve and quality exponent, qualities, 2 slots, gsp, full",
       R"({"n_bidders": 4, "ctr": [0.6, 0.3], "feedback": "full", "rounds_per_step": 20,
           "quality": {"distribution": "lognormal", "mu": -0.5, "sigma": 0.4},
           "platform": {"controls": ["reserve", "quality_exponent"],
                        "quality_exponent_range": [0, 2], "objective": "welfare"}})",
       "gsp", 0.0},
      {"platform quality exponent only, vcg, own feedback",
       R"({"n_bidders": 3, "ctr": [0.5, 0.2], "feedback": "own",
           "quality": {"distribution": "uniform", "low": 0.5, "high": 1.5},
           "platform": {"controls": ["quality_exponent"], "objective": "efficiency"}})",
       "vcg", 0.05},
      {"platform reserve, all-pay, exponential values, full",
       R"({"n_bidders": 3, "feedback": "full", "rounds_per_step": 10,
           "values": {"distribution": "exponential", "rate": 2},
           "platform": {"reserve_range": [0, 0.5], "objective": "bidder_utility"}})",
       "all_pay", 0.0},
      {"platform reserve, one bidder", R"({"n_bidders": 1, "feedback": "full", "platform": {}})",
       "second_price", 0.0},
  };
  for (const Setup& setup : setups) {
    INFO(std::string(setup.name));
    check_env_conformance(
        auction_factory(Json::parse(setup.params), setup.mechanism, setup.reserve));
  }
  ConformanceOptions options;
  options.expect_seed_dependence = false;
  const Json constant = Json::parse(R"({"n_bidders": 3, "feedback": "full", "platform": {},
      "values": {"distribution": "constant", "value": 0.8}})");
  check_env_conformance(auction_factory(constant, "second_price", 0.1), options);
}

TEST_CASE("auction with constant values has no randomness to depend on the seed") {
  // With constant values and continuous random bids (no ties) the env draws nothing: the
  // harness is told not to expect seed dependence, and everything else still holds.
  ConformanceOptions options;
  options.expect_seed_dependence = false;
  const Json params = Json::parse(R"({"n_bidders": 3, "feedback": "full", "ctr": [0.6, 0.3],
      "values": {"distribution": "constant", "value": 0.8}})");
  check_env_conformance(auction_factory(params, "second_price", 0.1), options);
}

// ---------------------------------------------------------------------------------------------
// Theory.

TEST_CASE("second price, truthful, and first price at equilibrium earn (n-1)/(n+1)") {
  // n iid U[0,1] values, one slot (Vickrey 1961; Krishna 2010 §2.3-2.5). Revenue per auction:
  // second price with truthful bids pays V(2) ~ Beta(n-1, 2), mean (n-1)/(n+1), variance
  // 2(n-1) / ((n+1)^2 (n+2)); first price with b(v) = (n-1)/n v pays (n-1)/n V(1), V(1) ~
  // Beta(n, 1), mean (n-1)/(n+1), variance (n-1)^2 / (n (n+1)^2 (n+2)). Welfare V(1): mean
  // n/(n+1), variance n / ((n+1)^2 (n+2)). Tolerance: 5 standard errors of the mean over
  // N auctions, sd / sqrt(N), with the derived sd (values are iid across auctions).
  constexpr int n = 5;
  const double revenue = (n - 1.0) / (n + 1.0);
  const double welfare = n / (n + 1.0);
  const double sd_second = std::sqrt(2.0 * (n - 1) / ((n + 1.0) * (n + 1) * (n + 2)));
  const double sd_first = std::sqrt((n - 1.0) * (n - 1) / (n * (n + 1.0) * (n + 1) * (n + 2)));
  const double sd_welfare = std::sqrt(n / ((n + 1.0) * (n + 1) * (n + 2)));
  const double shade = (n - 1.0) / n;
  const Json params = {{"n_bidders", n}};

  struct Case {
    const char* name;
    const char* mechanism;
    const char* bid_mode;
    int rounds;
    std::int64_t steps;
    double sd_revenue;
  };
  const std::vector<Case> cases = {
      {"second price, bid = value, R = 1", "second_price", "bid", 1, 400000, sd_second},
      {"second price, shade 1, R = 1000", "second_price", "shade", 1000, 1000, sd_second},
      {"first price, bid = (n-1)/n value, R = 1", "first_price", "bid", 1, 400000, sd_first},
      {"first price, shade (n-1)/n, R = 1000", "first_price", "shade", 1000, 1000, sd_first},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.name));
    Json p = params;
    p["bid_mode"] = c.bid_mode;
    p["rounds_per_step"] = c.rounds;
    const auto env = make_auction(p, c.mechanism, 0.0, c.steps);
    const bool first = std::string(c.mechanism) == "first_price";
    const bool shade_mode = std::string(c.bid_mode) == "shade";
    const auto m = play(*env, 42, c.steps, [&](const RowBatch& obs, RowBatch& actions) {
      if (shade_mode) {
        actions.setConstant(first ? shade : 1.0);
      } else {
        actions.col(0) = obs.col(0) * (first ? shade : 1.0);
      }
    });
    const double auctions = static_cast<double>(c.steps) * c.rounds;
    CHECK(std::fabs(m.col(metric(*env, "revenue")).mean() - revenue) <=
          5.0 * c.sd_revenue / std::sqrt(auctions));
    CHECK(std::fabs(m.col(metric(*env, "welfare")).mean() - welfare) <=
          5.0 * sd_welfare / std::sqrt(auctions));
    CHECK(std::fabs(m.col(metric(*env, "optimal_welfare")).mean() - welfare) <=
          5.0 * sd_welfare / std::sqrt(auctions));
    CHECK((m.col(metric(*env, "efficiency")) == 1.0).all());  // symmetric increasing bids
    const Json predicted = env->predicted_metrics();
    CHECK(predicted.at("revenue").get<double>() == doctest::Approx(revenue));
    CHECK(predicted.at("welfare").get<double>() == doctest::Approx(welfare));
    CHECK(predicted.at("optimal_welfare").get<double>() == doctest::Approx(welfare));
    CHECK(predicted.at("bidder_utility").get<double>() == doctest::Approx(1.0 / (n + 1)));
    CHECK(predicted.at("efficiency").get<double>() == 1.0);
  }
}

TEST_CASE("with R = 1 the observed value is the value of the auction that follows") {
  // Truthful second price: the step's welfare is the highest observed value and its revenue
  // the second highest, exactly.
  const auto env = make_auction({{"n_bidders", 4}}, "second_price", 0.0, 200);
  const StepResult* result = &env->reset(5);
  std::vector<RowBatch> actions = {RowBatch::Zero(4, 1)};
  for (int t = 0; t < 200; ++t) {
    Eigen::ArrayXd values = result->roles[0].observations.col(0);
    actions[0].col(0) = values;
    result = &env->step(actions);
    std::sort(values.data(), values.data() + values.size(), std::greater<>());
    CHECK(result->metrics(metric(*env, "welfare")) == values(0));
    CHECK(result->metrics(metric(*env, "revenue")) == values(1));
  }
}

TEST_CASE("with a reserve, revenue follows Myerson's formula in both auctions") {
  // Myerson (1981); Krishna (2010) §2.5: n iid U[0,1] values, reserve r, one slot; in the
  // symmetric equilibrium of either auction the expected revenue is
  //   (n-1)/(n+1) - 2n r^(n+1)/(n+1) + r^n,
  // welfare n/(n+1) (1 - r^(n+1)), and the item sells with probability 1 - r^n. Second price:
  // truthful bids (shade 1, R = 1000). First price: the equilibrium bid with a reserve,
  // b(v) = v - (v^n - r^n) / (n v^(n-1)) for v >= r (0 below), through bid mode with R = 1.
  // Tolerance: 5 standard errors estimated from the per-step values.
  constexpr int n = 3;
  constexpr double r = 0.3;
  const double revenue =
      (n - 1.0) / (n + 1) - 2.0 * n * std::pow(r, n + 1) / (n + 1) + std::pow(r, n);
  const double welfare = n / (n + 1.0) * (1 - std::pow(r, n + 1));
  const double sold = 1 - std::pow(r, n);

  SUBCASE("second price, truthful") {
    const auto env =
        make_auction({{"n_bidders", n}, {"bid_mode", "shade"}, {"rounds_per_step", 1000}},
                     "second_price", r, 1000);
    const auto m = play(*env, 7, 1000, [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); });
    const Estimate got = estimate(m, metric(*env, "revenue"));
    CHECK(std::fabs(got.mean - revenue) <= got.tolerance);
    const Estimate w = estimate(m, metric(*env, "welfare"));
    CHECK(std::fabs(w.mean - welfare) <= w.tolerance);
    const Json predicted = env->predicted_metrics();
    CHECK(predicted.at("revenue").get<double>() == doctest::Approx(revenue));
    CHECK(predicted.at("welfare").get<double>() == doctest::Approx(welfare));
    CHECK_FALSE(predicted.contains("efficiency"));  // a ratio of sums over R > 1 rounds
  }
  SUBCASE("first price, equilibrium bids") {
    constexpr std::int64_t kSteps = 400000;
    const auto env = make_auction({{"n_bidders", n}}, "first_price", r, kSteps);
    const auto m = play(*env, 8, kSteps, [](const RowBatch& obs, RowBatch& a) {
      for (Eigen::Index i = 0; i < obs.rows(); ++i) {
        const double v = obs(i, 0);
        a(i, 0) = v >= r ? v - (std::pow(v, n) - std::pow(r, n)) / (n * std::pow(v, n - 1)) : 0.0;
      }
    });
    const Estimate got = estimate(m, metric(*env, "revenue"));
    CHECK(std::fabs(got.mean - revenue) <= got.tolerance);
    const Estimate w = estimate(m, metric(*env, "welfare"));
    CHECK(std::fabs(w.mean - welfare) <= w.tolerance);
    const Estimate e = estimate(m, metric(*env, "efficiency"));
    CHECK(std::fabs(e.mean - sold) <= e.tolerance);
    const Json predicted = env->predicted_metrics();
    CHECK(predicted.at("revenue").get<double>() == doctest::Approx(revenue));
    CHECK(predicted.at("efficiency").get<double>() == doctest::Approx(sold));
  }
}

TEST_CASE("predicted_metrics matches simulation for scaled uniform and exponential values") {
  SUBCASE("U[1, 3], ctr 0.5, reserve 1.6, second price, truthful") {
    const auto env =
        make_auction({{"n_bidders", 4},
                      {"ctr", {0.5}},
                      {"bid_mode", "shade"},
                      {"rounds_per_step", 1000},
                      {"values", {{"distribution", "uniform"}, {"low", 1.0}, {"high", 3.0}}}},
                     "second_price", 1.6, 1000);
    const auto m = play(*env, 9, 1000, [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); });
    const Json predicted = env->predicted_metrics();
    for (const char* name : {"revenue", "welfare", "optimal_welfare", "bidder_utility"}) {
      INFO(std::string(name));
      const Estimate got = estimate(m, metric(*env, name));
      CHECK(std::fabs(got.mean - predicted.at(name).get<double>()) <= got.tolerance);
    }
    // By hand: u = (v - 1)/2 ~ U[0,1], r = 0.3; revenue = c (1 * P(sold) + 2 * Myerson(u)).
    const double r = 0.3;
    const double myerson = 3.0 / 5 - 8 * std::pow(r, 5) / 5 + std::pow(r, 4);
    CHECK(predicted.at("revenue").get<double>() ==
          doctest::Approx(0.5 * ((1 - std::pow(r, 4)) + 2 * myerson)));
  }
  SUBCASE("exponential(rate 2), 4 bidders, second price, truthful") {
    // E[second highest of n iid Exp(rate)] = (H_n - 1)/rate (Rényi's representation).
    const auto env = make_auction({{"n_bidders", 4},
                                   {"bid_mode", "shade"},
                                   {"rounds_per_step", 1000},
                                   {"values", {{"distribution", "exponential"}, {"rate", 2.0}}}},
                                  "second_price", 0.0, 1000);
    const auto m = play(*env, 10, 1000, [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); });
    const Json predicted = env->predicted_metrics();
    CHECK(predicted.at("revenue").get<double>() == doctest::Approx((25.0 / 12 - 1) / 2));
    for (const char* name : {"revenue", "welfare", "bidder_utility"}) {
      INFO(std::string(name));
      const Estimate got = estimate(m, metric(*env, name));
      CHECK(std::fabs(got.mean - predicted.at(name).get<double>()) <= got.tolerance);
    }
  }
  SUBCASE("no closed form: empty predictions") {
    CHECK(make_auction({{"ctr", {0.5, 0.3}}})->predicted_metrics().empty());
    CHECK(make_auction({{"n_bidders", 2},
                        {"values", Json::array({{{"distribution", "uniform"}},
                                                {{"distribution", "exponential"}}})}})
              ->predicted_metrics()
              .empty());
  }
}

TEST_CASE("lognormal values use the log-scale parameters") {
  // E[exp(N(mu, sigma^2))] = exp(mu + sigma^2 / 2); with one bidder and second price without
  // reserve the welfare is the mean value. sd of the value: mean * sqrt(exp(sigma^2) - 1).
  const double mu = -0.5, sigma = 0.6;
  const auto env =
      make_auction({{"n_bidders", 1},
                    {"bid_mode", "shade"},
                    {"rounds_per_step", 1000},
                    {"values", {{"distribution", "lognormal"}, {"mu", mu}, {"sigma", sigma}}}},
                   "second_price", 0.0, 500);
  const auto m = play(*env, 11, 500, [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); });
  const double mean = std::exp(mu + sigma * sigma / 2);
  const double sd = mean * std::sqrt(std::exp(sigma * sigma) - 1);
  CHECK(std::fabs(m.col(metric(*env, "welfare")).mean() - mean) <= 5 * sd / std::sqrt(500000.0));
  CHECK((m.col(metric(*env, "revenue")) == 0.0).all());
}

// ---------------------------------------------------------------------------------------------
// Hand-worked multi-slot examples: bids 5, 3, 2, 1 for ctr 0.5, 0.3 (EOS 2007 notation), with
// constant values and the bidders in scrambled order: bidder 1 bids 5 (value 6), bidder 3 bids
// 3 (value 4), bidder 0 bids 2 (value 2.5), bidder 2 bids 1 (value 1).

TEST_CASE("multi-slot hand-worked examples through the env") {
  const Json params = {{"n_bidders", 4},
                       {"ctr", {0.5, 0.3}},
                       {"feedback", "full"},
                       {"values", constant_values({2.5, 6.0, 1.0, 4.0})}};
  const std::vector<double> bids = {2.0, 5.0, 1.0, 3.0};

  SUBCASE("generalized second price") {
    const auto env = make_auction(params, "second_price");
    const StepResult& r = play_once(*env, bids);
    const RoleState& b = r.roles[0];
    // Bidder 1: slot 0 at 3 per click, 0.5 clicks: pays 1.5, utility 6 * 0.5 - 1.5 = 1.5.
    // Bidder 3: slot 1 at 2 per click, 0.3 clicks: pays 0.6, utility 4 * 0.3 - 0.6 = 0.6.
    CHECK(b.rewards(0) == 0.0);
    CHECK(b.rewards(1) == doctest::Approx(1.5));
    CHECK(b.rewards(2) == 0.0);
    CHECK(b.rewards(3) == doctest::Approx(0.6));
    const auto obs = [&](int i, const char* label) {
      return b.observations(i, env->roles()[0].observation_space.index_of(label));
    };
    CHECK(obs(1, "clicks") == 0.5);
    CHECK(obs(3, "clicks") == 0.3);
    CHECK(obs(0, "clicks") == 0.0);
    CHECK(obs(1, "payment") == doctest::Approx(1.5));
    CHECK(obs(3, "payment") == doctest::Approx(0.6));
    CHECK(obs(2, "payment") == 0.0);
    CHECK(obs(0, "winning_bid") == 5.0);
    CHECK(obs(1, "highest_other_bid") == 3.0);
    CHECK(obs(3, "highest_other_bid") == 5.0);
    CHECK(obs(2, "value") == 1.0);
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(2.1));
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(4.2));
    CHECK(r.metrics(metric(*env, "optimal_welfare")) == doctest::Approx(4.2));
    CHECK(r.metrics(metric(*env, "efficiency")) == doctest::Approx(1.0));
    CHECK(r.metrics(metric(*env, "bidder_utility")) == doctest::Approx(2.1));

    // Counterfactuals of bidder 3 (value 4) against the others' 5, 2, 1.
    const CounterfactualFeedback* cf = env->counterfactuals(0);
    REQUIRE(cf != nullptr);
    RowBatch candidates(6, 1);
    candidates << 0.0, 1.5, 2.0, 2.5, 3.0, 6.0;
    Eigen::ArrayXd out(6);
    cf->counterfactual_rewards(3, candidates, out);
    CHECK(out(0) == 0.0);
    CHECK(out(1) == 0.0);                    // third: no slot
    CHECK(out(2) == doctest::Approx(0.3));   // tied with the 2: half of slot 1 at 2
    CHECK(out(3) == doctest::Approx(0.6));   // slot 1 at 2
    CHECK(out(4) == doctest::Approx(0.6));   // what it did
    CHECK(out(5) == doctest::Approx(-0.5));  // slot 0 at 5: 4 * 0.5 - 2.5
  }
  SUBCASE("generalized first price") {
    const auto env = make_auction(params, "first_price");
    const StepResult& r = play_once(*env, bids);
    // Bidder 1 pays 5 * 0.5 = 2.5 (utility 0.5); bidder 3 pays 3 * 0.3 = 0.9 (utility 0.3).
    CHECK(r.roles[0].rewards(1) == doctest::Approx(0.5));
    CHECK(r.roles[0].rewards(3) == doctest::Approx(0.3));
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(3.4));
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(4.2));
    CHECK(r.metrics(metric(*env, "bidder_utility")) == doctest::Approx(0.8));
  }
  SUBCASE("an inefficient allocation: bidder 0 outbids bidder 3") {
    const auto env = make_auction(params, "second_price");
    const StepResult& r = play_once(*env, {4.0, 5.0, 1.0, 3.0});
    // Slot 0: bidder 1 pays 4 per click (2.0); slot 1: bidder 0 (value 2.5) pays 3 (0.9).
    CHECK(r.roles[0].rewards(1) == doctest::Approx(1.0));
    CHECK(r.roles[0].rewards(0) == doctest::Approx(2.5 * 0.3 - 0.9));
    CHECK(r.roles[0].rewards(3) == 0.0);
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(3.75));
    CHECK(r.metrics(metric(*env, "optimal_welfare")) == doctest::Approx(4.2));
    CHECK(r.metrics(metric(*env, "efficiency")) == doctest::Approx(3.75 / 4.2));
  }
  SUBCASE("a reserve of 2.5: the second winner pays the reserve") {
    const auto env = make_auction(params, "second_price", 2.5);
    const StepResult& r = play_once(*env, bids);
    CHECK(r.roles[0].rewards(1) == doctest::Approx(1.5));
    CHECK(r.roles[0].rewards(3) == doctest::Approx(4 * 0.3 - 2.5 * 0.3));
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(1.5 + 0.75));
  }
}

TEST_CASE("counterfactual rewards count ties over all tied bidders") {
  // Five bidders (values 1) all bid 0.5 for one slot: bidding 0.5 wins w.p. 1/5 at price 0.5,
  // so the counterfactual reward is (1 - 0.5) / 5 = 0.1, even though the mechanism only needs
  // the two highest other bids to price the slot.
  Json params = {
      {"n_bidders", 5}, {"feedback", "full"}, {"values", constant_values({1, 1, 1, 1, 1})}};
  RowBatch candidates(3, 1);
  candidates << 0.5, 0.4, 0.6;
  Eigen::ArrayXd out(3);
  for (const char* mechanism : {"second_price", "first_price"}) {
    INFO(std::string(mechanism));
    const auto env = make_auction(params, mechanism);
    const StepResult& r = play_once(*env, {0.5, 0.5, 0.5, 0.5, 0.5});
    CHECK(r.roles[0].rewards.sum() == doctest::Approx(0.5));  // exactly one winner
    env->counterfactuals(0)->counterfactual_rewards(0, candidates, out);
    CHECK(out(0) == doctest::Approx(0.1));
    CHECK(out(1) == 0.0);
    CHECK(out(2) == doctest::Approx(std::string(mechanism) == "first_price" ? 0.4 : 0.5));
  }
  // Two slots (ctr 1, 0.5), second price: a 5-way tie at 0.5 gives each position w.p. 1/5:
  // clicks (1 + 0.5) / 5 = 0.3, payment 0.5 * 0.3 = 0.15, utility 0.15.
  params["ctr"] = {1.0, 0.5};
  const auto env = make_auction(params, "second_price");
  play_once(*env, {0.5, 0.5, 0.5, 0.5, 0.5});
  env->counterfactuals(0)->counterfactual_rewards(2, candidates, out);
  CHECK(out(0) == doctest::Approx(0.15));
}

TEST_CASE("reward profiles equal the mechanism's profile against the others' top scores") {
  // Bids on a coarse grid, so scores tie often, also across the slot boundary. The env's
  // reward profile must be, bit for bit, the mechanism's deviation profile against the k
  // highest other scores and every score tied with the last kept (found here by sorting all
  // of them), turned into utility at the bidder's value.
  const int n = 7;
  const std::vector<double> values = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
  Rng rng(31);
  boost::random::uniform_int_distribution<int> quarter(0, 4);
  for (const char* name : {"second_price", "first_price", "gsp", "vcg", "all_pay"}) {
    for (int k = 1; k <= 3; ++k) {
      std::vector<double> ctr = {1.0, 0.6, 0.3};
      ctr.resize(static_cast<std::size_t>(k));
      const Json params = {{"n_bidders", n},
                           {"feedback", "full"},
                           {"ctr", ctr},
                           {"values", constant_values(values)}};
      const auto mechanism = make_mechanism(name, Json::object(), "mechanism");
      const auto env = make_auction(params, name);
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> bids;
        for (int i = 0; i < n; ++i) bids.push_back(0.25 * quarter(rng));
        play_once(*env, bids);
        for (int i = 0; i < n; ++i) {
          std::vector<double> others;
          for (int j = 0; j < n; ++j) {
            if (j != i && bids[static_cast<std::size_t>(j)] >= 0.0) {
              others.push_back(bids[static_cast<std::size_t>(j)]);
            }
          }
          std::sort(others.begin(), others.end(), std::greater<>());
          std::size_t keep = std::min(others.size(), static_cast<std::size_t>(k));
          while (keep > 0 && keep < others.size() && others[keep] == others[keep - 1]) ++keep;
          others.resize(keep);
          DeviationProfile profile;
          PiecewiseLinear want, got;
          mechanism->deviation_profile(others, BidderView{i}, ctr, profile);
          profile.utility(values[static_cast<std::size_t>(i)], want);
          env->counterfactuals(0)->reward_profile(i, 0, got);
          INFO(name, " k ", k, " trial ", trial, " bidder ", i);
          const auto a = got.pieces();
          const auto b = want.pieces();
          REQUIRE(a.size() == b.size());
          for (std::size_t p = 0; p < a.size(); ++p) {
            CHECK(a[p].from == b[p].from);
            CHECK(a[p].at == b[p].at);
            CHECK(a[p].intercept == b[p].intercept);
            CHECK(a[p].slope == b[p].slope);
          }
        }
      }
    }
  }
}

TEST_CASE("counterfactual rewards in shade mode average over the step's rounds") {
  // With R rounds the counterfactual of the played shade is the realized reward (harness),
  // and shading 0 earns nothing.
  const auto env = make_auction(
      {{"n_bidders", 3}, {"feedback", "full"}, {"bid_mode", "shade"}, {"rounds_per_step", 200}},
      "first_price");
  env->reset(3);
  RowBatch a(3, 1);
  a << 0.9, 0.6, 0.75;
  const StepResult& r = env->step({a});
  RowBatch candidates(2, 1);
  candidates << 0.6, 0.0;
  Eigen::ArrayXd out(2);
  env->counterfactuals(0)->counterfactual_rewards(1, candidates, out);
  CHECK(out(0) == doctest::Approx(r.roles[0].rewards(1)).epsilon(1e-12));
  CHECK(out(1) == 0.0);
}

TEST_CASE("persistent values stay fixed within an episode and change between episodes") {
  const auto env =
      make_auction({{"n_bidders", 3}, {"persistent_values", true}, {"rounds_per_step", 50}},
                   "second_price", 0.0, 20);
  std::vector<RowBatch> actions = {RowBatch::Constant(3, 1, 0.5)};
  Eigen::ArrayXd first_episode;
  for (int episode = 0; episode < 2; ++episode) {
    const StepResult* r =
        &env->reset(episode == 0 ? std::optional<std::uint64_t>(4) : std::nullopt);
    const Eigen::ArrayXd values = r->roles[0].observations.col(0);
    double optimal = -1.0;
    while (!r->episode_over) {
      r = &env->step(actions);
      CHECK((r->roles[0].observations.col(0) == values).all());
      const double o = r->metrics(metric(*env, "optimal_welfare"));
      if (optimal >= 0.0) CHECK(o == optimal);
      optimal = o;
    }
    CHECK(optimal == doctest::Approx(values.maxCoeff()).epsilon(1e-12));
    if (episode == 0) {
      first_episode = values;
    } else {
      CHECK_FALSE((values == first_episode).all());
    }
  }
  // Without persistence the values move from step to step.
  const auto fresh = make_auction({{"n_bidders", 3}});
  const Eigen::ArrayXd v0 = fresh->reset(4).roles[0].observations.col(0);
  CHECK_FALSE((fresh->step(actions).roles[0].observations.col(0) == v0).all());
}

TEST_CASE("optimal welfare with more slots than a small buffer would hold") {
  // 70 slots with ctr 1, 0.99, ..., 80 bidders: optimal welfare = sum of the 70 highest values
  // times the slots' rates, in order. Truthful second price allocates efficiently.
  std::vector<double> ctr;
  for (int s = 0; s < 70; ++s) ctr.push_back(1.0 - 0.01 * s);
  const auto env = make_auction({{"n_bidders", 80}, {"ctr", ctr}}, "second_price", 0.0, 5);
  const StepResult* r = &env->reset(2);
  std::vector<RowBatch> actions = {RowBatch::Zero(80, 1)};
  for (int t = 0; t < 5; ++t) {
    std::vector<double> values;
    for (int i = 0; i < 80; ++i) {
      values.push_back(r->roles[0].observations(i, 0));
      actions[0](i, 0) = values.back();
    }
    r = &env->step(actions);
    std::sort(values.begin(), values.end(), std::greater<>());
    double optimal = 0.0;
    for (int s = 0; s < 70; ++s)
      optimal += values[static_cast<std::size_t>(s)] * ctr[static_cast<std::size_t>(s)];
    CHECK(r->metrics(metric(*env, "optimal_welfare")) == doctest::Approx(optimal).epsilon(1e-12));
    CHECK(r->metrics(metric(*env, "efficiency")) == doctest::Approx(1.0).epsilon(1e-12));
  }
}

// ---------------------------------------------------------------------------------------------
// Errors.

std::string config_error_path(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.path();
  }
  return "(no ConfigError)";
}

TEST_CASE("config errors name the JSON path") {
  const auto build = [](const char* params, const char* mechanism = "second_price") {
    return [=] { make_auction(Json::parse(params), mechanism); };
  };
  CHECK(config_error_path(build(R"({"n_bidders": 2, "values": [{}, {}, {}]})")) ==
        "env.params.values");
  CHECK(config_error_path(build(R"({"ctr": [0.3, 0.5]})")) == "env.params.ctr[1]");
  CHECK(config_error_path(build(R"({"values": {"low": 2, "high": 1}})")) ==
        "env.params.values.high");
  CHECK(
      config_error_path(build(
          R"({"n_bidders": 2, "values": [{"high": 1}, {"distribution": "uniform", "low": 3, "high": 1}]})")) ==
      "env.params.values[1].high");
  CHECK(config_error_path(build(R"({"values": {"distribution": "gaussian"}})")) ==
        "env.params.values.distribution");
  CHECK(config_error_path(build(R"({"values": {"distribution": "exponential", "mean": 2}})")) ==
        "env.params.values.mean");
  CHECK(config_error_path(build(R"({"values": "uniform"})")) == "env.params.values");
  CHECK(config_error_path(build(R"({"n_bidder": 3})")) == "env.params.n_bidder");
  CHECK(config_error_path(build(R"({"n_bidders": 0})")) == "env.params.n_bidders");
  CHECK(config_error_path(build(R"({"feedback": "partial"})")) == "env.params.feedback");
  CHECK(config_error_path(build(R"({"ctr": []})")) == "env.params.ctr");
  CHECK(config_error_path(build(R"({"ctr": [1.5]})")).rfind("env.params.ctr", 0) == 0);

  const std::string message = [] {
    try {
      make_auction(Json::parse(R"({"n_bidder": 3})"));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  CHECK(message.find("did you mean 'n_bidders'") != std::string::npos);

  CHECK(config_error_path([] { make_mechanism("third_price", Json::object(), "mechanism"); }) ==
        "mechanism.name");
  CHECK(config_error_path([] {
          make_mechanism("second_price", {{"reserv", 1}}, "mechanism");
        }) == "mechanism.params.reserv");
  CHECK(config_error_path([] {
          make_mechanism("first_price", {{"reserve", -1}}, "mechanism");
        }) == "mechanism.params.reserve");
  CHECK(config_error_path([] { make_env("auction", Json::object(), EnvContext{}); }) ==
        "mechanism");
  CHECK(config_error_path([] { make_env("auktion", Json::object(), EnvContext{}); }) == "env.name");
}

TEST_CASE("invalid actions are ConfigErrors naming the bidder") {
  const auto env = make_auction({{"n_bidders", 3}});
  env->reset(1);
  RowBatch a = RowBatch::Constant(3, 1, 0.5);
  a(1, 0) = std::nan("");
  CHECK(config_error_path([&] { env->step({a}); }) == "bidder[1]");
  a(1, 0) = 1.5;  // above max_bid = 1
  CHECK(config_error_path([&] { env->step({a}); }) == "bidder[1]");
  a(1, 0) = 0.5;
  a(2, 0) = -0.1;
  CHECK(config_error_path([&] { env->step({a}); }) == "bidder[2]");
  CHECK(env->steps_taken() == 0);
}

TEST_CASE("full feedback: highest_other_bid is the highest of the other bids, ties included") {
  // Bids on a coarse grid tie often (at the top too); each bidder must observe exactly the
  // largest bid among the others, whether it won, tied or lost.
  Rng rng(29);
  boost::random::uniform_int_distribution<int> level(0, 4);
  for (int n : {2, 3, 5, 10}) {
    const auto env =
        make_auction({{"n_bidders", n}, {"feedback", "full"}}, "second_price", 0.0, 2000);
    env->reset(3);
    const int column = env->roles()[0].observation_space.index_of("highest_other_bid");
    RowBatch bids(n, 1);
    int mismatches = 0;
    for (int step = 0; step < 2000; ++step) {
      for (int i = 0; i < n; ++i) bids(i, 0) = 0.25 * level(rng);
      const StepResult& r = env->step({bids});
      for (int i = 0; i < n; ++i) {
        double others = 0.0;
        for (int j = 0; j < n; ++j) {
          if (j != i) others = std::max(others, bids(j, 0));
        }
        mismatches += r.roles[0].observations(i, column) != others;
      }
    }
    INFO("n = ", n);
    CHECK(mismatches == 0);
  }
}

}  // namespace
}  // namespace agora::testing
