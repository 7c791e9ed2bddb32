#include "agents/bid_table.h"

#include <doctest/doctest.h>

#include "agents/bidder_fixture.h"
#include "core/error.h"

namespace agora {
namespace {

Json table(const std::string& interpolation, const std::string& units = "bid") {
  return Json{{"values", {0.0, 0.5, 1.0}},
              {"bids", {0.0, 0.2, 0.6}},
              {"interpolation", interpolation},
              {"units", units}};
}

TEST_CASE("bid_table: linear interpolation between points, constant beyond the ends") {
  test::Harness harness(test::bidder_role(5, "bid", 1.0, 0.0, 2.0));
  auto policy = harness.make("bid_table", table("linear"));
  Eigen::ArrayXd values(5);
  values << 0.0, 0.25, 0.5, 0.75, 1.5;
  harness.step(*policy, values, Eigen::ArrayXd::Zero(5));
  CHECK(harness.actions(0, 0) == 0.0);
  CHECK(harness.actions(1, 0) == doctest::Approx(0.1));
  CHECK(harness.actions(2, 0) == doctest::Approx(0.2));
  CHECK(harness.actions(3, 0) == doctest::Approx(0.4));
  CHECK(harness.actions(4, 0) == doctest::Approx(0.6));
}

TEST_CASE("bid_table: step tables play a_j on [v_j, v_{j+1}) and a_0 below v_0") {
  test::Harness harness(test::bidder_role(4, "bid", 1.0, 0.0, 2.0));
  Json params = table("step");
  params["values"] = {0.2, 0.5, 1.0};
  auto policy = harness.make("bid_table", params);
  Eigen::ArrayXd values(4);
  values << 0.1, 0.49, 0.5, 1.7;
  harness.step(*policy, values, Eigen::ArrayXd::Zero(4));
  CHECK(harness.actions(0, 0) == 0.0);
  CHECK(harness.actions(1, 0) == 0.0);
  CHECK(harness.actions(2, 0) == 0.2);
  CHECK(harness.actions(3, 0) == 0.6);
}

TEST_CASE("bid_table: units and action spaces convert (shade table in a bid space and back)") {
  SUBCASE("shade units in a bid space bid a(v) x v, clipped to the bounds") {
    test::Harness harness(test::bidder_role(2, "bid", 1.0, 0.0, 4.0));
    auto policy = harness.make("bid_table", table("linear", "shade"));
    Eigen::ArrayXd values(2);
    values << 0.25, 3.0;
    harness.step(*policy, values, Eigen::ArrayXd::Zero(2));
    CHECK(harness.actions(0, 0) == doctest::Approx(0.1 * 0.25));
    CHECK(harness.actions(1, 0) == 1.0);  // 0.6 x 3 = 1.8, clipped to max bid 1
  }
  SUBCASE("bid units in a shade space play bid / value") {
    test::Harness harness(test::bidder_role(2, "shade", 1.0));
    auto policy = harness.make("bid_table", table("linear"));
    Eigen::ArrayXd values(2);
    values << 0.5, 0.0;
    harness.step(*policy, values, Eigen::ArrayXd::Zero(2));
    CHECK(harness.actions(0, 0) == doctest::Approx(0.4));
    CHECK(harness.actions(1, 0) == 1.0);  // value 0: every shade bids 0
  }
}

TEST_CASE("bid_table: a truthful table is a best response against a rival bid in second price") {
  // Second price against a rival bid r: bidding the value is optimal (Vickrey), and a truthful
  // table with two points reproduces it everywhere.
  test::Harness harness(test::bidder_role(1, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
  auto policy = harness.make("bid_table", Json{{"values", {0.0, 1.0}}, {"bids", {0.0, 1.0}}});
  for (const double value : {0.1, 0.45, 0.8}) {
    for (const double rival : {0.05, 0.5, 0.9}) {
      harness.step(*policy, Eigen::ArrayXd::Constant(1, value), Eigen::ArrayXd::Constant(1, rival));
      for (double bid = 0.0; bid <= 1.0; bid += 0.05) {
        CHECK(harness.outcome.rewards(0) >= harness.market.reward(0, bid));
      }
    }
  }
  CHECK(policy->strategy()["interpolation"] == "linear");
}

TEST_CASE("bid_table: rejects malformed tables naming the parameter") {
  test::Harness harness(test::bidder_role(1));
  CHECK_THROWS_WITH_AS(harness.make("bid_table", Json{{"values", {0.0, 0.0}}, {"bids", {0, 1}}}),
                       doctest::Contains("agents.bidder[0].params.values[1]: values must be "
                                         "strictly increasing"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(harness.make("bid_table", Json{{"values", {0.0, 1.0}}, {"bids", {0}}}),
                       doctest::Contains("agents.bidder[0].params.bids: needs one entry per value"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(harness.make("bid_table", Json{{"values", {0.0}}, {"bids", {-1}}}),
                       doctest::Contains("agents.bidder[0].params.bids[0]"), ConfigError);
  CHECK_THROWS_WITH_AS(harness.make("bid_table", Json{{"bids", {0.5}}}),
                       doctest::Contains("agents.bidder[0].params.values"), ConfigError);
}

}  // namespace
}  // namespace agora
