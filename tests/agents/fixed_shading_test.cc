#include <doctest/doctest.h>

#include "agents/bidder_fixture.h"
#include "core/error.h"

namespace agora {
namespace {

TEST_CASE("fixed_shading: bids shade x value, clipped to the action bounds") {
  test::Harness bids(test::bidder_role(3, "bid", 1.0, 0.0, 4.0));
  auto policy = bids.make("fixed_shading", Json{{"shade", 0.75}});
  Eigen::ArrayXd values(3);
  values << 0.0, 0.8, 2.0;
  bids.step(*policy, values, Eigen::ArrayXd::Zero(3));
  CHECK(bids.actions(0, 0) == 0.0);
  CHECK(bids.actions(1, 0) == doctest::Approx(0.6));
  CHECK(bids.actions(2, 0) == 1.0);
  CHECK(policy->strategy()["shade"] == 0.75);

  test::Harness shades(test::bidder_role(1, "shade", 1.0));
  auto over = shades.make("fixed_shading", Json{{"shade", 1.3}});
  shades.step(*over, Eigen::ArrayXd::Constant(1, 0.5), Eigen::ArrayXd::Zero(1));
  CHECK(shades.actions(0, 0) == 1.0);
  auto fixed = shades.make("fixed_shading", Json::object());
  shades.step(*fixed, Eigen::ArrayXd::Constant(1, 0.5), Eigen::ArrayXd::Zero(1));
  CHECK(shades.actions(0, 0) == 0.5);
}

TEST_CASE("fixed_shading: rejects a negative shade") {
  test::Harness harness(test::bidder_role(1));
  CHECK_THROWS_WITH_AS(harness.make("fixed_shading", Json{{"shade", -0.1}}),
                       "agents.bidder[0].params.shade: must be at least 0, got -0.1", ConfigError);
}

}  // namespace
}  // namespace agora
