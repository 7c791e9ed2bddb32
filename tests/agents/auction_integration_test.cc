// The bidder agents in the real `auction` env: every agent type acts inside the action space
// in "bid" and "shade" modes, and Hedge learns the dominant strategy of the second-price auction.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "agents/policy.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

struct Market {
  Market(const std::string& mechanism, const Json& env_params, std::int64_t horizon) {
    EnvContext ctx;
    ctx.horizon = horizon;
    ctx.mechanism = make_mechanism(mechanism, Json::object(), "mechanism");
    env = make_env("auction", env_params, ctx);
  }

  std::unique_ptr<Policy> policy(const std::string& type, const Json& params) {
    PolicyContext ctx;
    ctx.role = &env->roles()[0];
    for (int i = 0; i < ctx.role->pool_size; ++i) ctx.agents.push_back(i);
    ctx.horizon = env->horizon();
    ctx.seed = 5;
    ctx.path = "agents.bidder[0]";
    return make_policy(type, params, ctx);
  }

  // Runs the episode; Env::step rejects any action outside the action space.
  void run(Policy& policy) {
    const StepResult* result = &env->reset(1);
    RowBatch actions =
        RowBatch::Zero(env->roles()[0].pool_size, env->roles()[0].action_space.dim());
    std::vector<RowBatch> all_actions(1);
    while (!result->episode_over) {
      const RowBatch observations = result->roles[0].observations;
      policy.act(observations, result->roles[0].active, actions);
      all_actions[0] = actions;
      result = &env->step(all_actions);
      policy.learn(Transition{observations, actions, result->roles[0], env->counterfactuals(0)});
    }
  }

  std::unique_ptr<Env> env;
};

TEST_CASE("every bidder agent acts inside the auction env's action space") {
  const std::vector<std::pair<std::string, Json>> agents = {
      {"truthful", Json::object()},
      {"fixed_shading", Json{{"shade", 1.4}}},
      {"first_price_equilibrium", Json::object()},
      {"epsilon_greedy", Json{{"points", 11}, {"value_buckets", 3}}},
      {"ucb1", Json{{"points", 11}}},
      {"thompson", Json{{"points", 11}}},
      {"exp3", Json{{"points", 11}, {"value_buckets", 2}}},
      {"hedge", Json{{"points", 11}, {"value_buckets", 2}}},
  };
  for (const char* mode : {"bid", "shade"}) {
    for (const auto& [type, params] : agents) {
      CAPTURE(mode);
      CAPTURE(type);
      Market market("first_price",
                    Json{{"n_bidders", 3},
                         {"feedback", "full"},
                         {"bid_mode", mode},
                         {"rounds_per_step", 2},
                         {"values", {{"distribution", "uniform"}, {"low", 0.0}, {"high", 2.0}}}},
                    40);
      auto policy = market.policy(type, params);
      CHECK_NOTHROW(market.run(*policy));
    }
  }
}

TEST_CASE("hedge learns to bid its value in a second-price auction") {
  Market market(
      "second_price",
      Json{{"n_bidders", 3}, {"feedback", "full"}, {"bid_mode", "shade"}, {"max_shade", 2.0}},
      20000);
  auto policy = market.policy("hedge", Json{{"points", 21}, {"grid_high", 2.0}});
  market.run(*policy);
  const Json strategy = policy->strategy();
  for (int agent = 0; agent < 3; ++agent) {
    const auto p =
        strategy["agents"][agent]["buckets"][0]["probabilities"].get<std::vector<double>>();
    const auto mode = std::max_element(p.begin(), p.end()) - p.begin();
    CAPTURE(agent);
    CHECK(strategy["points"][mode].get<double>() == doctest::Approx(1.0).epsilon(0.11));
    double near_truthful = 0.0;  // shades 0.8 .. 1.2
    for (int k = 8; k <= 12; ++k) near_truthful += p[k];
    CHECK(near_truthful > 0.9);
  }
}

}  // namespace
}  // namespace agora
