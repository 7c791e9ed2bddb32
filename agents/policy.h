// The agent API. A Policy acts for a set of agents of one role (rows `agents` of the role's
// batched observation and action matrices) and learns from the transitions it is given. It
// sees only the role's spaces, observations, rewards and — when the role's feedback is full
// information — the env's counterfactual answers; never a concrete env. Several policies can
// share a role (5 truthful bidders, 5 learners).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"
#include "envs/env.h"

namespace agora {

struct PolicyContext {
  const RoleSpec* role = nullptr;
  int role_index = 0;
  std::vector<int> agents;   // rows of the role's pool this policy acts for
  std::int64_t horizon = 1;  // steps in the episode
  std::uint64_t seed = 0;    // this policy's own stream (already derived for it)
  std::string path;          // JSON path of this agent group in the config, for errors
};

struct Transition {
  const RowBatch& observations;  // the role's observations the actions were chosen on
  const RowBatch& actions;       // the role's actions
  const RoleState& outcome;      // rewards, next observations, active/terminated/truncated
  const CounterfactualFeedback* counterfactuals;  // null under bandit feedback
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Writes the rows of this policy's active agents in `actions`.
  virtual void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) = 0;
  virtual void learn(const Transition& /*transition*/) {}
  // The policy's current strategy in a form analysis can read back (e.g. a learner's action
  // probabilities per value bucket); empty for policies without learned state.
  virtual Json strategy() const { return Json::object(); }
};

using PolicyFactory = std::unique_ptr<Policy> (*)(const Json& params, const PolicyContext& ctx);
using AgentRegistry = Registry<PolicyFactory>;

// Validates params against the registered spec and builds the policy.
std::unique_ptr<Policy> make_policy(const std::string& name, const Json& params,
                                    const PolicyContext& ctx);

}  // namespace agora
