#include "agents/autobidding/pid_pacing.h"

#include <doctest/doctest.h>

#include <cmath>

#include "agents/autobidding/autobidding_driver.h"
#include "agents/autobidding/fluid_pacing_env.h"
#include "core/error.h"

namespace agora {
namespace {

using testing::FluidAdvertiser;
using testing::FluidPacingConfig;
using testing::FluidPacingEnv;

// Fluid setting of dual_pacing_test.cc: spend per auction z(m) = m² / 6 for m ≤ 1, so the
// per-step spend target ρ R (even target, day of 4 steps) is met exactly at m* = sqrt(6 ρ).
// The PI controller on ln m has no steady-state error: with δ = ln m − ln m*, the normalised
// error is e ≈ −2 δ + noise, and the closed loop δ_{t+1} = (1 − 2(k_p + k_i)) δ_t + 2 k_p δ_{t−1}
// has roots 0.69 and −0.29 at the defaults, so δ → 0 in the mean. The output's fluctuation is
// k_p σ + (integral part) with σ ≈ 0.1 the step's relative spend noise (R = 500): ≈ 1.5% on m per
// step, and the mean over 200 steps (correlation time ≈ 3 steps) has sd ≲ 0.3%; 2% tolerance.
TEST_CASE("pid_pacing: meets the spend target and converges to m* = sqrt(6 rho)") {
  FluidPacingConfig config;
  const std::vector<double> rates = {1.0 / 24.0, 0.1};
  config.advertisers.clear();
  for (const double rate : rates) config.advertisers.push_back(FluidAdvertiser{rate, 0, 0, 0});
  config.auctions_per_step = 500;
  config.steps_per_day = 4;
  config.horizon = 400;
  for (const std::string target : {"even", "remaining"}) {
    CAPTURE(target);
    FluidPacingEnv env(config);
    auto policy = test::make_advertiser_policy(env, "pid_pacing", Json{{"target", target}});
    std::vector<double> mean_m(2, 0.0), spend(2, 0.0), max_overshoot(2, -1e9), day(2, 0.0);
    test::play_episode(
        env, *policy, 23,
        [&](std::int64_t step, const RowBatch&, const RowBatch& a, const StepResult& r) {
          for (int i = 0; i < 2; ++i) {
            const double z = r.roles[0].observations(i, FluidPacingEnv::kSpend);
            day[i] += z;
            if (step > 200) {
              mean_m[i] += a(i, 0) / 200.0;
              spend[i] += z / 200.0;
            }
            if (step % 4 == 0) {
              max_overshoot[i] = std::max(max_overshoot[i], day[i] - env.daily_budget(i));
              day[i] = 0.0;
            }
          }
        });
    for (int i = 0; i < 2; ++i) {
      CAPTURE(i);
      const double per_step_budget = rates[i] * 500.0;
      CHECK(mean_m[i] == doctest::Approx(std::sqrt(6.0 * rates[i])).epsilon(0.02));
      CHECK(spend[i] == doctest::Approx(per_step_budget).epsilon(0.02));
      CHECK(max_overshoot[i] < 1.0);
    }
  }
}

TEST_CASE("pid_pacing: implements the PID law with conditional-integration anti-windup") {
  // Day-long steps: e = (B − z) / B. A budget of 0.5 per auction cannot be spent (z ≤ 0.28 at
  // m ≤ 1.5), so e > 0.4 throughout and the output saturates at max_multiplier; the integral
  // must then stop growing (no windup), so the controller would leave the bound as soon as the
  // error changed sign.
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.5, 0, 0, 0}};
  config.auctions_per_step = 300;
  config.horizon = 25;
  FluidPacingEnv env(config);
  const double budget = env.daily_budget(0);
  const Json params = {{"kp", 0.3},
                       {"ki", 0.4},
                       {"kd", 0.2},
                       {"initial_multiplier", 0.8},
                       {"min_multiplier", 0.05},
                       {"max_multiplier", 1.5}};
  auto owned = test::make_advertiser_policy(env, "pid_pacing", params);
  auto& policy = dynamic_cast<PidPacing&>(*owned);
  double integral = 0.0, last = 0.0, m = 0.8, error_sum = 0.0;
  test::play_episode(
      env, policy, 4, [&](std::int64_t, const RowBatch&, const RowBatch& a, const StepResult& r) {
        CHECK(a(0, 0) == doctest::Approx(m));
        const double e = (budget - r.roles[0].observations(0, FluidPacingEnv::kSpend)) / budget;
        const auto out = [&](double i) {
          return std::log(0.8) + 0.3 * e + 0.4 * i + 0.2 * (e - last);
        };
        const double raw = out(integral + e);
        if (!((raw > std::log(1.5) && e > 0) || (raw < std::log(0.05) && e < 0))) integral += e;
        m = std::exp(std::clamp(out(integral), std::log(0.05), std::log(1.5)));
        last = e;
        CHECK(policy.multiplier(0) == doctest::Approx(m));
        CHECK(policy.integral(0) == doctest::Approx(integral));
        error_sum += e;
      });
  CHECK(m > 1.4);  // at or just below the bound (k_p e and k_d Δe move with the noise)
  // Every accepted integration step keeps k_i I ≤ ln(1.5 / 0.8) − k_p e − k_d Δe with e > 0.4
  // and |Δe| small, so I ≤ ln(1.875) / 0.4 ≈ 1.57 (+ k_d |Δe| / k_i), while the plain sum of
  // errors (the wound-up integral) exceeds 10.
  CHECK(error_sum > 10.0);
  CHECK(policy.integral(0) < 2.0);
  CHECK(policy.strategy()["agents"][0]["multiplier"].get<double>() == doctest::Approx(m));
}

TEST_CASE("pid_pacing: without a budget plays its initial multiplier") {
  FluidPacingConfig config;
  config.horizon = 10;
  FluidPacingEnv env(config);
  auto policy = test::make_advertiser_policy(env, "pid_pacing", Json{{"initial_multiplier", 0.7}});
  int steps = 0;
  test::play_episode(env, *policy, 1,
                     [&](std::int64_t, const RowBatch&, const RowBatch& a, const StepResult&) {
                       CHECK(a(0, 0) == 0.7);
                       ++steps;
                     });
  CHECK(steps == 10);
}

TEST_CASE("pid_pacing: rejects bad parameters") {
  FluidPacingEnv env(FluidPacingConfig{});  // multiplier action in [0, 5]
  const auto make = [&](const Json& params) {
    return test::make_advertiser_policy(env, "pid_pacing", params);
  };
  CHECK_THROWS_WITH_AS(make(Json{{"kp", -1}}), doctest::Contains("params.kp"), ConfigError);
  CHECK_THROWS_WITH_AS(make(Json{{"min_multiplier", 0}}),
                       doctest::Contains("params.min_multiplier"), ConfigError);
  CHECK_THROWS_WITH_AS(make(Json{{"min_multiplier", 2}, {"max_multiplier", 1}}),
                       doctest::Contains("params.min_multiplier"), ConfigError);
  CHECK_THROWS_WITH_AS(make(Json{{"initial_multiplier", 6}}),
                       doctest::Contains("params.initial_multiplier"), ConfigError);
  CHECK_THROWS_WITH_AS(make(Json{{"gain", 1}}), doctest::Contains("agents.advertiser[0].params"),
                       ConfigError);
}

}  // namespace
}  // namespace agora
