#include "agents/autobidding/fluid_pacing_env.h"

#include <doctest/doctest.h>

#include <cmath>

#include "agents/autobidding/autobidding_driver.h"
#include "envs/conformance.h"

namespace agora {
namespace {

using testing::FluidAdvertiser;
using testing::FluidPacingConfig;
using testing::FluidPacingEnv;

TEST_CASE("autobidding fluid env: passes the conformance harness") {
  testing::check_env_conformance([] {
    FluidPacingConfig config;
    config.advertisers = {FluidAdvertiser{0.05, 0.0, 4.0, 0}, FluidAdvertiser{0.0, 0.3, 0.0, 7},
                          FluidAdvertiser{0.2, 0.0, 0.0, 0}};
    config.auctions_per_step = 40;
    config.steps_per_day = 3;
    config.horizon = 20;
    return std::make_unique<FluidPacingEnv>(config);
  });
}

// With bid m v against d ~ U[0, 1], m v ≤ 1 (m ≤ 1): P(win | v) = m v and
// E[d 1{d < m v} | v] = (m v)² / 2, so per auction
//   spend z(m) = E[(m v)² / 2] = m² / 6,   value = E[v · m v] = m / 3,
// and the expected conversions equal the value (a click converts with probability v).
// For m > 1 the bid exceeds 1 when v > 1/m:
//   z(m) = ∫_0^{1/m} (m v)²/2 dv + ∫_{1/m}^1 1/2 dv = 1/2 − 1/(3m),
//   value = ∫_0^{1/m} m v² dv + ∫_{1/m}^1 v dv = 1/2 − 1/(6m²).
// Per auction sd of the spend is below 0.3, so over N = 10⁵ auctions the means are within
// 5 sd = 0.005 with overwhelming probability; the tolerance is 0.004 on the value and spend.
TEST_CASE("autobidding fluid env: spend and value per auction match the closed forms") {
  for (const double m : {0.5, 1.0, 2.0}) {
    CAPTURE(m);
    FluidPacingConfig config;
    config.auctions_per_step = 2000;
    config.horizon = 50;
    FluidPacingEnv env(config);
    auto policy = test::make_advertiser_policy(env, "fixed_multiplier", Json{{"multiplier", m}});
    double spend = 0.0, value = 0.0, conversions = 0.0, reward = 0.0;
    test::play_episode(env, *policy, 3,
                       [&](std::int64_t, const RowBatch&, const RowBatch& a, const StepResult& r) {
                         CHECK(a(0, 0) == m);
                         spend += r.roles[0].observations(0, FluidPacingEnv::kSpend);
                         value += r.roles[0].observations(0, FluidPacingEnv::kValueObtained);
                         conversions += r.roles[0].observations(0, FluidPacingEnv::kConversions);
                         reward += r.roles[0].rewards(0);
                       });
    const double n = 2000.0 * 50.0;
    const double z = m <= 1.0 ? m * m / 6.0 : 0.5 - 1.0 / (3.0 * m);
    const double u = m <= 1.0 ? m / 3.0 : 0.5 - 1.0 / (6.0 * m * m);
    CHECK(std::fabs(spend / n - z) < 0.004);
    CHECK(std::fabs(value / n - u) < 0.004);
    CHECK(std::fabs(conversions / n - u) < 0.004);
    CHECK(reward == doctest::Approx(value - spend));
  }
}

// Truthful bidding (m = 1) spends 1/6 per auction, so a budget rate ρ = 1/24 runs out after a
// quarter of the day's auctions: the advertiser sits out ≈ 3/4 of them and the day's spend
// exceeds the budget by less than one price (< 1).
TEST_CASE("autobidding fluid env: budgets stop spending within one price") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{1.0 / 24.0, 0.0, 0.0, 0}};
  config.auctions_per_step = 600;
  config.steps_per_day = 2;
  config.horizon = 40;
  FluidPacingEnv env(config);
  const double budget = env.daily_budget(0);
  CHECK(budget == doctest::Approx(50.0));
  auto policy = test::make_advertiser_policy(env, "fixed_multiplier", Json::object());
  double day = 0.0, depleted = 0.0;
  test::play_episode(
      env, *policy, 5,
      [&](std::int64_t step, const RowBatch& before, const RowBatch&, const StepResult& r) {
        const auto& obs = r.roles[0].observations;
        day += obs(0, FluidPacingEnv::kSpend);
        CHECK(before(0, FluidPacingEnv::kBudgetRemaining) ==
              doctest::Approx(std::max(0.0, budget - (step % 2 == 0 ? day - obs(0, 1) : 0.0))));
        depleted += r.metrics(2);
        if (step % 2 == 0) {
          CHECK(day >= budget);
          CHECK(day < budget + 1.0);
          CHECK(obs(0, FluidPacingEnv::kBudgetRemaining) == budget);
          CHECK(obs(0, FluidPacingEnv::kDayFractionLeft) == 1.0);
          day = 0.0;
        } else {
          CHECK(obs(0, FluidPacingEnv::kDayFractionLeft) == 0.5);
        }
      });
  CHECK(std::fabs(depleted / 40.0 - 0.75) < 0.03);
}

}  // namespace
}  // namespace agora
