// The ad_market env: conformance, a hand-checked marketplace, budgets, fatigue, churn.
#include "envs/ad_market/ad_market.h"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "core/error.h"
#include "tests/envs/ad_market/ad_market_testing.h"
#include "tests/envs/conformance.h"

namespace agora::testing {
namespace {

Json churning_market() {
  Json p = small_market(150, 4);
  p["period_hours"] = 6;
  p["advertisers"]["max_entrants"] = 4;
  p["advertisers"]["entry_rate"] = 2.0;
  p["advertisers"]["churn_patience"] = 1;
  p["advertisers"]["unspent_fraction"] = 0.5;
  p["users"]["churn_base"] = 0.05;
  p["users"]["churn_ad_load"] = 0.1;
  p["users"]["return_rate"] = 0.5;
  p["platform"]["pacing"] = "throttling";
  p["platform"]["click_model"] = "noisy";
  return p;
}

Json learned_market() {
  Json p = small_market(120, 6);
  p["period_hours"] = 8;
  p["diurnal_amplitude"] = 0.5;
  p["users"]["interest_drift"] = 0.3;
  p["users"]["fatigue_strength"] = 0.5;
  p["advertisers"]["objective"] = {"clicks", "conversions", "value",
                                   "clicks", "conversions", "value"};
  p["advertisers"]["target_cpa"] = {nullptr, 20.0, nullptr, nullptr, nullptr, 30.0};
  p["advertisers"]["target_roas"] = {2.0, nullptr, nullptr, nullptr, 1.5, nullptr};
  p["advertisers"]["targeting_threshold"] = 0.3;
  p["platform"]["click_model"] = "learned";
  p["platform"]["pacing"] = "bid_modification";
  p["platform"]["frequency_cap"] = 2;
  p["platform"]["ad_load"] = 0.5;
  p["platform"]["fatigue_penalty"] = 0.5;
  return p;
}

TEST_CASE("ad_market passes the conformance harness") {
  check_env_conformance([] { return make_ad_market(churning_market(), 10); });
  check_env_conformance([] {
    return make_ad_market(learned_market(), 9, "vcg", Json{{"additive_weight", 0.01}});
  });
  check_env_conformance([] { return make_ad_market(small_market(50, 3), 1, "first_price"); });
}

// One user with interest vector (1) (topics = 1: every relevance is 1), no fatigue, one page
// per session and one session per hour (24 pacing intervals of one hour, "fixed" arrivals),
// two positions with effect 1 and creatives of quality 1: every ad shown is clicked.
// Advertisers (clicks objective, multiplier 1): A bids 3 with a budget of 4, B bids 2, C bids 1
// (budgets 100). Per day, by hand, with budget_guard "positive" (A takes part while it has
// budget left):
//   GSP: pages 1-2: A in position 1 pays B's bid 2, B pays C's bid 1; A has 0 left after page
//        2. Pages 3-24: B pays 1, C pays 0 (reserve 0, nobody below). Revenue 2 x 3 + 22 = 28;
//        spend A 4, B 24, C 0; surplus A 6 - 4 = 2, B 48 - 24 = 24, C 22.
//   VCG: with equal position effects a winner pays the value of the bidder it keeps out: pages
//        1-4: A and B each pay C's bid 1 (A's budget lasts 4 pages); pages 5-24: B and C pay 0.
//        Revenue 8; surplus A 12 - 4 = 8, B 48 - 4 = 44, C 20.
//   First price: pages 1-2: A pays 3, B 2 (A ends at 4 - 6 = -2: over budget by less than its
//        last price 3); pages 3-24: B 2, C 1. Revenue 2 x 5 + 22 x 3 = 76; surplus 0 for all.
// With budget_guard "bid" (A takes part only while its remaining budget covers its bid 3):
//   GSP: A only on page 1 (2 left < 3): revenue 3 + 23 = 26; surplus A 1, B 24, C 23.
//   VCG: A on pages 1-2 (paying 1 each; 2 left < 3), B pays 1 there: revenue 4; surplus A 4,
//        B 46, C 22.
//   First price: A only on page 1 (1 left): revenue 5 + 23 x 3 = 74; surplus 0 for all.
Json hand_market() {
  return Json{
      {"topics", 1},
      {"users",
       {{"count", 1},
        {"sessions_per_day", 24.0},
        {"session_arrivals", "fixed"},
        {"continue_prob", 0.0},
        {"fatigue_strength", 0.0}}},
      {"advertisers",
       {{"count", 3},
        {"budget", {4.0, 100.0, 100.0}},
        {"value_per_click", {3.0, 2.0, 1.0}},
        {"quality", 1.0},
        {"conversion_rate", 0.0}}},
      {"platform",
       {{"position_ctr", {1.0, 1.0}}, {"candidates", 3}, {"pacing_intervals_per_hour", 1}}}};
}

TEST_CASE("ad_market hand-checked marketplace under gsp, vcg and first price") {
  struct Case {
    std::string guard;
    std::string mechanism;
    double revenue;
    std::vector<double> surplus;
    std::vector<double> spend;
  };
  const std::vector<Case> cases = {
      {"positive", "gsp", 28.0, {2.0, 24.0, 22.0}, {4.0, 24.0, 0.0}},
      {"positive", "vcg", 8.0, {8.0, 44.0, 20.0}, {4.0, 4.0, 0.0}},
      {"positive", "first_price", 76.0, {0.0, 0.0, 0.0}, {6.0, 48.0, 22.0}},
      {"bid", "gsp", 26.0, {1.0, 24.0, 23.0}, {2.0, 24.0, 0.0}},
      {"bid", "vcg", 4.0, {4.0, 46.0, 22.0}, {2.0, 2.0, 0.0}},
      {"bid", "first_price", 74.0, {0.0, 0.0, 0.0}, {3.0, 48.0, 23.0}}};
  for (const auto& c : cases) {
    CAPTURE(c.guard);
    CAPTURE(c.mechanism);
    Json p = hand_market();
    p["platform"]["budget_guard"] = c.guard;
    auto env = make_ad_market(p, 3, c.mechanism);
    env->reset(1);
    for (int day = 0; day < 3; ++day) {
      const StepResult& r = step_constant(*env, 1.0);
      CHECK(r.metrics(ad_metric(*env, "revenue")) == doctest::Approx(c.revenue));
      CHECK(r.metrics(ad_metric(*env, "clicks")) == 48.0);
      CHECK(r.metrics(ad_metric(*env, "impressions")) == 48.0);
      CHECK(r.metrics(ad_metric(*env, "page_views")) == 24.0);
      CHECK(r.metrics(ad_metric(*env, "ad_load")) == 1.0);
      CHECK(r.metrics(ad_metric(*env, "ctr")) == 1.0);
      CHECK(r.metrics(ad_metric(*env, "calibration_error")) == doctest::Approx(0.0));
      for (int i = 0; i < 3; ++i) {
        CAPTURE(i);
        CHECK(r.roles[0].rewards(i) == doctest::Approx(c.surplus[i]));
        CHECK(r.roles[0].observations(i, ad_obs(*env, "spend")) == doctest::Approx(c.spend[i]));
        // Day-long steps: the next step starts a new day with the whole budget.
        CHECK(r.roles[0].observations(i, ad_obs(*env, "budget_remaining")) ==
              r.roles[0].observations(i, ad_obs(*env, "budget")));
        CHECK(r.roles[0].observations(i, ad_obs(*env, "expected_spend_share")) == 1.0);
      }
    }
  }
}

// A's budget 0.5 is below its bid 3. With budget_guard "bid" it never takes part; with
// "positive" it wins page 1 (paying B's bid 2, over budget by 1.5 < that price) and then has
// nothing left for the rest of the day. B leads the other pages and pays C's bid 1.
TEST_CASE("ad_market: an advertiser without budget left never wins") {
  for (const std::string guard : {"bid", "positive"}) {
    CAPTURE(guard);
    Json p = hand_market();
    p["advertisers"]["budget"] = {0.5, 100.0, 100.0};
    p["platform"]["budget_guard"] = guard;
    auto env = make_ad_market(p, 5);
    env->reset(3);
    const bool once = guard == "positive";
    for (int day = 0; day < 5; ++day) {
      const StepResult& r = step_constant(*env, 1.0);
      CHECK(r.roles[0].observations(0, ad_obs(*env, "impressions")) == (once ? 1.0 : 0.0));
      CHECK(r.roles[0].observations(0, ad_obs(*env, "spend")) == (once ? 2.0 : 0.0));
      CHECK(r.roles[0].observations(1, ad_obs(*env, "impressions")) == 24.0);
      CHECK(r.metrics(ad_metric(*env, "revenue")) ==
            doctest::Approx(once ? 2.0 + 1.0 + 23.0 : 24.0));
    }
  }
}

// Values per click are 1, so a bid is the multiplier and no click costs more than it.
TEST_CASE("ad_market never overspends a daily budget by more than one click's price") {
  Json p = small_market(400, 8);
  p["period_hours"] = 3;
  p["users"]["sessions_per_day"] = 20.0;
  p["advertisers"]["value_per_click"] = 1.0;
  p["advertisers"]["budget"] = Json{{"distribution", "uniform"}, {"low", 0.5}, {"high", 3.0}};
  for (const std::string guard : {"positive", "bid"}) {
    for (const std::string mechanism : {"first_price", "gsp"}) {
      CAPTURE(guard);
      CAPTURE(mechanism);
      p["platform"]["budget_guard"] = guard;
      auto env = make_ad_market(p, 16, mechanism);
      const StepResult* r = &env->reset(11);
      Rng rng(5);
      std::vector<double> day_spend(8, 0.0);
      std::vector<double> max_bid(8, 0.0);
      int exhausted = 0;
      for (int t = 0; t < 16; ++t) {
        std::vector<RowBatch> actions = {RowBatch(8, 1)};
        for (int i = 0; i < 8; ++i) {
          actions[0](i, 0) = env->roles()[0].action_space.sample(rng)(0);
          max_bid[i] = std::max(max_bid[i], actions[0](i, 0));
        }
        r = &env->step(actions);
        for (int i = 0; i < 8; ++i) {
          day_spend[i] += r->roles[0].observations(i, ad_obs(*env, "spend"));
          const double budget = r->roles[0].observations(i, ad_obs(*env, "budget"));
          CHECK(day_spend[i] <= budget + (guard == "bid" ? 0.0 : max_bid[i]));
          if ((t + 1) % 8 == 0) {
            // The guard bound: nothing left ("positive"), or less left than a bid ("bid").
            exhausted += guard == "bid" ? day_spend[i] > 0.0 && budget - day_spend[i] < max_bid[i]
                                        : day_spend[i] >= budget;
            day_spend[i] = 0.0;
            max_bid[i] = 0.0;
          }
        }
      }
      CHECK(exhausted > 0);  // the guard binds, so the check above is not vacuous
    }
  }
}

TEST_CASE("ad_market fatigue: the exposure stock lowers the response and decays") {
  UserConfig config;
  config.count = 2;
  config.fatigue_strength = 0.5;
  config.fatigue_half_life_hours = 10.0;
  UserPopulation users(config, 3);
  Rng rng(1);
  users.reset(rng);
  users.begin_session(0, 0.0, rng);
  CHECK(users.fatigue_factor(0) == 1.0);
  users.expose(0, 4);  // F = 4: 1 / (1 + 0.5 x 4)
  CHECK(users.fatigue_factor(0) == doctest::Approx(1.0 / 3.0));
  users.begin_session(0, 10.0, rng);  // one half-life: F = 2
  CHECK(users.fatigue_factor(0) == doctest::Approx(0.5));
  users.begin_session(0, 30.0, rng);  // two more: F = 0.5
  CHECK(users.fatigue_factor(0) == doctest::Approx(1.0 / 1.25));
  CHECK(users.fatigue_factor(1) == 1.0);
}

// One ad position, quality 0.4, relevance 1: without fatigue the CTR is 0.4; with fatigue the
// click probability of an impression is 0.4 / (1 + κF), so the CTR falls as users see more ads
// (more sessions per day, slower recovery).
TEST_CASE("ad_market fatigue lowers click rates as exposure rises") {
  const auto ctr = [](double kappa, double sessions) {
    Json p = hand_market();
    p["users"] = {{"count", 300},
                  {"sessions_per_day", sessions},
                  {"continue_prob", 0.8},
                  {"fatigue_strength", kappa},
                  {"fatigue_half_life_hours", 48.0}};
    p["advertisers"]["budget"] = nullptr;
    p["advertisers"]["quality"] = 0.4;
    p["platform"]["position_ctr"] = {1.0};
    auto env = make_ad_market(p, 4);
    env->reset(2);
    double clicks = 0.0, impressions = 0.0;
    for (int t = 0; t < 4; ++t) {
      const StepResult& r = step_constant(*env, 1.0);
      clicks += r.metrics(ad_metric(*env, "clicks"));
      impressions += r.metrics(ad_metric(*env, "impressions"));
    }
    return clicks / impressions;
  };
  const double none = ctr(0.0, 2.0);
  CHECK(none == doctest::Approx(0.4).epsilon(0.05));
  const double low = ctr(0.3, 0.5);
  const double mid = ctr(0.3, 2.0);
  const double high = ctr(0.3, 8.0);
  CHECK(low < none);
  CHECK(mid < low);
  CHECK(high < mid);
}

TEST_CASE("ad_market: churned advertisers never come back; entrants take fresh slots") {
  Json p = hand_market();
  p["users"]["count"] = 50;
  p["users"]["sessions_per_day"] = 2.0;
  p["advertisers"] = {{"count", 3},
                      {"max_entrants", 3},
                      {"entry_rate", 3.0},
                      {"budget", nullptr},
                      {"value_per_click", 1.0},
                      {"quality", 1.0},
                      {"conversion_rate", 0.0},
                      {"target_roas", 100.0},
                      {"unspent_fraction", 1.0},
                      {"churn_patience", 2}};
  // Reserve 0.5: every click costs at least 0.5, so ROAS <= 2 < 100 on every day with spend:
  // every such day is bad, and an advertiser leaves after its second bad day in a row.
  auto env = make_ad_market(p, 40, "gsp", Json{{"reserve", 0.5}});
  const StepResult* r = &env->reset(4);
  BoolArray ever = r->roles[0].active;
  std::vector<int> bad_days(6, 0);
  int exits = 0;
  int entries = 0;
  while (!r->episode_over) {
    const BoolArray before = r->roles[0].active;
    r = &step_constant(*env, 1.0);
    for (int i = 0; i < 6; ++i) {
      if (before(i)) {
        const bool spent = r->roles[0].observations(i, ad_obs(*env, "spend")) > 0.0;
        bad_days[i] = spent ? bad_days[i] + 1 : 0;
        CHECK(r->roles[0].terminated(i) == (bad_days[i] >= 2));
      } else {
        CHECK(r->roles[0].rewards(i) == 0.0);
        CHECK_FALSE(r->roles[0].terminated(i));
      }
      if (r->roles[0].terminated(i)) {
        CHECK_FALSE(r->roles[0].active(i));
        ++exits;
      }
      if (r->roles[0].active(i) && !before(i)) {
        CHECK_FALSE(ever(i));  // a fresh slot, never a revival
        ++entries;
      }
    }
    ever = ever || r->roles[0].active;
  }
  CHECK(entries >= 1);
  CHECK(exits == 3 + entries);  // everybody who ever came left
  CHECK(env->steps_taken() < 40);
  CHECK(r->metrics(ad_metric(*env, "active_advertisers")) == 0.0);
}

TEST_CASE("ad_market user churn and return follow the hazard") {
  Json p = small_market(2000, 3);
  p["users"]["churn_base"] = 0.1;
  p["users"]["sessions_per_day"] = 1.0;
  p["users"]["session_arrivals"] = "fixed";
  auto env = make_ad_market(p, 1);
  env->reset(8);
  const StepResult& r = step_constant(*env, 1.0);
  // 2000 sessions with hazard 0.1 each (no ad-load term): about 200 churns.
  const double churns = r.metrics(ad_metric(*env, "user_churns"));
  const double sessions = r.metrics(ad_metric(*env, "sessions"));
  CHECK(sessions <= 2000.0);  // expected sessions are recomputed as users leave
  CHECK(std::abs(churns - 0.1 * sessions) < 4.0 * std::sqrt(sessions * 0.1 * 0.9));
  CHECK(r.metrics(ad_metric(*env, "active_users")) == 2000.0 - churns);
}

// Noisy predictions are unbiased for every ad (E[q̂ | q] = q), but the auction selects the ads
// whose noise came out high, so among the ads shown the prediction is biased upwards (the
// winner's curse). With a single candidate per auction there is no selection.
TEST_CASE("ad_market click models: noisy is calibrated before selection, learned learns") {
  // Returns the relative calibration error (predicted - realized clicks) / realized clicks
  // over the last `last` days, and the last day's prediction error.
  const auto run = [](const std::string& model, int candidates, int days, int last) {
    Json p = small_market(2000, 6);
    p["platform"]["click_model"] = model;
    p["platform"]["noise_sigma"] = 0.5;
    p["platform"]["candidates"] = candidates;
    p["advertisers"]["budget"] = nullptr;
    auto env = make_ad_market(p, days);
    env->reset(9);
    double excess = 0.0, clicks = 0.0, error = 0.0;
    for (int t = 0; t < days; ++t) {
      const Eigen::ArrayXd& m = step_constant(*env, 1.0).metrics;
      if (t < days - last) continue;
      const double impressions = m(ad_metric(*env, "impressions"));
      excess += m(ad_metric(*env, "calibration_error")) * impressions;
      clicks += m(ad_metric(*env, "clicks"));
      error = m(ad_metric(*env, "prediction_error"));
    }
    return std::pair<double, double>(excess / clicks, error);
  };
  const auto truth = run("truth", 6, 2, 2);
  CHECK(truth.second == 0.0);
  // About 2,500 clicks: the relative standard error of their count is about 2%.
  const auto single = run("noisy", 1, 5, 5);
  CHECK(std::abs(single.first) < 0.08);
  CHECK(single.second > 0.0);
  const auto selected = run("noisy", 6, 5, 5);
  CHECK(selected.first > 0.15);
  const auto learned_early = run("learned", 6, 1, 1);
  const auto learned = run("learned", 6, 12, 4);
  CHECK(std::abs(learned.first) < 0.08);
  CHECK(learned.second < learned_early.second);
}

TEST_CASE("ad_market rejects bad configs naming the path") {
  const auto error_path = [](const Json& params, const std::string& mechanism = "gsp",
                             const Json& mechanism_params = Json::object()) {
    try {
      make_ad_market(params, 3, mechanism, mechanism_params);
    } catch (const ConfigError& e) {
      return e.path();
    }
    return std::string("no error");
  };
  Json p = small_market();
  p["advertisers"]["budget"] = 0.0;
  CHECK(error_path(p) == "env.params.advertisers.budget");
  p = small_market();
  p["advertisers"]["budget"] = {10.0, 10.0, -1.0, 10.0, 10.0};
  CHECK(error_path(p) == "env.params.advertisers.budget[2].value");
  p = small_market();
  p["advertisers"]["count"] = 0;
  CHECK(error_path(p) == "env.params.advertisers.count");
  p = small_market();
  p["advertisers"]["quality"] = Json{{"distribution", "uniform"}, {"low", 0.5}, {"high", 1.5}};
  CHECK(error_path(p) == "env.params.advertisers.quality");
  p = small_market();
  p["advertisers"]["conversion_rate"] = 2.0;
  CHECK(error_path(p) == "env.params.advertisers.conversion_rate");
  p = small_market();
  p["advertisers"]["objective"] = {"clicks", "conversions", "clicks", "clicks", "clicks"};
  p["advertisers"]["target_cpa"] = {20.0, nullptr, nullptr, nullptr, nullptr};
  CHECK(error_path(p) == "env.params.advertisers.target_cpa[0]");
  p = small_market();
  p["advertisers"]["objective"] = "conversions";
  p["advertisers"]["conversion_rate"] = 0.0;
  p["advertisers"]["target_cpa"] = 10.0;
  CHECK(error_path(p) == "env.params.advertisers.target_cpa");
  p = small_market();
  p["advertisers"]["target_roas"] = -1.0;
  CHECK(error_path(p) == "env.params.advertisers.target_roas");
  p = small_market();
  p["advertisers"]["value_per_click"] = {1.0, 2.0};
  CHECK(error_path(p) == "env.params.advertisers.value_per_click");
  p = small_market();
  p["platform"]["position_ctr"] = {0.5, 0.8};
  CHECK(error_path(p) == "env.params.platform.position_ctr[1]");
  p = small_market();
  p["period_hours"] = 5;
  CHECK(error_path(p) == "env.params.period_hours");
  p = small_market();
  p["platform"]["pacnig"] = "none";
  CHECK(error_path(p) == "env.params.platform.pacnig");
  CHECK(error_path(small_market(), "all_pay") == "mechanism.name");
  CHECK(error_path(small_market(), "gsp", Json{{"pricing", "per_impression"}}) ==
        "mechanism.params.pricing");
}

// Budgets (5 a day) far below the value-bidding spend: without pacing they run out early in
// the day; the platform's pacing spreads them over the day's traffic. With uniform traffic a
// perfectly paced budget spends a quarter of itself in the last quarter of the day (the last
// two 3-hour steps), and spends nearly all of it.
TEST_CASE("ad_market platform pacing spreads binding budgets over the day") {
  const auto late_share = [](const std::string& pacing) {
    Json p = small_market(2000, 8);
    p["period_hours"] = 3;
    p["advertisers"]["budget"] = 5.0;
    p["advertisers"]["value_per_click"] = 2.0;
    p["platform"]["pacing"] = pacing;
    auto env = make_ad_market(p, 48);
    env->reset(6);
    double late = 0.0, total = 0.0, budgets = 0.0;
    for (int t = 0; t < 48; ++t) {
      const StepResult& r = step_constant(*env, 1.0);
      if (t < 16) continue;  // days 3-6: the pacing state has settled
      const double spend = r.metrics(ad_metric(*env, "revenue"));
      total += spend;
      if (t % 8 >= 6) late += spend;
      if (t % 8 == 0) budgets += 8 * 5.0;
    }
    return std::pair<double, double>(late / total, total / budgets);
  };
  const auto none = late_share("none");
  CHECK(none.first < 0.02);
  CHECK(none.second > 0.99);  // the whole budget, early in the day
  for (const std::string pacing : {"bid_modification", "throttling"}) {
    CAPTURE(pacing);
    const auto paced = late_share(pacing);
    CHECK(paced.first > 0.15);
    CHECK(paced.first < 0.35);
    CHECK(paced.second > 0.8);
  }
}

TEST_CASE("ad_market platform agent: conformance, controls and reward") {
  Json p = churning_market();
  p["platform_agent"] = {{"controls", {"reserve", "ad_load"}},
                         {"objective", {{"revenue", 1.0}, {"user_retention", 10.0}}}};
  check_env_conformance([p] { return make_ad_market(p, 10); });

  // The hand-checked market (GSP, budget_guard "positive") with the platform's terms.
  //   reserve 1.5, ad load 1: C (bid 1) is ineligible. Pages 1-2: A pays B's 2, B pays the
  //   reserve 1.5; pages 3-24: B alone pays 1.5. Revenue 2 x 3.5 + 22 x 1.5 = 40, 4 + 22 = 26
  //   clicks; reward 40 + 0.5 x 26 = 53.
  //   reserve 0, ad load 0.5 (one ad per page): pages 1-2: A pays B's 2; pages 3-24: B pays
  //   C's 1. Revenue 4 + 22 = 26, 24 clicks.
  Json hand = hand_market();
  hand["platform_agent"] = {{"controls", {"reserve", "ad_load"}},
                            {"objective", {{"revenue", 1.0}, {"clicks", 0.5}}}};
  auto env = make_ad_market(hand, 2);
  REQUIRE(env->roles().size() == 2);
  CHECK(env->roles()[1].action_space.labels() == std::vector<std::string>{"reserve", "ad_load"});
  env->reset(1);
  const auto play = [&](double reserve, double ad_load) -> const StepResult& {
    std::vector<RowBatch> actions = {RowBatch::Constant(3, 1, 1.0), RowBatch(1, 2)};
    actions[1] << reserve, ad_load;
    return env->step(actions);
  };
  const StepResult& first = play(1.5, 1.0);
  CHECK(first.metrics(ad_metric(*env, "revenue")) == doctest::Approx(40.0));
  CHECK(first.metrics(ad_metric(*env, "clicks")) == 26.0);
  CHECK(first.metrics(ad_metric(*env, "platform_reserve")) == 1.5);
  CHECK(first.roles[1].rewards(0) == doctest::Approx(53.0));
  CHECK(first.roles[1].observations(0, 0) == doctest::Approx(40.0));
  const StepResult& second = play(0.0, 0.5);
  CHECK(second.metrics(ad_metric(*env, "revenue")) == doctest::Approx(26.0));
  CHECK(second.metrics(ad_metric(*env, "clicks")) == 24.0);
  CHECK(second.metrics(ad_metric(*env, "ad_load")) == 0.5);
  CHECK(second.metrics(ad_metric(*env, "platform_ad_load")) == 0.5);

  Json bad = small_market();
  bad["platform_agent"] = {{"objective", {{"revnue", 1.0}}}};
  try {
    make_ad_market(bad, 3);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "env.params.platform_agent.objective.revnue");
  }
}

TEST_CASE("ad_market users: interest drift keeps unit non-negative vectors; none without drift") {
  UserConfig config;
  config.count = 50;
  config.interest_drift = 0.5;
  UserPopulation drifting(config, 6);
  config.interest_drift = 0.0;
  UserPopulation fixed(config, 6);
  Rng a(3), b(3);
  drifting.reset(a);
  fixed.reset(b);
  int moved = 0;
  for (int u = 0; u < 50; ++u) {
    const std::vector<float> before(drifting.interests(u), drifting.interests(u) + 6);
    const std::vector<float> still(fixed.interests(u), fixed.interests(u) + 6);
    drifting.begin_session(u, 48.0, a);
    fixed.begin_session(u, 48.0, b);
    double norm = 0.0;
    for (int k = 0; k < 6; ++k) {
      CHECK(drifting.interests(u)[k] >= 0.0f);
      norm += static_cast<double>(drifting.interests(u)[k]) * drifting.interests(u)[k];
      moved += drifting.interests(u)[k] != before[static_cast<std::size_t>(k)];
      CHECK(fixed.interests(u)[k] == still[static_cast<std::size_t>(k)]);
    }
    CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
  }
  CHECK(moved > 100);
}

// Traffic intensity 1 + a cos(2π(h - 20)/24): the day's shares add up to 1, the evening peak
// carries more than the night, and the observation announces the next period's share.
TEST_CASE("ad_market diurnal traffic shares") {
  Json p = small_market(100, 2);
  p["period_hours"] = 6;
  p["diurnal_amplitude"] = 0.8;
  auto env = make_ad_market(p, 4);
  const auto& market = dynamic_cast<const AdMarketEnv&>(*env);
  double total = 0.0;
  for (int h = 0; h < 24; h += 6) total += market.traffic_share(h, h + 6);
  CHECK(total == doctest::Approx(1.0));
  CHECK(market.traffic_share(18, 24) > market.traffic_share(0, 6));
  // ∫_18^24 (1 + a cos(2π(h-20)/24)) dh / 24 = (6 + a 24/(2π) (sin(π/3) + sin(π/6))) / 24.
  const double a = 0.8;
  CHECK(market.traffic_share(18, 24) ==
        doctest::Approx(
            (6.0 + a * 24.0 / (2.0 * std::numbers::pi) * (std::sin(std::numbers::pi / 3.0) + 0.5)) /
            24.0));
  env->reset(2);
  for (int t = 0; t < 4; ++t) {
    const StepResult& r = step_constant(*env, 1.0);
    const int next = ((t + 1) % 4) * 6;
    CHECK(r.roles[0].observations(0, ad_obs(*env, "expected_spend_share")) ==
          doctest::Approx(market.traffic_share(next, next + 6)));
    CHECK(r.roles[0].observations(0, ad_obs(*env, "day_fraction_left")) ==
          doctest::Approx((24.0 - next) / 24.0));
  }
}

}  // namespace
}  // namespace agora::testing
