// The `auction` env with the whole mechanism library: conformance under every mechanism and
// its options, quality-weighted and additive ranking worked by hand (Lahaie & Pennock 2007),
// empty slots, all-pay payments by losers, the ex_post_regret metric (zero under truthful
// bidding in VCG, Vickrey 1961 / Clarke 1971 / Groves 1973; positive in GSP, Edelman,
// Ostrovsky & Schwarz 2007) and Myerson's revenue for iid U[0,1] values (Myerson 1981).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/envs/auction_testing.h"
#include "tests/envs/conformance.h"

namespace agora::testing {
namespace {

TEST_CASE("auction passes the conformance harness under every mechanism") {
  struct Setup {
    const char* name;
    const char* env;
    const char* mechanism;
    const char* mechanism_params;
  };
  const char* kRandomQuality = R"("quality": {"distribution": "uniform", "low": 0.5, "high": 1.5})";
  const std::string three_slots_quality = std::string(R"({"n_bidders": 5, "ctr": [0.5, 0.3, 0.1],
      "feedback": "full", "bid_mode": "shade", "rounds_per_step": 20, "report_regret": true, )") +
                                          kRandomQuality + "}";
  const std::vector<Setup> setups = {
      {"gsp, quality, 3 slots", three_slots_quality.c_str(), "gsp", R"({"quality_exponent": 0.5})"},
      {"vcg, quality, 3 slots", three_slots_quality.c_str(), "vcg", "{}"},
      {"first price, quality, additive", R"({"n_bidders": 4, "ctr": [0.6, 0.2], "feedback": "full",
          "additive": {"distribution": "uniform", "low": 0, "high": 0.3},
          "quality": {"distribution": "lognormal", "mu": 0, "sigma": 0.3}})",
       "first_price", R"({"additive_weight": 1.0})"},
      {"all-pay, reserve, full", R"({"n_bidders": 3, "feedback": "full", "report_regret": true})",
       "all_pay", R"({"reserve": 0.1})"},
      {"gsp per impression, personalized reserves, soft floor",
       R"({"n_bidders": 3, "ctr": [0.5, 0.4], "feedback": "winning_bid"})", "gsp",
       R"({"pricing": "per_impression", "reserves": [0.1, 0.2, 0.3], "soft_floor": 0.4})"},
      {"myerson, asymmetric priors, shade, R=50",
       R"({"n_bidders": 3, "bid_mode": "shade", "rounds_per_step": 50, "feedback": "full",
           "report_regret": true,
           "values": [{"distribution": "uniform", "low": 0, "high": 1},
                      {"distribution": "exponential", "rate": 2},
                      {"distribution": "lognormal", "mu": -0.5, "sigma": 0.5}]})",
       "myerson",
       R"({"values": [{"distribution": "uniform", "low": 0, "high": 1},
                      {"distribution": "exponential", "rate": 2},
                      {"distribution": "lognormal", "mu": -0.5, "sigma": 0.5}]})"},
      {"vcg, more slots than bidders", R"({"n_bidders": 2, "ctr": [0.5, 0.3, 0.1],
          "feedback": "full", "report_regret": true})",
       "vcg", "{}"},
  };
  for (const Setup& setup : setups) {
    INFO(std::string(setup.name));
    const Json env = Json::parse(setup.env);
    const Json mechanism_params = Json::parse(setup.mechanism_params);
    const std::string mechanism = setup.mechanism;
    check_env_conformance([=] { return make_auction_with(env, mechanism, mechanism_params); });
  }
}

// Three bidders with values (2, 3, 4) bidding their values, qualities (1, 0.8, 0.4), one slot
// with ctr 0.5. Scores b q: 2, 2.4, 1.6.
TEST_CASE("quality-weighted ranking and prices through the env, by hand") {
  const Json params = {{"n_bidders", 3},
                       {"ctr", {0.5}},
                       {"values", constant_values({2.0, 3.0, 4.0})},
                       {"quality", constant_values({1.0, 0.8, 0.4})},
                       {"additive", constant_values({0.0, 0.0, 1.0})}};
  const std::vector<double> bids = {2.0, 3.0, 4.0};
  SUBCASE("GSP, score b q: bidder 1 wins and pays the bid that ties bidder 0, 2 / 0.8") {
    const auto env = make_auction_with(params, "gsp", Json::object());
    const StepResult& r = play_once(*env, bids);
    // clicks 0.5 x 0.8 = 0.4; payment 2.5 x 0.4 = 1; welfare 3 x 0.4 = 1.2 = max(v q) x 0.5.
    CHECK(r.roles[0].rewards(1) == doctest::Approx(3.0 * 0.4 - 1.0));
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(1.0));
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(1.2));
    CHECK(r.metrics(metric(*env, "efficiency")) == doctest::Approx(1.0));
  }
  SUBCASE("GSP, α = 0 ranks by bid: bidder 2 wins, pays 3 per click for 0.2 clicks") {
    const auto env = make_auction_with(params, "gsp", {{"quality_exponent", 0.0}});
    const StepResult& r = play_once(*env, bids);
    CHECK(r.roles[0].rewards(2) == doctest::Approx(4.0 * 0.2 - 0.6));
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(0.6));
    CHECK(r.metrics(metric(*env, "efficiency")) == doctest::Approx(0.8 / 1.2));
  }
  SUBCASE("GSP with score reserve 2.2: only bidder 1 is eligible and pays 2.2 / 0.8") {
    const auto env = make_auction_with(params, "gsp", {{"score_reserve", 2.2}});
    const StepResult& r = play_once(*env, bids);
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(2.75 * 0.4));
    CHECK(r.roles[0].rewards(1) == doctest::Approx(3.0 * 0.4 - 1.1));
  }
  SUBCASE("GSP with additive weight 1: bidder 2 scores 1.6 + 1 and pays (2.4 - 1) / 0.4") {
    const auto env = make_auction_with(params, "gsp", {{"additive_weight", 1.0}});
    const StepResult& r = play_once(*env, bids);
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(3.5 * 0.2));
    CHECK(r.roles[0].rewards(2) == doctest::Approx(4.0 * 0.2 - 0.7));
    CHECK(r.roles[0].rewards(0) == 0.0);
  }
}

TEST_CASE("slots beyond the bidders stay empty; all-pay losers pay their bids") {
  SUBCASE("VCG, 2 bidders, 3 slots: the lower bidder pays its threshold for slot 1 only") {
    const auto env = make_auction_with(
        {{"n_bidders", 2}, {"ctr", {0.5, 0.3, 0.1}}, {"values", constant_values({1.0, 0.6})}},
        "vcg", Json::object());
    const StepResult& r = play_once(*env, {1.0, 0.6});
    // Bidder 0 pays (0.5 - 0.3) x 0.6 + (0.3 - 0.1) x 0 + 0.1 x 0 = 0.12; bidder 1 pays 0.
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(0.12));
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(0.5 + 0.6 * 0.3));
    CHECK(r.metrics(metric(*env, "efficiency")) == doctest::Approx(1.0));
  }
  SUBCASE("all-pay: both bidders pay their bids, only the winner gets the click") {
    const auto env = make_auction_with({{"n_bidders", 2}, {"values", constant_values({1.0, 0.5})}},
                                       "all_pay", Json::object());
    const StepResult& r = play_once(*env, {0.3, 0.2});
    CHECK(r.roles[0].rewards(0) == doctest::Approx(0.7));
    CHECK(r.roles[0].rewards(1) == doctest::Approx(-0.2));
    CHECK(r.metrics(metric(*env, "revenue")) == doctest::Approx(0.5));
    CHECK(r.metrics(metric(*env, "welfare")) == doctest::Approx(1.0));
  }
}

TEST_CASE("ex_post_regret: zero for truthful bids in VCG and Myerson, positive in GSP") {
  const Json params = {{"n_bidders", 5},
                       {"ctr", {0.5, 0.3, 0.1}},
                       {"bid_mode", "shade"},
                       {"max_shade", 1.5},
                       {"rounds_per_step", 50},
                       {"report_regret", true},
                       {"quality", {{"distribution", "uniform"}, {"low", 0.5}, {"high", 1.5}}}};
  const auto truthful = [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); };
  for (const char* name : {"vcg", "myerson"}) {
    INFO(std::string(name));
    const auto env = make_auction_with(params, name, Json::object(), 200);
    const auto m = play(*env, 3, 200, truthful);
    CHECK(m.col(metric(*env, "ex_post_regret")).maxCoeff() <= 1e-12);
  }
  // GSP with three slots: truthful bidding is not an equilibrium, some bidder gains by
  // shading into a lower slot in a positive fraction of the rounds.
  const auto gsp = make_auction_with(params, "gsp", Json::object(), 200);
  const auto m = play(*gsp, 3, 200, truthful);
  CHECK(m.col(metric(*gsp, "ex_post_regret")).mean() > 1e-3);
  // Shading everything to zero leaves utility on the table in every mechanism.
  const auto vcg = make_auction_with(params, "vcg", Json::object(), 50);
  const auto zero = play(*vcg, 3, 50, [](const RowBatch&, RowBatch& a) { a.setConstant(0.0); });
  CHECK(zero.col(metric(*vcg, "ex_post_regret")).minCoeff() > 0.0);
}

TEST_CASE("Myerson with iid U[0,1] priors earns 5/12 with two truthful bidders") {
  // Myerson (1981): for iid regular values the optimal auction is second price with reserve
  // φ^{-1}(0) = 1/2; with n = 2, revenue (n-1)/(n+1) - 2n r^(n+1)/(n+1) + r^n = 5/12.
  const auto env =
      make_auction_with({{"n_bidders", 2}, {"bid_mode", "shade"}, {"rounds_per_step", 1000}},
                        "myerson", Json::object(), 400);
  const auto m = play(*env, 11, 400, [](const RowBatch&, RowBatch& a) { a.setConstant(1.0); });
  const Estimate got = estimate(m, metric(*env, "revenue"));
  CHECK(std::fabs(got.mean - 5.0 / 12.0) <= got.tolerance);
  CHECK(env->predicted_metrics().at("revenue").get<double>() == doctest::Approx(5.0 / 12.0));
  // A score reserve with unit quality is a bid reserve: second price with score reserve 1/2
  // predicts the same.
  const auto scored =
      make_auction_with({{"n_bidders", 2}}, "second_price", {{"score_reserve", 0.5}});
  CHECK(scored->predicted_metrics().at("revenue").get<double>() == doctest::Approx(5.0 / 12.0));
  // Priors that differ from the true values give no prediction.
  const auto misspecified =
      make_auction_with({{"n_bidders", 2}}, "myerson",
                        {{"values", {{"distribution", "uniform"}, {"low", 0.0}, {"high", 2.0}}}});
  CHECK(misspecified->predicted_metrics().empty());
}

}  // namespace
}  // namespace agora::testing
