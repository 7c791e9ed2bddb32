#include <doctest/doctest.h>

#include "agents/bidder_fixture.h"
#include "core/error.h"

namespace agora {
namespace {

TEST_CASE("truthful: bids the value, clipped; plays shade 1 in a shade space") {
  test::Harness bids(test::bidder_role(3, "bid", 1.0, 0.0, 2.0));
  auto policy = bids.make("truthful", Json::object());
  Eigen::ArrayXd values(3);
  values << 0.25, 0.9, 1.7;
  bids.step(*policy, values, Eigen::ArrayXd::Zero(3));
  CHECK(bids.actions(0, 0) == 0.25);
  CHECK(bids.actions(1, 0) == 0.9);
  CHECK(bids.actions(2, 0) == 1.0);

  test::Harness shades(test::bidder_role(2, "shade", 2.0));
  auto shade_policy = shades.make("truthful", Json::object());
  shades.step(*shade_policy, Eigen::ArrayXd::Constant(2, 0.4), Eigen::ArrayXd::Zero(2));
  CHECK((shades.actions.col(0) == 1.0).all());
}

TEST_CASE("truthful: is a best response in a second-price auction") {
  // Against any rival bid, bidding the value earns at least as much as any other bid.
  test::Harness harness(test::bidder_role(1, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
  auto policy = harness.make("truthful", Json::object());
  for (const double rival : {0.1, 0.35, 0.6, 0.95}) {
    harness.step(*policy, Eigen::ArrayXd::Constant(1, 0.6), Eigen::ArrayXd::Constant(1, rival));
    const double truthful = harness.outcome.rewards(0);
    for (double bid = 0.0; bid <= 1.0; bid += 0.05) {
      CHECK(truthful >= harness.market.reward(0, bid));
    }
  }
}

TEST_CASE("truthful: rejects roles without a value or a bid") {
  RoleSpec role = test::bidder_role(1);
  role.observation_space = Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1), {"ctr"});
  test::Harness harness(role);
  CHECK_THROWS_WITH_AS(harness.make("truthful", Json::object()),
                       doctest::Contains("agents.bidder[0].type: a bidder needs an observation "
                                         "dimension labelled 'value'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(harness.make("truthful", Json{{"shade", 1}}),
                       doctest::Contains("agents.bidder[0].params.shade: unknown key"),
                       ConfigError);
}

}  // namespace
}  // namespace agora
