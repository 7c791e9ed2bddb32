// Test support for the game-theoretic learners: two policies playing the `matrix_game` env
// (roles row and column), one act + step + learn per call, as the experiment runner does.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agents/policy.h"
#include "core/rng.h"
#include "envs/env_registry.h"

namespace agora::test {

inline PolicyContext game_context(const Env& env, int role, std::int64_t horizon,
                                  std::uint64_t seed) {
  PolicyContext ctx;
  ctx.role = &env.roles()[role];
  ctx.role_index = role;
  ctx.agents = {0};
  ctx.horizon = horizon;
  ctx.seed = derive_seed(seed, "agents/" + env.roles()[role].name + "/0");
  ctx.path = "agents." + env.roles()[role].name + "[0]";
  return ctx;
}

struct GamePlay {
  GamePlay(const Json& env_params, const std::string& row_type, const Json& row_params,
           const std::string& column_type, const Json& column_params, std::int64_t horizon,
           std::uint64_t seed = 1) {
    EnvContext context;
    context.horizon = horizon;
    env = make_env("matrix_game", env_params, context);
    row = make_policy(row_type, row_params, game_context(*env, 0, horizon, seed));
    column = make_policy(column_type, column_params, game_context(*env, 1, horizon, seed));
    for (const auto& role : env->roles()) {
      actions.push_back(RowBatch::Zero(1, 1));
      observations.push_back(RowBatch::Zero(1, role.observation_space.dim()));
    }
    env->reset(seed);
  }

  // One step; returns the profile played.
  std::pair<int, int> step() {
    const StepResult& before = env->last();
    for (int r = 0; r < 2; ++r) observations[r] = before.roles[r].observations;
    row->act(observations[0], before.roles[0].active, actions[0]);
    column->act(observations[1], before.roles[1].active, actions[1]);
    const StepResult& after = env->step(actions);
    row->learn(Transition{observations[0], actions[0], after.roles[0], env->counterfactuals(0)});
    column->learn(Transition{observations[1], actions[1], after.roles[1], env->counterfactuals(1)});
    return {static_cast<int>(actions[0](0, 0)), static_cast<int>(actions[1](0, 0))};
  }

  std::unique_ptr<Env> env;
  std::unique_ptr<Policy> row;
  std::unique_ptr<Policy> column;
  std::vector<RowBatch> actions;
  std::vector<RowBatch> observations;
};

inline Eigen::VectorXd to_vector(const Json& list) {
  const auto v = list.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// The duality gap max_i (A y)_i − min_j (x^T A)_j of (x, y) in the zero-sum game with row
// payoffs A: 0 exactly at equilibrium (the sum of both players' best-response gains).
inline double duality_gap(const Eigen::MatrixXd& a, const Eigen::VectorXd& x,
                          const Eigen::VectorXd& y) {
  return (a * y).maxCoeff() - (a.transpose() * x).minCoeff();
}

}  // namespace agora::test
