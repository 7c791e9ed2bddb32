// Test support for the autobidding agents: builds a policy for every advertiser of an env and
// plays whole episodes (act, step, learn), handing each step to a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "agents/bidder_fixture.h"
#include "agents/policy.h"
#include "envs/env.h"

namespace agora::test {

inline std::unique_ptr<Policy> make_advertiser_policy(
    const Env& env, const std::string& type, const Json& params,
    const std::string& path = "agents.advertiser[0]") {
  const RoleSpec& role = env.roles()[0];
  std::vector<int> agents(role.pool_size);
  for (int i = 0; i < role.pool_size; ++i) agents[i] = i;
  return make_policy(type, params, context(role, agents, env.horizon(), 11, path));
}

// Per step: the observations acted on, the actions and the env's result.
using StepCallback = std::function<void(std::int64_t step, const RowBatch& observations,
                                        const RowBatch& actions, const StepResult& result)>;

// Plays one episode from reset(seed); inactive rows of the action matrix are set to NaN before
// every act() (a policy must not write them; the env ignores them).
inline void play_episode(Env& env, Policy& policy, std::uint64_t seed,
                         const StepCallback& on_step = nullptr) {
  const RoleSpec& role = env.roles()[0];
  std::vector<RowBatch> actions = {RowBatch::Zero(role.pool_size, role.action_space.dim())};
  RowBatch observations;
  const StepResult* result = &env.reset(seed);
  while (!result->episode_over) {
    observations = result->roles[0].observations;
    const BoolArray active = result->roles[0].active;
    for (int i = 0; i < role.pool_size; ++i) {
      if (!active(i)) actions[0].row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
    }
    policy.act(observations, active, actions[0]);
    result = &env.step(actions);
    policy.learn(Transition{observations, actions[0], result->roles[0], nullptr});
    if (on_step) on_step(env.steps_taken(), observations, actions[0], *result);
  }
}

}  // namespace agora::test
