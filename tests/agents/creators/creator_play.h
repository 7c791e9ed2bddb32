// Test support for creator agents: one policy acting for every creator of a single-role env,
// one act + step + learn per call, as the experiment runner does.
#pragma once

#include <memory>
#include <string>

#include "agents/policy.h"
#include "core/rng.h"
#include "envs/env.h"

namespace agora::testing {

inline PolicyContext creator_context(const Env& env, std::int64_t horizon, std::uint64_t seed) {
  PolicyContext ctx;
  ctx.role = &env.roles()[0];
  ctx.role_index = 0;
  for (int i = 0; i < env.roles()[0].pool_size; ++i) ctx.agents.push_back(i);
  ctx.horizon = horizon;
  ctx.seed = derive_seed(seed, "agents/creator/0");
  ctx.path = "agents.creator[0]";
  return ctx;
}

struct CreatorPlay {
  CreatorPlay(std::unique_ptr<Env> environment, const std::string& type, const Json& params,
              std::uint64_t seed)
      : env(std::move(environment)) {
    env->reset(seed);
    policy = make_policy(type, params, creator_context(*env, env->horizon(), seed));
    const RoleSpec& role = env->roles()[0];
    actions = RowBatch::Zero(role.pool_size, role.action_space.dim());
  }

  const StepResult& step() {
    observations = env->last().roles[0].observations;
    policy->act(observations, env->last().roles[0].active, actions);
    const StepResult& after = env->step({actions});
    policy->learn(Transition{observations, actions, after.roles[0], env->counterfactuals(0)});
    return after;
  }

  std::unique_ptr<Env> env;
  std::unique_ptr<Policy> policy;
  RowBatch observations;
  RowBatch actions;
};

}  // namespace agora::testing
