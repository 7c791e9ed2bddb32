// Helpers shared by the `auction` env tests: building the env with a mechanism, playing a
// policy for some steps, reading metrics and Monte-Carlo estimates with their tolerance.
#pragma once

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {

inline std::unique_ptr<Env> make_auction_with(const Json& params, const std::string& mechanism,
                                              const Json& mechanism_params,
                                              std::int64_t horizon = 15) {
  EnvContext ctx;
  ctx.horizon = horizon;
  ctx.mechanism = make_mechanism(mechanism, mechanism_params, "mechanism");
  return make_env("auction", params, ctx);
}

inline std::unique_ptr<Env> make_auction(const Json& params,
                                         const std::string& mechanism = "second_price",
                                         double reserve = 0.0, std::int64_t horizon = 15) {
  return make_auction_with(params, mechanism, Json{{"reserve", reserve}}, horizon);
}

inline std::function<std::unique_ptr<Env>()> auction_factory(const Json& params,
                                                             const std::string& mechanism,
                                                             double reserve = 0.0) {
  return [=] { return make_auction(params, mechanism, reserve); };
}

// Plays `steps` steps from reset(seed) with a policy filling the actions from the
// observations, and returns the per-step metric rows (steps x metrics).
inline Eigen::ArrayXXd play(
    Env& env, std::uint64_t seed, std::int64_t steps,
    const std::function<void(const RowBatch& obs, RowBatch& actions)>& policy) {
  const StepResult* result = &env.reset(seed);
  std::vector<RowBatch> actions = {RowBatch::Zero(env.roles()[0].pool_size, 1)};
  Eigen::ArrayXXd metrics(steps, static_cast<Eigen::Index>(env.metric_names().size()));
  for (std::int64_t t = 0; t < steps; ++t) {
    policy(result->roles[0].observations, actions[0]);
    result = &env.step(actions);
    metrics.row(t) = result->metrics.transpose();
  }
  return metrics;
}

inline int metric(const Env& env, const std::string& name) {
  const auto& names = env.metric_names();
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return static_cast<int>(it - names.begin());
}

// Mean of a metric column and 5 standard errors of that mean (from the sample variance of the
// per-step values; steps are iid when values are redrawn every round).
struct Estimate {
  double mean;
  double tolerance;
};
inline Estimate estimate(const Eigen::ArrayXXd& metrics, int column) {
  const Eigen::ArrayXd x = metrics.col(column);
  const double mean = x.mean();
  const double variance = (x - mean).square().sum() / static_cast<double>(x.size() - 1);
  return {mean, 5.0 * std::sqrt(variance / static_cast<double>(x.size()))};
}

inline Json constant_values(const std::vector<double>& values) {
  Json list = Json::array();
  for (double v : values) list.push_back({{"distribution", "constant"}, {"value", v}});
  return list;
}

inline const StepResult& play_once(Env& env, const std::vector<double>& bids) {
  env.reset(1);
  RowBatch a(static_cast<Eigen::Index>(bids.size()), 1);
  for (std::size_t i = 0; i < bids.size(); ++i) a(static_cast<Eigen::Index>(i), 0) = bids[i];
  return env.step({a});
}

}  // namespace agora::testing
