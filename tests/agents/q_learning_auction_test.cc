// Q-learning bidders in the real `auction` env, after Banchio & Skrzypacz, "Artificial
// intelligence and auction design" (EC 2022): two bidders with values fixed at 1, bids on the
// grid 0, 0.05, ..., 1, stateless Q-learning with α = 0.05, γ = 0.95 and ε_t = e^{−βt}, own
// reward feedback. The stage game's equilibria on this grid have revenue ≥ 0.95 in the first-
// price auction; Q-learners with γ = 0.95 settle far below it (tacit collusion) and below the
// second-price auction's revenue, while myopic learners (γ = 0) bid competitively.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "agents/policy.h"
#include "agents/tabular_td.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

constexpr std::int64_t kHorizon = 200000;

struct Outcome {
  double tail_revenue = 0.0;  // mean revenue per auction over the last 10% of the steps
  double highest_greedy_bid = 0.0;
  double lowest_greedy_bid = 1.0;
};

Json auction_params(const std::string& feedback) {
  return Json{{"n_bidders", 2},
              {"feedback", feedback},
              {"max_bid", 1.0},
              {"values", {{"distribution", "constant"}, {"value", 1.0}}}};
}

Json bidder_params(double discount) {
  return Json{{"grid", "bid"},        {"points", 21},        {"learning_rate", 0.05},
              {"discount", discount}, {"state", "none"},     {"schedule", "exponential"},
              {"epsilon", 1.0},       {"epsilon_beta", 3e-5}};
}

Outcome run(const std::string& mechanism, std::uint64_t seed, double discount) {
  EnvContext env_context;
  env_context.horizon = kHorizon;
  env_context.mechanism = make_mechanism(mechanism, Json::object(), "mechanism");
  auto env = make_env("auction", auction_params("own"), env_context);
  PolicyContext ctx;
  ctx.role = &env->roles()[0];
  ctx.agents = {0, 1};
  ctx.horizon = kHorizon;
  ctx.seed = derive_seed(seed, "agents/bidder/0");
  ctx.path = "agents.bidder[0]";
  auto policy = make_policy("q_learning", bidder_params(discount), ctx);

  const StepResult* result = &env->reset(seed);
  std::vector<RowBatch> actions = {RowBatch::Zero(2, 1)};
  RowBatch observations = result->roles[0].observations;
  Outcome outcome;
  std::int64_t tail_steps = 0;
  while (!result->episode_over) {
    observations = result->roles[0].observations;
    policy->act(observations, result->roles[0].active, actions[0]);
    result = &env->step(actions);
    policy->learn(Transition{observations, actions[0], result->roles[0], nullptr});
    if (env->steps_taken() > kHorizon - kHorizon / 10) {
      outcome.tail_revenue += result->metrics(0);
      ++tail_steps;
    }
  }
  outcome.tail_revenue /= static_cast<double>(tail_steps);
  const Json strategy = policy->strategy();
  for (const Json& agent : strategy["agents"]) {
    const double bid = agent["greedy_points"][0].get<double>();
    outcome.highest_greedy_bid = std::max(outcome.highest_greedy_bid, bid);
    outcome.lowest_greedy_bid = std::min(outcome.lowest_greedy_bid, bid);
  }
  return outcome;
}

TEST_CASE("Q-learning bidders collude tacitly in the first-price auction, not in second price") {
  constexpr int kSeeds = 16;
  double first_price = 0.0;
  double second_price = 0.0;
  std::ostringstream log;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    const Outcome first = run("first_price", seed, 0.95);
    const Outcome second = run("second_price", seed, 0.95);
    log << " seed " << seed << ": first price " << first.tail_revenue << ", second price "
        << second.tail_revenue << ";";
    // Far below the stage game's equilibrium revenue (0.95 or 1 on this grid).
    CHECK(first.tail_revenue < 0.7);
    // Second price: the winner ends up bidding (about) its value, the dominant strategy.
    CHECK(second.highest_greedy_bid >= 0.9);
    first_price += first.tail_revenue / kSeeds;
    second_price += second.tail_revenue / kSeeds;
  }
  INFO("tail revenue per seed:" << log.str());
  CHECK(first_price < 0.45);
  CHECK(first_price < second_price - 0.1);
}

TEST_CASE("myopic Q-learners (γ = 0) bid competitively in the first-price auction") {
  // With γ = 0 each learner is a bandit on the stage game, whose equilibria on the grid are
  // bids of 0.95 or 1: revenue stays near the competitive level, unlike with γ = 0.95.
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    CAPTURE(seed);
    const Outcome myopic = run("first_price", seed, 0.0);
    CHECK(myopic.tail_revenue > 0.85);
    CHECK(myopic.lowest_greedy_bid >= 0.85);
  }
}

TEST_CASE("q_learning in the auction env: last_winning_bid needs the env's winning-bid feedback") {
  EnvContext env_context;
  env_context.horizon = 10;
  env_context.mechanism = make_mechanism("first_price", Json::object(), "mechanism");
  for (const char* feedback : {"own", "winning_bid", "full"}) {
    CAPTURE(feedback);
    auto env = make_env("auction", auction_params(feedback), env_context);
    PolicyContext ctx;
    ctx.role = &env->roles()[0];
    ctx.agents = {0, 1};
    ctx.horizon = 10;
    ctx.path = "agents.bidder[0]";
    Json params = bidder_params(0.95);
    params["state"] = "last_winning_bid";
    if (std::string(feedback) == "own") {
      CHECK_THROWS_WITH_AS(make_policy("q_learning", params, ctx),
                           doctest::Contains("agents.bidder[0].params.state"), ConfigError);
      continue;
    }
    auto policy = make_policy("sarsa", params, ctx);
    // One state per bid-grid point; the policy acts inside the action space over an episode.
    auto* td = dynamic_cast<TabularTD*>(policy.get());
    REQUIRE(td != nullptr);
    CHECK(td->states() == 21);
    const StepResult* result = &env->reset(3);
    std::vector<RowBatch> actions = {RowBatch::Zero(2, 1)};
    while (!result->episode_over) {
      const RowBatch observations = result->roles[0].observations;
      policy->act(observations, result->roles[0].active, actions[0]);
      result = &env->step(actions);
      policy->learn(Transition{observations, actions[0], result->roles[0], nullptr});
      // The next state is the grid point nearest the winning bid: here the higher bid.
      CHECK(td->state_of(result->roles[0].observations, 0) ==
            static_cast<int>(std::lround(actions[0].maxCoeff() * 20)));
    }
  }
}

}  // namespace
}  // namespace agora
