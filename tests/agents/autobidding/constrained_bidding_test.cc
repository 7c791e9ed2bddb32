#include "agents/autobidding/constrained_bidding.h"

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

// The fluid ROI problem (second price, v ~ U[0, 1], d ~ U[0, 1] independent). Bidding m v with
// m ≤ 1, per auction (fluid_pacing_env_test.cc): value V(m) = m / 3, spend Z(m) = m² / 6, so
// ROAS(m) = V / Z = 2 / m (for m > 1 it keeps falling, towards 1). Conversions equal the value in
// expectation (a click converts with probability v), so a CPA target A is the ROAS target 1 / A.
// - Value maximiser, ROAS ≥ T ≥ 2: V increases in m, the constraint is m ≤ 2 / T, so m* = 2 / T
//   (binding). With m = (1 + λ / T) / λ, λ* = 1 / (m* − 1 / T) = T (= 4 at T = 4).
// - Surplus maximiser: U(m) = m / 3 − m² / 6 peaks at m = 1 with ROAS 2, so the target binds iff
//   T > 2: m* = min(1, 2 / T). At T = 4, m = (1 + λ/4) / (1 + λ) = 1/2 gives λ* = 2; at T = 1.5 the
//   constraint is slack: λ* = 0, m* = 1, ROAS 2.
// - Value maximiser with ROAS ≥ 4 and budget ρ = 1/54 per auction: the budget alone needs
//   Z(m) ≤ ρ, m ≤ sqrt(6ρ) = 1/3, where ROAS = 6 > 4: the budget binds, the ROI constraint is
//   slack, m* = 1/3 (λ* = 0, μ* = 3).
// Tolerance. With R = 500 auctions per step the step's ROAS has relative sd σ ≈ 0.1; the
// linearised λ recursion δ ← (1 − η a) δ + η σ ξ, with a = |dg/dλ| = (T/2)|dm/dλ| ≥ 1/8 here, has
// stationary sd σ sqrt(η / (2a)) ≤ 0.09 in λ, ≤ 1.2% on m; the mean over the last 300 steps
// (correlation time ≤ 40 steps) has sd ≲ 0.5%, and the relative-slack normalisation biases the
// fixed point by O(σ²) ≈ 1%: 3% on m and on the realised ROAS / CPA.
struct RoiOutcome {
  std::vector<double> mean_multiplier, roas, cpa;
};

RoiOutcome run_roi(const Json& params, const std::vector<FluidAdvertiser>& advertisers,
                   ConstrainedBidding** out_policy = nullptr,
                   std::unique_ptr<Policy>* keep = nullptr) {
  FluidPacingConfig config;
  config.advertisers = advertisers;
  config.auctions_per_step = 500;
  config.steps_per_day = 4;
  config.horizon = 600;
  FluidPacingEnv env(config);
  auto policy = test::make_advertiser_policy(env, "constrained_bidding", params);
  const int n = static_cast<int>(advertisers.size());
  RoiOutcome out{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0),
                 std::vector<double>(n, 0.0)};
  std::vector<double> spend(n, 0.0), value(n, 0.0), conversions(n, 0.0);
  test::play_episode(
      env, *policy, 31,
      [&](std::int64_t step, const RowBatch&, const RowBatch& a, const StepResult& r) {
        if (step <= 300) return;
        for (int i = 0; i < n; ++i) {
          out.mean_multiplier[i] += a(i, 0) / 300.0;
          spend[i] += r.roles[0].observations(i, FluidPacingEnv::kSpend);
          value[i] += r.roles[0].observations(i, FluidPacingEnv::kValueObtained);
          conversions[i] += r.roles[0].observations(i, FluidPacingEnv::kConversions);
        }
      });
  for (int i = 0; i < n; ++i) {
    out.roas[i] = value[i] / spend[i];
    out.cpa[i] = spend[i] / conversions[i];
  }
  if (out_policy) *out_policy = dynamic_cast<ConstrainedBidding*>(policy.get());
  if (keep) *keep = std::move(policy);
  return out;
}

TEST_CASE("constrained_bidding: value maximiser meets ROAS and CPA targets at m* = 2 / T") {
  ConstrainedBidding* policy = nullptr;
  std::unique_ptr<Policy> keep;
  const RoiOutcome out =
      run_roi(Json::object(),
              {FluidAdvertiser{0.0, 0.0, 4.0, 0}, FluidAdvertiser{0.0, 0.25, 0.0, 0},
               FluidAdvertiser{1.0 / 54.0, 0.0, 4.0, 0}},
              &policy, &keep);
  CHECK(out.mean_multiplier[0] == doctest::Approx(0.5).epsilon(0.03));
  CHECK(out.roas[0] == doctest::Approx(4.0).epsilon(0.03));
  CHECK(policy->lambda(0) == doctest::Approx(4.0).epsilon(0.25));
  CHECK(out.mean_multiplier[1] == doctest::Approx(0.5).epsilon(0.03));
  CHECK(out.cpa[1] == doctest::Approx(0.25).epsilon(0.03));
  CHECK(policy->value_coefficient(1) == doctest::Approx(0.25).epsilon(0.03));
  // Budget binds, ROAS slack.
  CHECK(out.mean_multiplier[2] == doctest::Approx(1.0 / 3.0).epsilon(0.03));
  CHECK(out.roas[2] > 4.0 * 1.3);
  CHECK(policy->lambda(2) < 0.05);
  CHECK(policy->mu(2) == doctest::Approx(3.0).epsilon(0.1));
  const Json strategy = policy->strategy();
  CHECK(strategy["agents"][0]["constraint"] == "roas");
  CHECK(strategy["agents"][1]["constraint"] == "cpa");
  CHECK(strategy["agents"][0]["lambda"].get<double>() == policy->lambda(0));
}

TEST_CASE("constrained_bidding: surplus maximiser binds at T = 4, is slack at T = 1.5") {
  ConstrainedBidding* policy = nullptr;
  std::unique_ptr<Policy> keep;
  const RoiOutcome out = run_roi(
      Json{{"objective", "surplus"}},
      {FluidAdvertiser{0.0, 0.0, 4.0, 0}, FluidAdvertiser{0.0, 0.0, 1.5, 0}}, &policy, &keep);
  CHECK(out.mean_multiplier[0] == doctest::Approx(0.5).epsilon(0.03));
  CHECK(out.roas[0] == doctest::Approx(4.0).epsilon(0.03));
  CHECK(policy->lambda(0) == doctest::Approx(2.0).epsilon(0.25));
  // Slack: λ → 0 and the multiplier → 1 (truthful), ROAS = 2 > 1.5.
  CHECK(out.mean_multiplier[1] > 0.98);
  CHECK(policy->lambda(1) < 0.05);
  CHECK(out.roas[1] == doctest::Approx(2.0).epsilon(0.03));
}

TEST_CASE(
    "constrained_bidding: the multiplier is the Lagrangian bid (1 + lambda c) / (kappa + lambda + "
    "mu)") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.0, 0.0, 4.0, 0}, FluidAdvertiser{0.0, 0.0, 0.0, 0}};
  config.horizon = 1;
  FluidPacingEnv env(config);
  auto owned =
      test::make_advertiser_policy(env, "constrained_bidding", Json{{"initial_lambda", 2.0}});
  auto& policy = dynamic_cast<ConstrainedBidding&>(*owned);
  RowBatch actions = RowBatch::Zero(2, 1);
  const StepResult& start = env.reset(1);
  policy.act(start.roles[0].observations, start.roles[0].active, actions);
  CHECK(actions(0, 0) == doctest::Approx((1.0 + 2.0 / 4.0) / 2.0));
  // No target: λ = 0, value objective, no budget: the unconstrained value maximiser bids the
  // action's upper bound.
  CHECK(actions(1, 0) == 5.0);
  CHECK(policy.lambda(1) == 0.0);
}

TEST_CASE("constrained_bidding: both targets set, bad parameters and missing labels") {
  FluidPacingConfig config;
  config.advertisers = {FluidAdvertiser{0.0, 0.3, 4.0, 0}};
  FluidPacingEnv env(config);
  auto policy = test::make_advertiser_policy(env, "constrained_bidding", Json::object());
  RowBatch actions = RowBatch::Zero(1, 1);
  const StepResult& start = env.reset(1);
  CHECK_THROWS_WITH_AS(policy->act(start.roles[0].observations, start.roles[0].active, actions),
                       doctest::Contains("agents.advertiser[0]: constrained_bidding: advertiser 0 "
                                         "has both a target_cpa"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(
      test::make_advertiser_policy(env, "constrained_bidding", Json{{"objective", "clicks"}}),
      doctest::Contains("params.objective"), ConfigError);
  CHECK_THROWS_WITH_AS(
      test::make_advertiser_policy(env, "constrained_bidding", Json{{"initial_lambda", 200}}),
      doctest::Contains("params.initial_lambda"), ConfigError);
  CHECK_THROWS_WITH_AS(
      test::make_advertiser_policy(env, "constrained_bidding", Json{{"constraint_step", -0.1}}),
      doctest::Contains("params.constraint_step"), ConfigError);
}

}  // namespace
}  // namespace agora
