// The `content_ecosystem` env: the conformance harness (embedding and topic actions, MMR,
// entry and exit, every exposure rule x payment rule), churned creators never coming back,
// the content-gap metric finding a planted gap, a hand-checked logit instance (one creator,
// users aligned with it or opposite, in one dimension), the counterfactual oracle against
// re-running the period with the deviation (top_k exposure rewards are deterministic), and
// config errors naming their paths.
#include "envs/content_ecosystem/content_ecosystem.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/env_registry.h"
#include "tests/envs/conformance.h"
#include "tests/envs/content_ecosystem/content_testing.h"

namespace agora::testing {
namespace {

std::unique_ptr<Env> make_content(const Json& params, std::int64_t horizon = 30) {
  EnvContext context;
  context.horizon = horizon;
  return make_env("content_ecosystem", params, context);
}

ContentEcosystemEnv& as_content(Env& env) { return dynamic_cast<ContentEcosystemEnv&>(env); }

Json small_params() {
  return {{"n_users", 300},
          {"n_creators", 12},
          {"initial_creators", 6},
          {"dim", 4},
          {"n_topics", 4},
          {"slate_size", 3},
          {"arrival_rate", 0.5},
          {"patience", 2},
          {"outside_option", 0.02},
          {"cost_range", {0.0, 0.1}},
          {"drift", 0.05},
          {"churn_probability", 0.2},
          {"return_probability", 0.3},
          {"oracle_users", 50}};
}

std::string error_path(const Json& params) {
  try {
    make_content(params);
  } catch (const ConfigError& e) {
    return e.path();
  }
  return "";
}

// Plays `env` with every active creator keeping its direction (zero rows).
const StepResult& keep_directions(Env& env) {
  const RoleSpec& role = env.roles()[0];
  const RowBatch keep = RowBatch::Zero(role.pool_size, role.action_space.dim());
  return env.step({keep});
}

TEST_CASE("content_ecosystem: conformance, embedding actions, with entry and exit") {
  check_env_conformance([] { return make_content(small_params()); });
}

TEST_CASE("content_ecosystem: conformance, topic actions, MMR and the whole oracle sample") {
  Json p = small_params();
  p["creator_action"] = "topic";
  p["recommender"] = {{"mmr_lambda", 0.7}, {"mmr_candidates", 5}, {"underserved", 0.5}};
  p["oracle_users"] = 0;
  p["exposure_weight"] = 1.0;
  check_env_conformance([p] { return make_content(p); });
}

TEST_CASE("content_ecosystem: conformance under every exposure rule and payment rule") {
  const std::vector<Json> rules = {{{"name", "softmax"}, {"params", {{"temperature", 0.2}}}},
                                   {{"name", "shapley_mediator"}, {"params", Json::object()}}};
  const std::vector<Json> payments = {
      {{"name", "exposure_share"}},
      {{"name", "none"}},
      {{"name", "formula"},
       {"params", {{"weights", {{"engagement", 1.0}, {"quality", 0.5}}}, {"power", 2.0}}}}};
  for (const Json& rule : rules) {
    for (const Json& payment : payments) {
      CAPTURE(rule.dump());
      CAPTURE(payment.dump());
      Json p = small_params();
      p["exposure_rule"] = rule;
      p["payment"] = payment;
      p["engagement_weight"] = 0.5;
      p["oracle_users"] = 10;  // the softmax rule's inclusion probabilities cost O(n K) panels
      check_env_conformance([p] { return make_content(p, 12); });
    }
  }
}

TEST_CASE("content_ecosystem: churned creators never come back; entrants take fresh slots") {
  Json p = small_params();
  p["n_creators"] = 40;
  p["outside_option"] = 0.2;  // most creators earn less than this and leave after 2 periods
  p["arrival_rate"] = 1.0;
  auto env = make_content(p, 60);
  const StepResult* r = &env->reset(5);
  const int n = env->roles()[0].pool_size;
  std::vector<int> state(static_cast<std::size_t>(n), 0);  // 0 never active, 1 active, 2 left
  for (int i = 0; i < n; ++i) state[static_cast<std::size_t>(i)] = r->roles[0].active(i) ? 1 : 0;
  int exits = 0, entries = 0;
  while (!r->episode_over) {
    r = &keep_directions(*env);
    const RoleState& s = r->roles[0];
    for (int i = 0; i < n; ++i) {
      int& st = state[static_cast<std::size_t>(i)];
      if (s.terminated(i)) {
        CHECK(st == 1);
        CHECK_FALSE(s.active(i));
        st = 2;
        ++exits;
      } else if (s.active(i)) {
        CHECK(st != 2);  // never revived
        if (st == 0) ++entries;
        st = 1;
      }
    }
  }
  CHECK(exits > 5);
  CHECK(entries > 5);
}

TEST_CASE("content_ecosystem: the content-gap metric finds a planted gap") {
  // Users spread evenly over 4 topics; creators only in topics 1-3, tightly around their
  // centroids, so region 0 has demand and no supply: gap_0 = demand share of region 0, the
  // largest gap (the others have supply shares above their demand shares of about 1/4).
  Json p = {{"n_users", 2000},        {"n_creators", 30},
            {"initial_creators", 30}, {"dim", 6},
            {"n_topics", 4},          {"topic_supply", {0.0, 1.0, 1.0, 1.0}},
            {"user_spread", 0.05},    {"creator_spread", 0.05},
            {"arrival_rate", 0.0}};
  auto env = make_content(p, 5);
  env->reset(3);
  const StepResult& r = keep_directions(*env);
  const auto& content = as_content(*env);
  const int dim = content.config().dim;
  int in_region_0 = 0;
  for (int u = 0; u < content.users().count(); ++u) {
    in_region_0 += content.space().region_of({content.users().preferences().row(u).data(),
                                              static_cast<std::size_t>(dim)}) == 0;
  }
  for (int i = 0; i < 30; ++i) {
    REQUIRE(content.space().region_of({content.creators().directions().row(i).data(),
                                       static_cast<std::size_t>(dim)}) != 0);
  }
  CHECK(in_region_0 > 300);
  CHECK(r.metrics(content.metric("gap_region")) == 0.0);
  CHECK(r.metrics(content.metric("supply_share_0")) == 0.0);
  CHECK(r.metrics(content.metric("demand_share_0")) ==
        doctest::Approx(in_region_0 / 2000.0).epsilon(1e-12));
  double supply_total = 0.0;
  for (int t = 0; t < 4; ++t)
    supply_total += r.metrics(content.metric("supply_share_" + std::to_string(t)));
  CHECK(supply_total == doctest::Approx(1.0));
  CHECK(r.metrics(content.metric("content_gap")) ==
        doctest::Approx(in_region_0 / 2000.0).epsilon(1e-12));
  // With supply planted everywhere the gap is small.
  p["topic_supply"] = nullptr;
  auto even = make_content(p, 5);
  even->reset(3);
  CHECK(keep_directions(*even).metrics(content.metric("content_gap")) < 0.15);
}

TEST_CASE("content_ecosystem: hand-checked logit choice with an outside option") {
  // d = 1: preferences and directions are +1 or -1. One creator; every user sees it (K = 1)
  // and consumes it with probability e^v / (e^{v_0} + e^v), v = affinity x c (quality_utility
  // 0): e^2 / (1 + e^2) when aligned, e^-2 / (1 + e^-2) when opposite (affinity 2, v_0 = 0).
  // The session value is v - v_0 = +-2 when consumed; satisfaction after one period is m x value.
  const Json p = one_creator_market(4000);
  auto env = make_content(p, 10);
  env->reset(11);
  const StepResult& r = keep_directions(*env);
  const auto& content = as_content(*env);
  const float c = content.creators().directions()(0, 0);
  int aligned = 0;
  for (int u = 0; u < 4000; ++u) aligned += content.users().preferences()(u, 0) * c > 0.0f;
  REQUIRE(aligned > 400);
  REQUIRE(aligned < 3600);
  const double p_aligned = std::exp(2.0) / (1.0 + std::exp(2.0));
  const double p_opposite = std::exp(-2.0) / (1.0 + std::exp(-2.0));
  const double expected = (aligned * p_aligned + (4000 - aligned) * p_opposite) / 4000.0;
  const double se = std::sqrt((aligned * p_aligned * (1 - p_aligned) +
                               (4000 - aligned) * p_opposite * (1 - p_opposite))) /
                    4000.0;
  CHECK(std::fabs(r.metrics(content.metric("user_engagement")) - expected) < 5.0 * se);
  CHECK(content.impressions()[0] == 4000.0);
  CHECK(content.consumptions()[0] ==
        doctest::Approx(r.metrics(content.metric("user_engagement")) * 4000));
  double satisfaction = 0.0;
  for (int u = 0; u < 4000; ++u) {
    const bool consumed = content.slates()(u, 0) == 0 && content.users().satisfaction()(u) != 0.0;
    const bool al = content.users().preferences()(u, 0) * c > 0.0f;
    if (consumed) CHECK(content.users().satisfaction()(u) == doctest::Approx(al ? 1.0 : -1.0));
    satisfaction += content.users().satisfaction()(u);
  }
  const double expected_satisfaction =
      0.5 * 2.0 * (aligned * p_aligned - (4000 - aligned) * p_opposite) / 4000.0;
  CHECK(std::fabs(satisfaction / 4000.0 - expected_satisfaction) < 5.0 * 2.0 * 0.5 * se + 1e-3);
  CHECK(r.metrics(content.metric("interest_coverage")) == doctest::Approx(aligned / 4000.0));
}

TEST_CASE("content_ecosystem: top_k counterfactuals equal re-running the period") {
  // Reward = impressions / sessions - cost (no payment): deterministic under top_k, so the
  // oracle's answer for a deviation equals the reward of the same period re-run with it.
  Json p = small_params();
  p["exposure_weight"] = 1.0;
  p["bonus_pool"] = 0.0;
  p["oracle_users"] = 0;
  p["churn_probability"] = 0.0;
  const int dim = 4;
  auto base = make_content(p);
  base->reset(21);
  const RoleSpec& role = base->roles()[0];
  Rng action_rng(4);
  RowBatch actions(role.pool_size, dim);
  for (int i = 0; i < role.pool_size; ++i)
    actions.row(i) = role.action_space.sample(action_rng).transpose();
  base->step({actions});
  const int agent = 2;
  REQUIRE(base->last().roles[0].active(agent));
  RowBatch candidates(3, dim);
  for (int c = 0; c < 3; ++c) candidates.row(c) = role.action_space.sample(action_rng).transpose();
  Eigen::ArrayXd answer(3);
  base->counterfactual_oracle(0)->counterfactual_rewards(agent, candidates, answer);
  for (int c = 0; c < 3; ++c) {
    auto rerun = make_content(p);
    rerun->reset(21);
    RowBatch deviated = actions;
    deviated.row(agent) = candidates.row(c);
    const StepResult& r = rerun->step({deviated});
    CHECK(answer(c) == doctest::Approx(r.roles[0].rewards(agent)).epsilon(1e-9));
  }
}

TEST_CASE("content_ecosystem: config errors name their paths") {
  Json p = small_params();
  p["exposure_rule"] = {{"name", "top_kk"}};
  CHECK(error_path(p) == "env.params.exposure_rule.name");
  p = small_params();
  p["payment"] = {{"name", "engagement_share"}, {"parms", Json::object()}};
  CHECK(error_path(p) == "env.params.payment.parms");
  p = small_params();
  p["topic_demand"] = {1.0, 2.0};
  CHECK(error_path(p) == "env.params.topic_demand");
  p = small_params();
  p["topic_supply"] = {1.0, -2.0, 1.0, 1.0};
  CHECK(error_path(p) == "env.params.topic_supply[1]");
  p = small_params();
  p["initial_creators"] = 13;
  CHECK(error_path(p) == "env.params.initial_creators");
  p = small_params();
  p["quality_range"] = {0.5, 0.2};
  CHECK(error_path(p) == "env.params.quality_range");
  p = small_params();
  p["exposure_rule"] = {{"name", "softmax"}, {"params", {{"temperature", -1.0}}}};
  CHECK(error_path(p) == "env.params.exposure_rule.params.temperature");
  p = small_params();
  p["payment"] = {{"name", "formula"}, {"params", {{"weights", {{"engagment", 1.0}}}}}};
  CHECK(error_path(p).rfind("env.params.payment.params.weights", 0) == 0);
  p = small_params();
  p["cost_range"] = {-0.1, -0.1};
  CHECK(error_path(p) == "env.params.cost_range");
  p = small_params();
  p["cost_range"] = {0.03, 0.03};  // a constant cost is fine
  CHECK(error_path(p).empty());
  p = small_params();
  p["recommender"] = {{"mmr_lamda", 0.5}};
  CHECK(error_path(p) == "env.params.recommender.mmr_lamda");
}

TEST_CASE("content_ecosystem: NaN creator actions are ConfigErrors naming the agent") {
  auto env = make_content(small_params());
  env->reset(1);
  RowBatch actions = RowBatch::Zero(12, 4);
  actions(0, 1) = std::nan("");
  CHECK_THROWS_AS(env->step({actions}), ConfigError);
}

}  // namespace
}  // namespace agora::testing
