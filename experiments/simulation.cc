#include "experiments/simulation.h"

#include <cstdlib>

#include "core/error.h"
#include "core/rng.h"
#include "envs/env_registry.h"

namespace agora {

Simulation::Simulation(const CellConfig& cell, std::uint64_t seed) : cell_(cell) {
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
}

bool Simulation::step() {
  const StepResult& before = env_->last();
  if (before.episode_over) return false;
  for (std::size_t r = 0; r < actions_.size(); ++r) {
    observations_before_[r] = before.roles[r].observations;
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
  for (auto& group : groups_) {
    const int r = group.config->role_index;
    const Transition transition{observations_before_[r], actions_[r], after.roles[r],
                                env_->counterfactuals(r)};
    group.policy->learn(transition);
  }
  return !after.episode_over;
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
