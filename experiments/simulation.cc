#include "experiments/simulation.h"

#include <cstdlib>

#include "core/error.h"
#include "core/rng.h"
#include "envs/env_registry.h"

namespace agora {

Simulation::Simulation(const CellConfig& cell, std::uint64_t seed, int regret_points)
    : cell_(cell), seed_(seed) {
  if (!cell.mechanism_name.empty()) {
    mechanism_ = make_mechanism(cell.mechanism_name, cell.mechanism_params, "mechanism");
  }
  EnvContext context;
  context.horizon = cell.horizon;
  context.mechanism = mechanism_;
  env_ = make_env(cell.env_name, cell.env_params, context);
  for (const auto& role : env_->roles()) {
    actions_.push_back(RowBatch::Zero(role.pool_size, role.action_space.dim()));
    observations_before_.push_back(RowBatch::Zero(role.pool_size, role.observation_space.dim()));
  }
  for (const auto& group : cell.agents) {
    PolicyContext policy_context;
    policy_context.role = &env_->roles()[group.role_index];
    policy_context.role_index = group.role_index;
    for (int i = 0; i < group.count; ++i) policy_context.agents.push_back(group.first_agent + i);
    policy_context.horizon = cell.horizon;
    policy_context.seed =
        derive_seed(seed, "agents/" + group.role + "/" + std::to_string(group.group_index));
    policy_context.path = group.path;
    groups_.push_back({&group, make_policy(group.type, group.params, policy_context)});
  }
  env_->reset(seed);
  if (regret_points > 0) regret_.emplace(*env_, regret_points);
}

bool Simulation::step() {
  const StepResult& before = env_->last();
  if (before.episode_over) return false;
  for (std::size_t r = 0; r < actions_.size(); ++r) {
    observations_before_[r] = before.roles[r].observations;
  }
  if (regret_) {
    active_before_.resize(actions_.size());
    for (std::size_t r = 0; r < actions_.size(); ++r) active_before_[r] = before.roles[r].active;
  }
  for (auto& group : groups_) {
    const int r = group.config->role_index;
    group.policy->act(observations_before_[r], before.roles[r].active, actions_[r]);
  }
  try {
    env_->step(actions_);
  } catch (const ConfigError& e) {
    const std::string& where = e.path();
    const std::size_t bracket = where.find('[');
    const std::string role = where.substr(0, bracket);
    const int agent = bracket == std::string::npos ? -1 : std::atoi(where.c_str() + bracket + 1);
    for (const auto& group : groups_) {
      const AgentGroup& g = *group.config;
      if (g.role == role && agent >= g.first_agent && agent < g.first_agent + g.count) {
        throw ConfigError(g.path, "agent type '" + g.type +
                                      "' produced an invalid action: " + std::string(e.what()));
      }
    }
    throw;
  }
  const StepResult& after = env_->last();
  if (regret_) regret_->observe(*env_, active_before_);
  for (auto& group : groups_) {
    const int r = group.config->role_index;
    const Transition transition{observations_before_[r], actions_[r], after.roles[r],
                                env_->counterfactuals(r)};
    group.policy->learn(transition);
  }
  return !after.episode_over;
}

Json Simulation::exploitability(const ExploitabilityOptions& options) {
  EnvContext context;
  context.horizon = cell_.horizon;
  context.mechanism = mechanism_;
  const std::unique_ptr<Env> env = make_env(cell_.env_name, cell_.env_params, context);
  std::vector<PolicyBinding> policies;
  for (const auto& group : groups_) {
    policies.push_back({group.policy.get(), group.config->role_index});
  }
  return estimate_nash_conv(*env, derive_seed(seed_, "exploitability"), policies, options);
}

Json Simulation::strategies() const {
  Json out = Json::object();
  for (const auto& group : groups_) {
    Json entry = {{"type", group.config->type},
                  {"first_agent", group.config->first_agent},
                  {"count", group.config->count},
                  {"strategy", group.policy->strategy()}};
    out[group.config->role].push_back(entry);
  }
  return out;
}

}  // namespace agora
