// Helpers for the ad_market env tests: building the env with a mechanism, playing constant
// multipliers, reading metrics by name.
#pragma once

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <memory>
#include <string>

#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {

inline std::unique_ptr<Env> make_ad_market(const Json& params, std::int64_t horizon,
                                           const std::string& mechanism = "gsp",
                                           const Json& mechanism_params = Json::object()) {
  EnvContext ctx;
  ctx.horizon = horizon;
  ctx.mechanism = make_mechanism(mechanism, mechanism_params, "mechanism");
  return make_env("ad_market", params, ctx);
}

inline int ad_metric(const Env& env, const std::string& name) {
  const auto& names = env.metric_names();
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return static_cast<int>(it - names.begin());
}

inline int ad_obs(const Env& env, const std::string& label) {
  const int index = env.roles()[0].observation_space.index_of(label);
  REQUIRE(index >= 0);
  return index;
}

// A small market: `users` users, `advertisers` advertisers, day-long steps.
inline Json small_market(int users = 200, int advertisers = 5) {
  return Json{{"users", {{"count", users}, {"sessions_per_day", 2.0}}},
              {"advertisers", {{"count", advertisers}}},
              {"platform", {{"candidates", 4}}}};
}

// Steps `env` with every advertiser playing `multiplier`; returns the last result.
inline const StepResult& step_constant(Env& env, double multiplier) {
  const std::vector<RowBatch> actions = {
      RowBatch::Constant(env.roles()[0].pool_size, 1, multiplier)};
  return env.step(actions);
}

}  // namespace agora::testing
