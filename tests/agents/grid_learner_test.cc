#include "agents/grid_learner.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_01.hpp>

#include "agents/bidder_fixture.h"
#include "agents/epsilon_greedy.h"
#include "agents/hedge.h"
#include "core/error.h"

namespace agora {
namespace {

RoleSpec role_with_clicks_bound(double clicks_high) {
  RoleSpec role = test::bidder_role(1);
  role.observation_space =
      Space::box(Eigen::Array3d(0.0, 0.0, 0.0), Eigen::Array3d(2.0, clicks_high, INFINITY),
                 {"value", "clicks", "payment"});
  return role;
}

TEST_CASE("grid setup: default grids, units and conversion to actions") {
  const RoleSpec bid_role = test::bidder_role(1, "bid", 2.0);
  const auto ctx = test::context(bid_role, {0});
  const ParamSpecs specs = grid_learner_params();

  GridSetup bid_grid(validate_params(Json::object(), specs, "p"), ctx);
  CHECK(bid_grid.kind() == GridSetup::Kind::kBid);
  CHECK(bid_grid.points() == 101);
  CHECK(bid_grid.grid().front() == 0.0);
  CHECK(bid_grid.grid().back() == 2.0);
  CHECK(bid_grid.grid()[50] == doctest::Approx(1.0));
  CHECK(bid_grid.action(25, 0.3) == doctest::Approx(0.5));
  CHECK_FALSE(bid_grid.needs_value());

  GridSetup shade_grid(
      validate_params(Json{{"grid", "shade"}, {"points", 5}, {"grid_high", 2.0}}, specs, "p"), ctx);
  CHECK(shade_grid.needs_value());
  CHECK(shade_grid.grid() == std::vector<double>{0.0, 0.5, 1.0, 1.5, 2.0});
  CHECK(shade_grid.action(1, 0.8) == doctest::Approx(0.4));
  CHECK(shade_grid.action(4, 1.5) == 2.0);  // 3.0 clipped to the maximum bid

  const RoleSpec shade_role = test::bidder_role(1, "shade", 1.5);
  GridSetup in_shade_space(validate_params(Json::object(), specs, "p"),
                           test::context(shade_role, {0}));
  CHECK(in_shade_space.kind() == GridSetup::Kind::kShade);
  CHECK(in_shade_space.grid().back() == 1.0);
  CHECK(in_shade_space.action(100, 0.3) == 1.0);
}

TEST_CASE("grid setup: value buckets") {
  const RoleSpec role = test::bidder_role(1);
  GridSetup setup(validate_params(Json{{"value_buckets", 4}}, grid_learner_params(), "p"),
                  test::context(role, {0}));
  CHECK(setup.bucket(0.0) == 0);
  CHECK(setup.bucket(0.24) == 0);
  CHECK(setup.bucket(0.26) == 1);
  CHECK(setup.bucket(0.99) == 3);
  CHECK(setup.bucket(1.0) == 3);
  CHECK(setup.bucket(-5.0) == 0);
  CHECK(setup.bucket(7.0) == 3);
  CHECK(setup.rounds_per_learner() == 250);
  CHECK(setup.to_json()["value_buckets"][1] == Json({0.25, 0.5}));
}

TEST_CASE("grid setup: derived reward range") {
  const ParamSpecs specs = grid_learner_params();
  const RoleSpec role = role_with_clicks_bound(0.5);
  const auto ctx = test::context(role, {0});
  // Bid grid up to 1 with values in [0, 2] and at most 0.5 clicks: utility in [-0.5, 1].
  const auto bid_range =
      GridSetup(validate_params(Json::object(), specs, "p"), ctx).derived_reward_range();
  REQUIRE(bid_range);
  CHECK(bid_range->low == doctest::Approx(-0.5));
  CHECK(bid_range->high == doctest::Approx(1.0));
  // Shade grid [0, 1] never overbids: utility in [0, 1].
  const auto shade_range =
      GridSetup(validate_params(Json{{"grid", "shade"}}, specs, "p"), ctx).derived_reward_range();
  REQUIRE(shade_range);
  CHECK(shade_range->low == 0.0);
  CHECK(shade_range->high == doctest::Approx(1.0));
}

TEST_CASE("grid learners: bad configurations are ConfigErrors naming the path") {
  test::Harness shade(test::bidder_role(1, "shade", 1.0));
  CHECK_THROWS_WITH_AS(shade.make("ucb1", Json{{"grid", "bid"}}),
                       doctest::Contains("agents.bidder[0].params.grid: a bid grid needs a 'bid' "
                                         "action"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(shade.make("ucb1", Json{{"grid_high", 1.2}}),
                       "agents.bidder[0].params.grid_high: 1.2 is above the action bounds [0, 1]",
                       ConfigError);

  test::Harness bid(test::bidder_role(1, "bid", 1.0));
  CHECK_THROWS_WITH_AS(bid.make("exp3", Json{{"grid_high", 3.0}}),
                       doctest::Contains("agents.bidder[0].params.grid_high: 3 is above"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(bid.make("thompson", Json{{"grid_low", 0.5}, {"grid_high", 0.5}}),
                       doctest::Contains("agents.bidder[0].params.grid_high: must exceed grid_low"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(bid.make("thompson", Json{{"points", 1}}),
                       "agents.bidder[0].params.points: must be at least 2, got 1", ConfigError);
  CHECK_THROWS_WITH_AS(
      bid.make("ucb1", Json{{"value_range", {0.0}}}),
      doctest::Contains("agents.bidder[0].params.value_range: expected [low, high]"), ConfigError);

  test::Harness unbounded(test::bidder_role(1, "bid", 5.0, 0.0, INFINITY));
  CHECK_THROWS_WITH_AS(unbounded.make("epsilon_greedy", Json{{"value_buckets", 3}}),
                       doctest::Contains("agents.bidder[0].params.value_range: value_buckets > 1 "
                                         "needs a finite value range"),
                       ConfigError);
  CHECK_NOTHROW(
      unbounded.make("epsilon_greedy", Json{{"value_buckets", 3}, {"value_range", {0.0, 3.0}}}));

  test::Harness infinite_bids(test::bidder_role(1, "bid", INFINITY));
  CHECK_THROWS_WITH_AS(infinite_bids.make("ucb1", Json::object()),
                       doctest::Contains("agents.bidder[0].params.grid_high: the action's upper "
                                         "bound is inf"),
                       ConfigError);

  RoleSpec no_bid = test::bidder_role(1);
  no_bid.action_space = Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Ones(1), {"price"});
  test::Harness wrong_action(no_bid);
  CHECK_THROWS_WITH_AS(wrong_action.make("hedge", Json::object()),
                       doctest::Contains("agents.bidder[0].type: a bidder needs an action "
                                         "dimension labelled 'bid' or 'shade'"),
                       ConfigError);
}

TEST_CASE("grid learners: value buckets pick separate learners") {
  test::Harness harness(test::bidder_role(1, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
  auto policy = harness.make("hedge", Json{{"points", 11}, {"value_buckets", 2}}, 4000);
  const auto& learner = dynamic_cast<const GridLearner<Hedge>&>(*policy);
  Rng rng(3);
  boost::random::uniform_01<double> uniform;
  Eigen::ArrayXd value(1);
  Eigen::ArrayXd rival(1);
  for (int t = 0; t < 4000; ++t) {
    // Low values face a rival bid of 0.15; high values one of 0.65.
    value(0) = t % 2 == 0 ? 0.3 : 0.9;
    rival(0) = (t % 2 == 0 ? 0.15 : 0.65) + 0.01 * (uniform(rng) - 0.5);
    harness.step(*policy, value, rival);
  }
  const Eigen::ArrayXd low = learner.core(0, 0).probabilities();
  const Eigen::ArrayXd high = learner.core(0, 1).probabilities();
  // Winning (bids ≥ 0.2, resp. ≥ 0.7) is all that matters; each bucket learns its own threshold.
  CHECK(low.segment(2, 9).sum() > 0.99);
  CHECK(high.segment(7, 4).sum() > 0.99);
  CHECK(high.segment(2, 5).sum() < 0.01);
}

TEST_CASE("grid learners: shade grid in a bid space asks counterfactuals in bids") {
  test::Harness harness(test::bidder_role(1, "bid", 1.0, 0.0, 2.0, Feedback::kFull));
  auto policy = harness.make("hedge", Json{{"grid", "shade"}, {"points", 5}});
  harness.step(*policy, Eigen::ArrayXd::Constant(1, 1.6), Eigen::ArrayXd::Constant(1, 0.5));
  REQUIRE(harness.market.last_candidates.rows() == 5);
  CHECK(harness.market.last_candidates(0, 0) == 0.0);
  CHECK(harness.market.last_candidates(1, 0) == doctest::Approx(0.4));
  CHECK(harness.market.last_candidates(2, 0) == doctest::Approx(0.8));
  CHECK(harness.market.last_candidates(3, 0) == 1.0);  // 1.2 clipped to the maximum bid
}

TEST_CASE("grid learners: inactive agents neither act nor learn; bandits use only own reward") {
  test::Harness harness(test::bidder_role(3, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
  auto policy = harness.make("epsilon_greedy", Json{{"points", 3}});
  harness.active(1) = false;
  harness.actions.setConstant(-7.0);
  harness.step(*policy, Eigen::ArrayXd::Constant(3, 0.5), Eigen::ArrayXd::Constant(3, 0.2));
  CHECK(harness.actions(1, 0) == -7.0);
  CHECK(harness.actions(0, 0) >= 0.0);
  CHECK(harness.market.calls == 0);
  const Json strategy = policy->strategy();
  CHECK(strategy["agents"][1]["buckets"][0]["counts"] == Json({0, 0, 0}));
  CHECK(strategy["agents"][0]["buckets"][0]["counts"].get<std::vector<int>>() !=
        std::vector<int>{0, 0, 0});
}

TEST_CASE("grid learners: same seed, same actions") {
  for (const char* type : {"epsilon_greedy", "ucb1", "thompson", "exp3", "hedge"}) {
    CAPTURE(type);
    test::Harness first(test::bidder_role(2, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
    test::Harness second(test::bidder_role(2, "bid", 1.0, 0.0, 1.0, Feedback::kFull));
    auto a = first.make(type, Json{{"points", 7}}, 100, 42);
    auto b = second.make(type, Json{{"points", 7}}, 100, 42);
    Rng rng(1);
    boost::random::uniform_01<double> uniform;
    for (int t = 0; t < 100; ++t) {
      const Eigen::ArrayXd values = Eigen::ArrayXd::Constant(2, uniform(rng));
      const Eigen::ArrayXd rivals = Eigen::ArrayXd::Constant(2, uniform(rng));
      first.step(*a, values, rivals);
      second.step(*b, values, rivals);
      REQUIRE((first.actions == second.actions).all());
    }
    CHECK(a->strategy() == b->strategy());
  }
}

}  // namespace
}  // namespace agora
