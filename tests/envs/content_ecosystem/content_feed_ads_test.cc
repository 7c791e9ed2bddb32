// The `content_ecosystem` env with ads in the feed (envs/content_ecosystem/feed_ads.h): the
// conformance harness with the advertiser role (budgets, pacing, advertiser entry and churn),
// a hand-checked feed (one organic item and one ad per feed under first price), a higher ad
// load trading revenue against engagement and retention, and the config errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "core/error.h"
#include "envs/content_ecosystem/content_ecosystem.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"
#include "tests/envs/conformance.h"
#include "tests/envs/content_ecosystem/content_testing.h"

namespace agora::testing {
namespace {

std::unique_ptr<Env> make_feed(const Json& params, std::int64_t horizon = 20,
                               const std::string& mechanism = "gsp") {
  EnvContext context;
  context.horizon = horizon;
  if (!mechanism.empty())
    context.mechanism = make_mechanism(mechanism, Json::object(), "mechanism");
  return make_env("content_ecosystem", params, context);
}

const ContentEcosystemEnv& as_content(const Env& env) {
  return dynamic_cast<const ContentEcosystemEnv&>(env);
}

Json feed_params() {
  return {{"n_users", 300},
          {"n_creators", 8},
          {"initial_creators", 6},
          {"dim", 4},
          {"n_topics", 4},
          {"slate_size", 5},
          {"arrival_rate", 0.3},
          {"patience", 2},
          {"outside_option", 0.02},
          {"cost_range", {0.0, 0.1}},
          {"churn_threshold", 0.0},
          {"churn_probability", 0.2},
          {"return_probability", 0.2},
          {"oracle_users", 50},
          {"ads",
           {{"ad_load", 0.4},
            {"advertisers",
             {{"count", 4},
              {"max_entrants", 2},
              {"entry_rate", 0.5},
              {"budget", {{"distribution", "uniform"}, {"low", 2.0}, {"high", 6.0}}},
              {"churn_patience", 2}}},
            {"platform", {{"candidates", 3}, {"pacing", "bid_modification"}}}}}};
}

// Every creator keeps its direction; every advertiser plays `multiplier`.
const StepResult& step_feed(Env& env, double multiplier) {
  const RoleSpec& creators = env.roles()[0];
  const RoleSpec& advertisers = env.roles()[1];
  return env.step({RowBatch::Zero(creators.pool_size, creators.action_space.dim()),
                   RowBatch::Constant(advertisers.pool_size, 1, multiplier)});
}

TEST_CASE("content_feed_ads: conformance with the advertiser role, pacing, entry and churn") {
  check_env_conformance([] { return make_feed(feed_params()); });
  Json p = feed_params();
  p["ads"]["positions"] = "top";
  p["ads"]["platform"] = {{"candidates", 3}, {"pacing", "throttling"}, {"click_model", "learned"}};
  check_env_conformance([p] { return make_feed(p, 20, "first_price"); });
}

TEST_CASE("content_feed_ads: the advertiser role and the ad metrics") {
  auto env = make_feed(feed_params());
  REQUIRE(env->roles().size() == 2);
  const RoleSpec& role = env->roles()[1];
  CHECK(role.name == "advertiser");
  CHECK(role.pool_size == 6);
  for (const char* label :
       {"budget", "spend", "budget_remaining", "day_fraction_left", "value_obtained", "clicks",
        "conversions", "impressions", "target_cpa", "target_roas", "expected_spend_share"}) {
    CHECK(role.observation_space.index_of(label) >= 0);
  }
  CHECK(role.action_space.index_of("multiplier") == 0);
  env->reset(3);
  const StepResult& r = step_feed(*env, 1.0);
  const auto& content = as_content(*env);
  const double impressions = r.metrics(content.metric("ad_impressions"));
  CHECK(impressions > 0.0);
  double observed = 0.0, spend = 0.0;
  for (int i = 0; i < role.pool_size; ++i) {
    observed += r.roles[1].observations(i, role.observation_space.index_of("impressions"));
    spend += r.roles[1].observations(i, role.observation_space.index_of("spend"));
  }
  CHECK(observed == impressions);
  CHECK(spend == doctest::Approx(r.metrics(content.metric("revenue"))));
  CHECK(r.metrics(content.metric("ad_load")) > 0.0);
  CHECK(r.metrics(content.metric("ad_load")) <= 0.4 + 1e-12);
  // The 4 initial advertisers plus this period's entrants, as the role's active flags say.
  const double active = static_cast<double>(r.roles[1].active.count());
  CHECK(active >= 4.0);
  CHECK(r.metrics(content.metric("active_advertisers")) == active);
}

// One creator, K = 1, one ad per feed (ad_load 1) at feed position 0 (effect 1), one
// advertiser without budget bidding its value per click 1.5 under first price (price = bid),
// quality 0.3 and relevance 1 (uniform targeting and interests), no fatigue. With affinity 2,
// v_0 = 0 and ad_aversion 0.5 a user consumes with probability e^v / (e^{0.5} + e^v), v = +-2;
// every session's value loses ad_annoyance = 0.2 (diversity 1 in the first period), so after
// one period satisfaction is m (value - 0.2) with m = 0.5: 0.9 when an aligned user consumed,
// -0.1 when nobody consumed. Clicks ~ Binomial(N, 0.3); revenue = 1.5 clicks.
TEST_CASE("content_feed_ads: a hand-checked feed under first price") {
  const int n = 4000;
  Json p = one_creator_market(n);
  p["ads"] = {{"ad_load", 1.0},
              {"interest_sharpness", 0.0},
              {"fatigue_strength", 0.0},
              {"ad_annoyance", 0.2},
              {"ad_aversion", 0.5},
              {"advertisers",
               {{"count", 1},
                {"budget", nullptr},
                {"value_per_click", 1.5},
                {"quality", 0.3},
                {"interest_concentration", 0.0}}}};
  auto env = make_feed(p, 5, "first_price");
  env->reset(5);
  const StepResult& r = step_feed(*env, 1.0);
  const auto& content = as_content(*env);
  const float c = content.creators().directions()(0, 0);
  int aligned = 0;
  for (int u = 0; u < n; ++u) aligned += content.users().preferences()(u, 0) * c > 0.0f;
  REQUIRE(aligned > 400);
  REQUIRE(aligned < 3600);
  const double shift = std::exp(0.5);
  const double p_aligned = std::exp(2.0) / (shift + std::exp(2.0));
  const double p_opposite = std::exp(-2.0) / (shift + std::exp(-2.0));
  const double expected = (aligned * p_aligned + (n - aligned) * p_opposite) / n;
  const double se = std::sqrt(aligned * p_aligned * (1 - p_aligned) +
                              (n - aligned) * p_opposite * (1 - p_opposite)) /
                    n;
  CHECK(std::fabs(r.metrics(content.metric("user_engagement")) - expected) < 5.0 * se);
  for (int u = 0; u < n; ++u) {
    const double s = content.users().satisfaction()(u);
    const bool al = content.users().preferences()(u, 0) * c > 0.0f;
    const bool nothing = s == doctest::Approx(-0.1);
    CHECK((nothing || s == doctest::Approx(al ? 0.9 : -1.1)));
  }
  const double clicks = r.metrics(content.metric("ad_clicks"));
  CHECK(r.metrics(content.metric("ad_impressions")) == n);
  CHECK(r.metrics(content.metric("ad_load")) == 1.0);
  CHECK(std::fabs(clicks - 0.3 * n) < 5.0 * std::sqrt(n * 0.3 * 0.7));
  CHECK(r.metrics(content.metric("revenue")) == doctest::Approx(1.5 * clicks));
  CHECK(r.metrics(content.metric("advertiser_surplus")) == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(r.metrics(content.metric("ad_annoyance")) == doctest::Approx(0.2));
  CHECK(r.metrics(content.metric("ad_diversity")) == 1.0);
}

// One ad per feed of five vs three: more impressions and revenue at first, but a larger
// outside option (fewer consumptions) and a larger annoyance (lower satisfaction, so more
// churn): engagement and retention fall, and with them, over time, the revenue itself.
TEST_CASE("content_feed_ads: a higher ad load raises revenue, lowers engagement and retention") {
  struct Run {
    double first_revenue = 0.0, engagement = 0.0, retention = 0.0;
  };
  const auto run = [](double ad_load) {
    Json p = feed_params();
    p["n_users"] = 2000;
    p["churn_probability"] = 0.3;
    p["ads"]["ad_load"] = ad_load;
    p["ads"]["ad_annoyance"] = 0.3;
    p["ads"]["ad_aversion"] = 0.4;
    p["ads"]["advertisers"] = {
        {"count", 6},
        {"budget", nullptr},
        {"quality", {{"distribution", "uniform"}, {"low", 0.2}, {"high", 0.4}}}};
    auto env = make_feed(p, 30);
    env->reset(17);
    const auto& content = as_content(*env);
    Run out;
    for (int t = 0; t < 30; ++t) {
      const StepResult& r = step_feed(*env, 1.0);
      if (t == 0) out.first_revenue = r.metrics(content.metric("revenue"));
      out.engagement += r.metrics(content.metric("user_engagement")) / 30.0;
      out.retention = r.metrics(content.metric("user_retention"));
    }
    return out;
  };
  const Run low = run(0.2);
  const Run high = run(0.6);
  CHECK(high.first_revenue > 1.5 * low.first_revenue);
  CHECK(high.engagement < low.engagement);
  CHECK(high.retention < low.retention);
}

// The advertiser role's contract with an autobidding agent: four advertisers with budgets of
// 3 per period that truthful bids would overspend many times over, under first price (price =
// bid, so unlike GSP the last advertiser with budget left does not get clicks for free).
// dual_pacing (budget_fraction 0.95, step 1; no platform pacing) sees each period's spend reach
// the budget (+ at most one click of price <= bid <= 1), so its dual rises by >= (3 - 2.85) / 3
// = 0.05 per period: after 29 updates mu >= 1.45 and the multiplier 1 / (1 + mu) <= 0.41.
TEST_CASE("content_feed_ads: dual_pacing advertisers pace through the advertiser role") {
  Json p = feed_params();
  p["n_users"] = 1000;
  p["ads"]["advertisers"] = {
      {"count", 4}, {"budget", 3.0}, {"value_per_click", 1.0}, {"quality", 0.3}};
  p["ads"]["platform"] = {{"candidates", 3}};
  auto env = make_feed(p, 30, "first_price");
  const RoleSpec& creators = env->roles()[0];
  const RoleSpec& role = env->roles()[1];
  PolicyContext ctx;
  ctx.role = &role;
  ctx.role_index = 1;
  ctx.agents = {0, 1, 2, 3};
  ctx.horizon = 30;
  ctx.seed = 5;
  ctx.path = "agents.advertiser[0]";
  auto policy =
      make_policy("dual_pacing", Json{{"budget_fraction", 0.95}, {"step_size", 1.0}}, ctx);
  std::vector<RowBatch> actions = {RowBatch::Zero(creators.pool_size, creators.action_space.dim()),
                                   RowBatch::Zero(role.pool_size, 1)};
  const auto& content = as_content(*env);
  const StepResult* r = &env->reset(9);
  RowBatch observations;
  while (!r->episode_over) {
    observations = r->roles[1].observations;
    policy->act(observations, r->roles[1].active, actions[1]);
    r = &env->step(actions);
    policy->learn(Transition{observations, actions[1], r->roles[1], nullptr});
    CHECK(r->metrics(content.metric("advertiser_spend_over_budget")) <= 1.0 + 1.0 / 3.0);
  }
  for (int i = 0; i < 4; ++i) CHECK(actions[1](i, 0) <= 0.41);
  CHECK(r->metrics(content.metric("advertiser_spend_over_budget")) >= 1.0);
}

TEST_CASE("content_feed_ads: config errors name their paths") {
  const auto error_path = [](const Json& params, const std::string& mechanism) {
    try {
      make_feed(params, 5, mechanism);
    } catch (const ConfigError& e) {
      return e.path();
    }
    return std::string();
  };
  CHECK(error_path(feed_params(), "") == "mechanism");
  CHECK(error_path(feed_params(), "all_pay") == "mechanism.name");
  Json p = feed_params();
  p["ads"]["advertisers"]["budget"] = 0.0;
  CHECK(error_path(p, "gsp") == "env.params.ads.advertisers.budget");
  p = feed_params();
  p["ads"]["platform"]["ad_load"] = 0.5;
  CHECK(error_path(p, "gsp") == "env.params.ads.platform.ad_load");
  p = feed_params();
  p["ads"]["ad_lod"] = 0.5;
  CHECK(error_path(p, "gsp") == "env.params.ads.ad_lod");
  p = feed_params();
  p.erase("ads");
  CHECK(error_path(p, "") == "");
  auto env = make_feed(p, 5, "");
  CHECK(env->roles().size() == 1);
  CHECK(std::find(env->metric_names().begin(), env->metric_names().end(), "ad_impressions") ==
        env->metric_names().end());
}

}  // namespace
}  // namespace agora::testing
