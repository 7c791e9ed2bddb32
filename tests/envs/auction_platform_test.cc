// The `auction` env with a platform role (docs/platform_learning.md): the platform's reserve
// and quality exponent act exactly like the mechanism's own, bidders' counterfactuals use the
// terms in force, the platform's spaces, observations and reward, the theory it claims
// (Myerson 1981), learning platforms finding Myerson's optimal reserve over truthful bidders
// (bandits over a reserve grid; SPSA, Spall 1992), two-level learning with learning bidders,
// and config errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/grid_learner.h"
#include "agents/platform_gradient.h"
#include "agents/policy.h"
#include "agents/ucb1.h"
#include "core/error.h"
#include "envs/auction.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"
#include "tests/envs/auction_testing.h"

namespace agora::testing {
namespace {

// Myerson (1981) on n iid U[0,1] values, one slot, reserve r: revenue (n-1)/(n+1) -
// 2n r^{n+1}/(n+1) + r^n, maximal at r = 1/2: 5/12 for n = 2, 1/4 for n = 1.
double uniform_revenue(int n, double r) {
  return (n - 1.0) / (n + 1.0) - 2.0 * n * std::pow(r, n + 1) / (n + 1.0) + std::pow(r, n);
}

Json with_platform(Json params, Json platform) {
  params["platform"] = std::move(platform);
  return params;
}

std::string config_error_path(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.path();
  }
  return "(no ConfigError)";
}

// An env with one policy per role, each acting for the whole pool, and the act-step-learn loop.
struct Market {
  Market(const Json& env_params, const std::string& mechanism, const Json& mechanism_params,
         std::int64_t horizon, const std::vector<std::pair<std::string, Json>>& agents,
         std::uint64_t seed = 1)
      : env(make_auction_with(env_params, mechanism, mechanism_params, horizon)) {
    for (std::size_t r = 0; r < agents.size(); ++r) {
      PolicyContext ctx;
      ctx.role = &env->roles()[r];
      ctx.role_index = static_cast<int>(r);
      for (int i = 0; i < ctx.role->pool_size; ++i) ctx.agents.push_back(i);
      ctx.horizon = horizon;
      ctx.seed = derive_seed(seed, "agents/" + ctx.role->name);
      ctx.path = "agents." + ctx.role->name + "[0]";
      policies.push_back(make_policy(agents[r].first, agents[r].second, ctx));
    }
  }

  // Plays the episode; returns the metric rows (steps x metrics).
  Eigen::ArrayXXd run(std::uint64_t seed = 1) {
    const StepResult* result = &env->reset(seed);
    const std::size_t roles = env->roles().size();
    std::vector<RowBatch> actions(roles);
    for (std::size_t r = 0; r < roles; ++r) {
      actions[r] = RowBatch::Zero(env->roles()[r].pool_size, env->roles()[r].action_space.dim());
    }
    Eigen::ArrayXXd metrics(env->horizon(), static_cast<Eigen::Index>(env->metric_names().size()));
    std::vector<RowBatch> observations(roles);
    for (std::int64_t t = 0; !result->episode_over; ++t) {
      for (std::size_t r = 0; r < roles; ++r) {
        observations[r] = result->roles[r].observations;
        policies[r]->act(observations[r], result->roles[r].active, actions[r]);
      }
      result = &env->step(actions);
      for (std::size_t r = 0; r < roles; ++r) {
        policies[r]->learn(Transition{observations[r], actions[r], result->roles[r],
                                      env->counterfactuals(static_cast<int>(r))});
      }
      metrics.row(t) = result->metrics.transpose();
    }
    return metrics;
  }

  double tail_mean(const Eigen::ArrayXXd& metrics, const std::string& name, double fraction) {
    const Eigen::Index rows = metrics.rows();
    const Eigen::Index from = rows - static_cast<Eigen::Index>(fraction * rows);
    return metrics.col(metric(*env, name)).tail(rows - from).mean();
  }

  std::unique_ptr<Env> env;
  std::vector<std::unique_ptr<Policy>> policies;
};

const Json kTruthfulShade = Json{{"n_bidders", 2}, {"bid_mode", "shade"}, {"rounds_per_step", 100}};

// ---------------------------------------------------------------------------------------------
// The platform's terms are the mechanism's.

TEST_CASE("a platform reserve acts exactly like the mechanism's reserve") {
  // Same seed, same bids: a platform playing reserve r gives the bidders bitwise the
  // observations, rewards, metrics and counterfactuals of a mechanism with reserve r.
  for (const char* mechanism : {"second_price", "first_price", "vcg", "all_pay"}) {
    CAPTURE(mechanism);
    const Json params = Json::parse(R"({"n_bidders": 4, "ctr": [0.6, 0.3], "feedback": "full",
        "rounds_per_step": 20})");
    const auto plain = make_auction(params, mechanism, 0.35, 6);
    const auto governed = make_auction(with_platform(params, Json::object()), mechanism, 0.1, 6);
    REQUIRE(governed->roles().size() == 2);
    plain->reset(9);
    governed->reset(9);
    Rng rng(4);
    RowBatch candidates(5, 1);
    candidates << 0.0, 0.2, 0.34, 0.36, 0.9;
    for (int t = 0; t < 6; ++t) {
      RowBatch all(4, 1);
      for (int i = 0; i < 4; ++i) all(i, 0) = plain->roles()[0].action_space.sample(rng)(0);
      const StepResult& a = plain->step({all});
      const StepResult& b = governed->step({all, RowBatch::Constant(1, 1, 0.35)});
      CHECK((a.roles[0].observations == b.roles[0].observations).all());
      CHECK((a.roles[0].rewards == b.roles[0].rewards).all());
      CHECK((a.metrics == b.metrics.head(a.metrics.size())).all());
      for (int i = 0; i < 4; ++i) {
        Eigen::ArrayXd x(5), y(5);
        plain->counterfactuals(0)->counterfactual_rewards(i, candidates, x);
        governed->counterfactuals(0)->counterfactual_rewards(i, candidates, y);
        CHECK((x == y).all());
      }
    }
  }
}

TEST_CASE("a platform quality exponent acts exactly like the mechanism's") {
  const Json params = Json::parse(R"({"n_bidders": 3, "ctr": [0.7, 0.4], "feedback": "full",
      "rounds_per_step": 10, "quality": {"distribution": "uniform", "low": 0.2, "high": 1.5}})");
  const auto plain =
      make_auction_with(params, "gsp", {{"quality_exponent", 0.5}, {"reserve", 0.05}}, 5);
  const auto governed =
      make_auction_with(with_platform(params, {{"controls", {"quality_exponent", "reserve"}}}),
                        "gsp", {{"quality_exponent", 1.0}, {"reserve", 0.05}}, 5);
  REQUIRE(governed->roles()[1].action_space.labels() ==
          std::vector<std::string>{"quality_exponent", "reserve"});
  plain->reset(2);
  governed->reset(2);
  RowBatch platform(1, 2);
  platform << 0.5, 0.0;  // the mechanism's own reserve 0.05 stays in force
  Rng rng(8);
  for (int t = 0; t < 5; ++t) {
    RowBatch bids(3, 1);
    for (int i = 0; i < 3; ++i) bids(i, 0) = plain->roles()[0].action_space.sample(rng)(0);
    const StepResult& a = plain->step({bids});
    const StepResult& b = governed->step({bids, platform});
    CHECK((a.roles[0].observations == b.roles[0].observations).all());
    CHECK((a.roles[0].rewards == b.roles[0].rewards).all());
    CHECK((a.metrics == b.metrics.head(a.metrics.size())).all());
    RowBatch candidates(3, 1);
    candidates << 0.02, 0.3, 0.8;
    for (int i = 0; i < 3; ++i) {
      Eigen::ArrayXd x(3), y(3);
      plain->counterfactuals(0)->counterfactual_rewards(i, candidates, x);
      governed->counterfactuals(0)->counterfactual_rewards(i, candidates, y);
      CHECK((x == y).all());
    }
  }
}

TEST_CASE("bidders' counterfactuals use the platform's reserve in force") {
  // Values 0.8 and 0.6, second price, platform reserve 0.7: bidder 0 wins and pays 0.7
  // (utility 0.1); bidder 1 (bid 0.6) is ineligible. Had bidder 1 bid 0.9 it would pay 0.8
  // (utility -0.2); 0.65 stays ineligible; had bidder 0 bid 0.69 it would get nothing.
  const auto env = make_auction(with_platform({{"n_bidders", 2},
                                               {"feedback", "full"},
                                               {"max_bid", 1.0},
                                               {"values", constant_values({0.8, 0.6})}},
                                              Json::object()),
                                "second_price");
  env->reset(1);
  RowBatch bids(2, 1);
  bids << 0.8, 0.6;
  const StepResult& result = env->step({bids, RowBatch::Constant(1, 1, 0.7)});
  CHECK(result.roles[0].rewards(0) == doctest::Approx(0.1));
  CHECK(result.roles[0].rewards(1) == 0.0);
  CHECK(result.metrics(metric(*env, "revenue")) == doctest::Approx(0.7));
  CHECK(result.metrics(metric(*env, "reserve")) == 0.7);
  CHECK(result.metrics(metric(*env, "sold")) == 1.0);
  RowBatch candidates(3, 1);
  candidates << 0.9, 0.65, 0.69;
  Eigen::ArrayXd out(3);
  env->counterfactuals(0)->counterfactual_rewards(1, candidates, out);
  CHECK(out(0) == doctest::Approx(-0.2));
  CHECK(out(1) == 0.0);
  env->counterfactuals(0)->counterfactual_rewards(0, candidates, out);
  CHECK(out(2) == 0.0);
  CHECK(out(0) == doctest::Approx(0.1));
  // The platform gets bandit feedback and no counterfactuals.
  CHECK(env->counterfactual_oracle(1) == nullptr);

  // Reserve 0.85: nothing sold.
  const StepResult& unsold = env->step({bids, RowBatch::Constant(1, 1, 0.85)});
  CHECK(unsold.metrics(metric(*env, "sold")) == 0.0);
  CHECK(unsold.metrics(metric(*env, "revenue")) == 0.0);
  CHECK(unsold.roles[1].rewards(0) == 0.0);
}

// ---------------------------------------------------------------------------------------------
// Spaces, observations, reward.

TEST_CASE("the platform role: spaces, observations and objective") {
  const Json no_platform = Json{{"n_bidders", 3}};
  const auto plain = make_auction(no_platform);
  CHECK(plain->roles().size() == 1);
  CHECK(plain->metric_names() == std::vector<std::string>{"revenue", "welfare", "optimal_welfare",
                                                          "efficiency", "bidder_utility"});

  const auto env = make_auction(
      with_platform({{"n_bidders", 3},
                     {"rounds_per_step", 10},
                     {"values", {{"distribution", "uniform"}, {"low", 0.0}, {"high", 2.0}}}},
                    {{"objective", {{"revenue", 1.0}, {"welfare", 0.5}, {"efficiency", 0.25}}}}),
      "first_price");
  const RoleSpec& platform = env->roles()[1];
  CHECK(platform.name == "platform");
  CHECK(platform.pool_size == 1);
  CHECK(platform.feedback == Feedback::kBandit);
  CHECK(platform.action_space.labels() == std::vector<std::string>{"reserve"});
  CHECK(platform.action_space.low()(0) == 0.0);
  CHECK(platform.action_space.high()(0) == 2.0);  // default: [0, max_bid]
  CHECK(platform.observation_space.labels() ==
        std::vector<std::string>{"revenue", "welfare", "efficiency", "sold"});
  CHECK(env->metric_names() == std::vector<std::string>{"revenue", "welfare", "optimal_welfare",
                                                        "efficiency", "bidder_utility", "sold",
                                                        "reserve"});
  const StepResult& first = env->reset(3);
  CHECK(first.roles[1].active(0));
  CHECK((first.roles[1].observations == 0.0).all());
  RowBatch bids = RowBatch::Constant(3, 1, 0.9);
  bids(0, 0) = 0.3;
  for (int t = 0; t < 3; ++t) {
    const StepResult& result = env->step({bids, RowBatch::Constant(1, 1, 0.5)});
    const Eigen::ArrayXd& m = result.metrics;
    const auto at = [&](const char* name) { return m(metric(*env, name)); };
    CHECK(result.roles[1].rewards(0) ==
          doctest::Approx(at("revenue") + 0.5 * at("welfare") + 0.25 * at("efficiency")));
    CHECK(result.roles[1].observations(0, 0) == at("revenue"));
    CHECK(result.roles[1].observations(0, 1) == at("welfare"));
    CHECK(result.roles[1].observations(0, 2) == at("efficiency"));
    CHECK(result.roles[1].observations(0, 3) == at("sold"));
    CHECK(at("reserve") == 0.5);
    CHECK(at("revenue") == doctest::Approx(0.9));  // first price, the two 0.9 bids tie
  }
}

// ---------------------------------------------------------------------------------------------
// Theory the env claims with a platform.

TEST_CASE("with a revenue-maximizing platform the theory is Myerson's optimal reserve") {
  for (int n : {1, 2, 3}) {
    CAPTURE(n);
    const auto env =
        make_auction(with_platform({{"n_bidders", n}}, {{"reserve_range", {0.0, 1.0}}}));
    const Json theory = env->predicted_metrics();
    CHECK(theory.at("reserve").get<double>() == doctest::Approx(0.5));
    CHECK(theory.at("revenue").get<double>() == doctest::Approx(uniform_revenue(n, 0.5)));
    CHECK(theory.at("sold").get<double>() == doctest::Approx(1.0 - std::pow(0.5, n)));
  }
  CHECK(make_auction(with_platform({{"n_bidders", 2}}, Json::object()))
            ->predicted_metrics()
            .at("revenue")
            .get<double>() == doctest::Approx(5.0 / 12.0));
  // The optimum outside the range: the nearest bound (revenue is unimodal in the reserve).
  const Json clamped =
      make_auction(with_platform({{"n_bidders", 2}}, {{"reserve_range", {0.0, 0.3}}}),
                   "first_price")
          ->predicted_metrics();
  CHECK(clamped.at("reserve").get<double>() == doctest::Approx(0.3));
  CHECK(clamped.at("revenue").get<double>() == doctest::Approx(uniform_revenue(2, 0.3)));
  // A mechanism reserve above the optimum stays in force; the platform's action is not unique.
  const Json above =
      make_auction(with_platform({{"n_bidders", 2}}, Json::object()), "second_price", 0.6)
          ->predicted_metrics();
  CHECK(above.at("revenue").get<double>() == doctest::Approx(uniform_revenue(2, 0.6)));
  CHECK_FALSE(above.contains("reserve"));
  // Scaled values U[2, 4]: φ(v) = 2v - 4, optimal reserve 2 = the bottom of the support, so
  // every reserve up to 2 is optimal and nothing is said about the action.
  const Json scaled =
      make_auction(
          with_platform({{"n_bidders", 2},
                         {"values", {{"distribution", "uniform"}, {"low", 2.0}, {"high", 4.0}}}},
                        Json::object()))
          ->predicted_metrics();
  CHECK(scaled.at("revenue").get<double>() == doctest::Approx(2.0 + 2.0 / 3.0));
  CHECK_FALSE(scaled.contains("reserve"));

  // First price at the optimal reserve: b(v) = (v^2 + r^2) / (2v) with r = 1/2 (n = 2).
  const Json bids = make_auction(with_platform({{"n_bidders", 2}}, Json::object()), "first_price")
                        ->predicted_strategies()
                        .at("bid_function");
  const auto values = bids.at("value").get<std::vector<double>>();
  const auto b = bids.at("bid").get<std::vector<double>>();
  CHECK(values.front() == doctest::Approx(0.5));
  for (std::size_t k = 0; k < values.size(); k += 10) {
    CHECK(b[k] == doctest::Approx((values[k] * values[k] + 0.25) / (2 * values[k])));
  }

  // No theory for other objectives, nor where the setting has none.
  CHECK(make_auction(with_platform({{"n_bidders", 2}}, {{"objective", "welfare"}}))
            ->predicted_metrics()
            .empty());
  CHECK(make_auction(with_platform({{"n_bidders", 2}},
                                   {{"objective", {{"revenue", 1.0}, {"welfare", 1.0}}}}))
            ->predicted_metrics()
            .empty());
  CHECK(make_auction(with_platform({{"n_bidders", 2}}, {{"objective", "welfare"}}))
            ->predicted_strategies()
            .empty());
  // A platform setting only the quality exponent changes nothing with unit quality.
  const Json alpha_only =
      make_auction(with_platform({{"n_bidders", 2}}, {{"controls", {"quality_exponent"}}}))
          ->predicted_metrics();
  CHECK(alpha_only.at("revenue").get<double>() == doctest::Approx(1.0 / 3.0));
  CHECK(alpha_only.at("sold").get<double>() == 1.0);
}

// ---------------------------------------------------------------------------------------------
// Learning platforms over truthful bidders find Myerson's reserve.

TEST_CASE("a UCB1 platform over a reserve grid learns Myerson's reserve 1/2") {
  // Two truthful bidders (shade 1), iid U[0,1], second price, R = 100 auctions per step.
  // Reserve grid 0, 0.1, ..., 1; revenue 5/12 at 0.5, 0.408 at 0.4, 0.405 at 0.6, 0.387 and
  // 0.366 at 0.3 and 0.7, 1/3 at 0.
  Market market(
      with_platform(kTruthfulShade, Json::object()), "second_price", Json::object(), 3000,
      {{"truthful", Json::object()}, {"ucb1", {{"points", 11}, {"reward_range", {0.3, 0.5}}}}});
  const Eigen::ArrayXXd metrics = market.run();
  const auto& ucb = dynamic_cast<const GridLearner<Ucb1>&>(*market.policies[1]);
  const auto& counts = ucb.core(0, 0).counts();
  const int best =
      static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  CHECK(ucb.setup().grid()[best] == doctest::Approx(0.5));
  CHECK(counts[4] + counts[5] + counts[6] > 1500);
  CHECK(std::abs(market.tail_mean(metrics, "reserve", 0.5) - 0.5) < 0.05);
  CHECK(market.tail_mean(metrics, "revenue", 0.5) > 0.39);
  CHECK(market.tail_mean(metrics, "revenue", 0.5) < 5.0 / 12.0 + 0.005);
}

TEST_CASE("an EXP3 platform over a reserve grid learns Myerson's reserve 1/2") {
  Market market(
      with_platform(kTruthfulShade, Json::object()), "second_price", Json::object(), 3000,
      {{"truthful", Json::object()}, {"exp3", {{"points", 11}, {"reward_range", {0.3, 0.5}}}}});
  const Eigen::ArrayXXd metrics = market.run();
  CHECK(std::abs(market.tail_mean(metrics, "reserve", 0.5) - 0.5) < 0.05);
  CHECK(market.tail_mean(metrics, "revenue", 0.5) > 0.39);
}

TEST_CASE("the SPSA platform learns Myerson's reserve with two bidders and with one") {
  struct Case {
    int n;
    double revenue;  // Myerson: 5/12 and 1/4 at reserve 1/2
  };
  for (const Case& c : {Case{2, 5.0 / 12.0}, Case{1, 0.25}}) {
    CAPTURE(c.n);
    Json params = kTruthfulShade;
    params["n_bidders"] = c.n;
    Market market(with_platform(params, {{"reserve_range", {0.0, 1.0}}}), "second_price",
                  Json::object(), 3000,
                  {{"truthful", Json::object()}, {"platform_gradient", {{"initial", {0.1}}}}});
    const Eigen::ArrayXXd metrics = market.run();
    const auto& spsa = dynamic_cast<const PlatformGradient&>(*market.policies[1]);
    CHECK(std::abs(spsa.estimate(0)(0) - 0.5) < 0.05);
    CHECK(std::abs(market.tail_mean(metrics, "reserve", 0.3) - 0.5) < 0.03);
    CHECK(std::abs(market.tail_mean(metrics, "revenue", 0.3) - c.revenue) < 0.01);
    CHECK(market.env->predicted_metrics().at("revenue").get<double>() ==
          doctest::Approx(c.revenue));
  }
}

// ---------------------------------------------------------------------------------------------
// Two levels: learning bidders under a learning platform.

TEST_CASE("two-level learning: hedge bidders under an SPSA platform") {
  // Hedge bidders learn a shading factor with full information; the platform sees only its
  // revenue. Theory: with bidders at the Bayes-Nash equilibrium for the reserve in force,
  // first and second price earn the same revenue (revenue equivalence; Krishna, Auction
  // Theory, 2nd ed., §2.5): 1/3 without a reserve and 5/12 at Myerson's r = 1/2 (n = 2,
  // U[0,1]). But the platform learns from the bids in front of it: in second price a reserve
  // between the two bids raises the price at fixed bids, so the platform climbs to r = 1/2 as
  // over truthful bidders; in first price, at fixed bids a reserve can only cancel sales (the
  // winner pays its own bid), so a platform learning as fast as the bidders is pushed towards
  // no reserve — the equilibrium gain exists only through the bidders' response to a committed
  // reserve (docs/platform_learning.md).
  const Json bidders =
      Json{{"n_bidders", 2}, {"bid_mode", "shade"}, {"rounds_per_step", 100}, {"feedback", "full"}};
  const std::pair<std::string, Json> hedge = {"hedge", {{"points", 21}}};
  const std::pair<std::string, Json> spsa = {"platform_gradient", {{"initial", {0.1}}}};
  for (const char* mechanism : {"second_price", "first_price"}) {
    CAPTURE(mechanism);
    Market alone(bidders, mechanism, Json::object(), 3000, {hedge});
    const double base_revenue = alone.tail_mean(alone.run(), "revenue", 0.3);
    Market governed(with_platform(bidders, {{"reserve_range", {0.0, 1.0}}}), mechanism,
                    Json::object(), 3000, {hedge, spsa});
    const Eigen::ArrayXXd metrics = governed.run();
    const Eigen::ArrayXd reserve = metrics.col(metric(*governed.env, "reserve"));
    CHECK(reserve.minCoeff() >= 0.0);
    CHECK(reserve.maxCoeff() <= 1.0);
    const double revenue = governed.tail_mean(metrics, "revenue", 0.3);
    const double final_reserve = governed.tail_mean(metrics, "reserve", 0.3);
    CHECK(std::abs(base_revenue - 1.0 / 3.0) < 0.05);
    if (std::string(mechanism) == "second_price") {
      CHECK(std::abs(final_reserve - 0.5) < 0.1);
      CHECK(revenue > base_revenue + 0.05);
      CHECK(revenue < 5.0 / 12.0 + 0.005);
    } else {
      CHECK(final_reserve < 0.2);
      CHECK(revenue > base_revenue - 0.01);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Config errors.

TEST_CASE("platform config errors name the JSON path") {
  const auto build = [](const Json& platform, const char* mechanism = "second_price") {
    return [=] { make_auction(with_platform({{"n_bidders", 2}}, platform), mechanism); };
  };
  CHECK(config_error_path(build({{"reserve_range", {1.0, 0.0}}})) ==
        "env.params.platform.reserve_range");
  CHECK(config_error_path(build({{"reserve_range", {0.0, std::nan("")}}})) ==
        "env.params.platform.reserve_range");
  CHECK(config_error_path(build({{"reserve_range", {-1.0, 1.0}}})) ==
        "env.params.platform.reserve_range");
  CHECK(config_error_path(build({{"reserve_range", {0.5}}})) ==
        "env.params.platform.reserve_range");
  CHECK(config_error_path(build({{"quality_exponent_range", {0.0, 11.0}}})) ==
        "env.params.platform.quality_exponent_range");
  CHECK(config_error_path(build({{"controls", {"reserve", "floor"}}})) ==
        "env.params.platform.controls[1]");
  CHECK(config_error_path(build({{"controls", {"reserve", "reserve"}}})) ==
        "env.params.platform.controls[1]");
  CHECK(config_error_path(build({{"controls", Json::array()}})) == "env.params.platform.controls");
  CHECK(config_error_path(build({{"objective", "profit"}})) == "env.params.platform.objective");
  CHECK(config_error_path(build({{"objective", {{"revenue", 1.0}, {"welfere", 1.0}}}})) ==
        "env.params.platform.objective.welfere");
  CHECK(config_error_path(build({{"objective", {{"revenue", 0.0}}}})) ==
        "env.params.platform.objective");
  CHECK(config_error_path(build({{"reserv_range", {0.0, 1.0}}})) ==
        "env.params.platform.reserv_range");
  CHECK(config_error_path([] {
          make_auction({{"n_bidders", 2}, {"platform", 3}});
        }) == "env.params.platform");
  CHECK(config_error_path(build({{"controls", {"reserve", "quality_exponent"}}}, "myerson")) ==
        "env.params.platform.controls[1]");
  const std::string message = [&] {
    try {
      build({{"controls", {"reserv"}}})();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  CHECK(message.find("did you mean 'reserve'") != std::string::npos);

  // The platform's action is checked like any other.
  const auto env = make_auction(with_platform({{"n_bidders", 2}}, {{"reserve_range", {0.0, 0.8}}}));
  env->reset(1);
  CHECK(config_error_path([&] {
          env->step({RowBatch::Constant(2, 1, 0.5), RowBatch::Constant(1, 1, 0.9)});
        }) == "platform[0]");
  CHECK(config_error_path([&] {
          env->step({RowBatch::Constant(2, 1, 0.5), RowBatch::Constant(1, 1, std::nan(""))});
        }) == "platform[0]");
}

TEST_CASE("grid learners on the platform: a reserve grid through the spaces alone") {
  const auto env = make_auction(with_platform({{"n_bidders", 2}}, {{"reserve_range", {0.1, 0.9}}}));
  PolicyContext ctx;
  ctx.role = &env->roles()[1];
  ctx.agents = {0};
  ctx.horizon = 100;
  ctx.path = "agents.platform[0]";
  auto ucb = make_policy("ucb1", {{"points", 5}}, ctx);
  const auto& setup = dynamic_cast<const GridLearner<Ucb1>&>(*ucb).setup();
  REQUIRE(setup.points() == 5);
  for (int k = 0; k < 5; ++k) CHECK(setup.grid()[k] == doctest::Approx(0.1 + 0.2 * k));
  CHECK(setup.bid_action().action_label() == "reserve");
  CHECK_THROWS_WITH_AS(make_policy("exp3", Json::object(), ctx),
                       doctest::Contains("agents.platform[0].params.reward_range: role 'platform' "
                                         "has no 'value' observation"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("ucb1", {{"grid", "shade"}}, ctx),
                       doctest::Contains("agents.platform[0].params.grid"), ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("truthful", Json::object(), ctx),
                       doctest::Contains("agents.platform[0].type"), ConfigError);
  // Two controls: grids need one dimension; the gradient learner takes both.
  const auto both = make_auction(
      with_platform({{"n_bidders", 2}}, {{"controls", {"reserve", "quality_exponent"}}}));
  ctx.role = &both->roles()[1];
  CHECK_THROWS_WITH_AS(make_policy("ucb1", Json::object(), ctx),
                       doctest::Contains("agents.platform[0].type"), ConfigError);
  CHECK_NOTHROW(make_policy("platform_gradient", Json::object(), ctx));
}

}  // namespace
}  // namespace agora::testing
