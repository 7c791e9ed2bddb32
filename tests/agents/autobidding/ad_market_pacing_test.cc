// Integration: the autobidding agents in helper A's ad_market env (envs/ad_market/ad_market.h).
#include <doctest/doctest.h>

#include <algorithm>

#include "agents/autobidding/autobidding_driver.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

// A stationary market (no fatigue or churn): 2000 users with 20 sessions a day, 6 advertisers
// with value 1 per click and budgets U[40, 400] a day, 3-hour steps, GSP. Bidding truthfully
// (multiplier 1) the advertisers would spend ≈ 70–1100 a day, so most budgets bind.
std::unique_ptr<Env> make_market(std::int64_t days) {
  const Json params = {
      {"period_hours", 3},
      {"users", {{"count", 2000}, {"sessions_per_day", 20.0}, {"fatigue_strength", 0.0}}},
      {"advertisers",
       {{"count", 6},
        {"value_per_click", 1.0},
        {"budget", {{"distribution", "uniform"}, {"low", 40.0}, {"high", 400.0}}}}},
      {"platform", {{"candidates", 4}}}};
  EnvContext ctx;
  ctx.horizon = days * 8;
  ctx.mechanism = make_mechanism("gsp", Json::object(), "mechanism");
  return make_env("ad_market", params, ctx);
}

struct DaySpend {
  std::vector<std::vector<double>> day, first_half;  // [day][advertiser]
  std::vector<double> budget, final_multiplier;
  std::vector<double> late_multiplier;  // mean over days 11–20
};

DaySpend play(const std::string& type, const Json& params, std::int64_t days) {
  auto env = make_market(days);
  auto policy = test::make_advertiser_policy(*env, type, params);
  const Space& space = env->roles()[0].observation_space;
  const int spend = space.index_of("spend"), budget = space.index_of("budget");
  const int n = env->roles()[0].pool_size;
  DaySpend out;
  out.budget.assign(n, 0.0);
  out.final_multiplier.assign(n, 0.0);
  out.late_multiplier.assign(n, 0.0);
  std::vector<double> day(n, 0.0), half(n, 0.0);
  test::play_episode(
      *env, *policy, 3,
      [&](std::int64_t step, const RowBatch& before, const RowBatch& actions, const StepResult& r) {
        for (int i = 0; i < n; ++i) {
          day[i] += r.roles[0].observations(i, spend);
          out.budget[i] = before(i, budget);
          out.final_multiplier[i] = actions(i, 0);
          if (step > 80) out.late_multiplier[i] += actions(i, 0) / (8.0 * days - 80.0);
        }
        if (step % 8 == 4) half = day;
        if (step % 8 == 0) {
          out.day.push_back(day);
          out.first_half.push_back(half);
          std::fill(day.begin(), day.end(), 0.0);
        }
      });
  return out;
}

// Over days 11–20, pacing advertisers whose budget binds (multiplier < 0.9) spend it all (the
// env never lets a day's spend exceed the budget by more than the last click's price, a bid
// ≤ multiplier × value ≤ 1) and spread it over the day — about half by noon with uniform
// traffic — whereas truthful bidders with the same budgets exhaust them early in the day.
// All advertisers pace at once, so prices fall as they do and the multipliers settle jointly
// (the pacing equilibrium of Balseiro & Gur, where every binding budget is spent exactly); with
// multipliers near 0.2 (μ ≈ 4) a step of μ moves m by only m² Δμ, so dual_pacing uses ε = 0.3
// and 20 days (160 steps) to get there. dual_pacing and pid_pacing are different dynamics with
// the same rest point, so their late multipliers agree (2% apart in this run; tolerance 10%,
// the step-to-step noise of m, before averaging over 80 steps).
TEST_CASE("autobidding in ad_market: pacing spends binding budgets evenly, no overspend") {
  const std::int64_t days = 20;
  const DaySpend truthful = play("fixed_multiplier", Json::object(), days);
  const DaySpend dual = play("dual_pacing", Json{{"step_size", 0.3}}, days);
  const DaySpend pid = play("pid_pacing", Json::object(), days);
  for (const DaySpend* paced : {&dual, &pid}) {
    CAPTURE(paced == &dual ? "dual_pacing" : "pid_pacing");
    int binding = 0, truthful_early = 0;
    for (std::size_t i = 0; i < paced->budget.size(); ++i) {
      CAPTURE(i);
      const double budget = paced->budget[i];
      REQUIRE(budget > 0.0);
      for (std::int64_t d = 0; d < days; ++d) CHECK(paced->day[d][i] <= budget + 1.0);
      if (paced->final_multiplier[i] >= 0.9) continue;
      ++binding;
      double ratio = 0.0, half = 0.0, truthful_half = 0.0;
      for (std::int64_t d = 10; d < days; ++d) {
        ratio += paced->day[d][i] / budget / 10.0;
        half += paced->first_half[d][i] / budget / 10.0;
        truthful_half += truthful.first_half[d][i] / budget / 10.0;
      }
      CHECK(ratio > 0.95);
      CHECK(half > 0.35);
      CHECK(half < 0.65);
      truthful_early += truthful_half > 0.9;
      CHECK(pid.late_multiplier[i] == doctest::Approx(dual.late_multiplier[i]).epsilon(0.1));
    }
    CHECK(binding >= 3);
    CHECK(truthful_early >= 3);
  }
}

}  // namespace
}  // namespace agora
