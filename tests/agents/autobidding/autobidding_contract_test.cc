// What all four autobidding agents share: the advertiser role contract (labels, multiplier
// action), active masks, no revival, determinism.
#include <doctest/doctest.h>

#include <cmath>

#include "agents/autobidding/autobidding_driver.h"
#include "agents/autobidding/fixed_multiplier.h"
#include "agents/autobidding/fluid_pacing_env.h"
#include "core/error.h"

namespace agora {
namespace {

using testing::FluidAdvertiser;
using testing::FluidPacingConfig;
using testing::FluidPacingEnv;

const char* const kTypes[] = {"dual_pacing", "pid_pacing", "constrained_bidding",
                              "fixed_multiplier"};

RoleSpec advertiser_role(std::vector<std::string> observation_labels,
                         std::string action_label = "multiplier") {
  RoleSpec role;
  role.name = "advertiser";
  role.pool_size = 2;
  const int dim = static_cast<int>(observation_labels.size());
  role.observation_space =
      Space::box(Eigen::ArrayXd::Zero(dim), Eigen::ArrayXd::Constant(dim, INFINITY),
                 std::move(observation_labels));
  role.action_space = Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, 3.0),
                                 {std::move(action_label)});
  return role;
}

TEST_CASE("autobidding: a role without the needed labels is a ConfigError naming the agent") {
  const RoleSpec no_budget = advertiser_role({"spend", "value_obtained"});
  for (const char* type : {"dual_pacing", "pid_pacing", "constrained_bidding"}) {
    CAPTURE(type);
    CHECK_THROWS_WITH_AS(
        make_policy(type, Json::object(), test::context(no_budget, {0, 1}, 10, 1, "agents.ads[2]")),
        doctest::Contains("agents.ads[2].type: an autobidding agent needs observation dimensions "
                          "labelled 'budget'"),
        ConfigError);
  }
  const RoleSpec pacing_only = advertiser_role(
      {"budget", "spend", "budget_remaining", "day_fraction_left", "expected_spend_share"});
  CHECK_NOTHROW(make_policy("dual_pacing", Json::object(), test::context(pacing_only, {0})));
  CHECK_THROWS_WITH_AS(
      make_policy("constrained_bidding", Json::object(), test::context(pacing_only, {0})),
      doctest::Contains("'value_obtained', 'conversions', 'target_cpa', 'target_roas'"),
      ConfigError);
  const RoleSpec bid_action = advertiser_role(
      {"budget", "spend", "budget_remaining", "day_fraction_left", "value_obtained", "clicks",
       "conversions", "impressions", "target_cpa", "target_roas", "expected_spend_share"},
      "bid");
  for (const char* type : kTypes) {
    CAPTURE(type);
    CHECK_THROWS_WITH_AS(make_policy(type, Json::object(), test::context(bid_action, {0})),
                         doctest::Contains("needs a Box action dimension labelled 'multiplier'"),
                         ConfigError);
  }
}

TEST_CASE("autobidding: agents act only for active rows and never for one that left") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.05, 0.0, 4.0, 0}, FluidAdvertiser{0.05, 0.0, 4.0, 6}};
  config.auctions_per_step = 100;
  config.steps_per_day = 2;
  config.horizon = 15;
  for (const char* type : kTypes) {
    CAPTURE(type);
    FluidPacingEnv env(config);
    auto policy = test::make_advertiser_policy(env, type, Json::object());
    int steps = 0;
    Json strategy_after_leaving;
    test::play_episode(
        env, *policy, 2,
        [&](std::int64_t step, const RowBatch&, const RowBatch& actions, const StepResult& r) {
          ++steps;
          CHECK(std::isfinite(actions(0, 0)));
          CHECK(std::isnan(actions(1, 0)) == (step > 6));
          if (step == 6) {
            CHECK(r.roles[0].terminated(1));
            strategy_after_leaving = policy->strategy();
          }
        });
    CHECK(steps == 15);
    // A leaver's state is frozen, and a (faulty) mask that revives it is ignored.
    const Json end = policy->strategy();
    if (end.contains("agents")) CHECK(end["agents"][1] == strategy_after_leaving["agents"][1]);
    RowBatch actions = RowBatch::Constant(2, 1, std::nan(""));
    policy->act(env.last().roles[0].observations, BoolArray::Constant(2, true), actions);
    CHECK(std::isfinite(actions(0, 0)));
    CHECK(std::isnan(actions(1, 0)));
  }
}

TEST_CASE("autobidding: a non-finite spend observation is an InvariantError, not a NaN bid") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.05, 0.0, 4.0, 0}};
  for (const char* type : {"dual_pacing", "pid_pacing", "constrained_bidding"}) {
    CAPTURE(type);
    FluidPacingEnv env(config);
    auto policy = test::make_advertiser_policy(env, type, Json::object());
    const StepResult& start = env.reset(1);
    const RowBatch observations = start.roles[0].observations;
    RowBatch actions = RowBatch::Zero(1, 1);
    policy->act(observations, start.roles[0].active, actions);
    RoleState outcome = start.roles[0];
    outcome.observations(0, FluidPacingEnv::kSpend) = std::nan("");
    CHECK_THROWS_AS(policy->learn(Transition{observations, actions, outcome, nullptr}),
                    InvariantError);
  }
}

TEST_CASE("autobidding: same seed, same trajectory") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.03, 0.0, 3.0, 0}, FluidAdvertiser{0.0, 0.4, 0.0, 0}};
  config.auctions_per_step = 100;
  config.steps_per_day = 3;
  config.horizon = 30;
  for (const char* type : kTypes) {
    CAPTURE(type);
    std::vector<double> first, second;
    for (auto* out : {&first, &second}) {
      FluidPacingEnv env(config);
      auto policy = test::make_advertiser_policy(env, type, Json::object());
      test::play_episode(env, *policy, 8,
                         [&](std::int64_t, const RowBatch&, const RowBatch& a, const StepResult&) {
                           out->push_back(a(0, 0));
                           out->push_back(a(1, 0));
                         });
    }
    CHECK(first == second);
  }
}

TEST_CASE("fixed_multiplier: plays its multiplier clipped to the action bounds") {
  FluidPacingEnv env(FluidPacingConfig{});  // multiplier in [0, 5]
  for (const auto& [given, played] : {std::pair{0.7, 0.7}, std::pair{7.0, 5.0}}) {
    auto owned = test::make_advertiser_policy(env, "fixed_multiplier", Json{{"multiplier", given}});
    auto& policy = dynamic_cast<FixedMultiplier&>(*owned);
    CHECK(policy.multiplier() == played);
    CHECK(policy.strategy()["multiplier"] == played);
  }
  CHECK(test::make_advertiser_policy(env, "fixed_multiplier", Json::object())
            ->strategy()["multiplier"] == 1.0);
  CHECK_THROWS_WITH_AS(
      test::make_advertiser_policy(env, "fixed_multiplier", Json{{"multiplier", -1}}),
      "agents.advertiser[0].params.multiplier: must be at least 0, got -1", ConfigError);
}

}  // namespace
}  // namespace agora
