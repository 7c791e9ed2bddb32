// One simulation: the env, mechanism and policies of one sweep cell under one seed, and the
// act -> step -> learn loop. Everything random derives from the seed: the env's stream is
// derive_seed(seed, "env"), each agent group's derive_seed(seed, "agents/<role>/<group>").
// A Simulation is a self-contained unit of work: (effective cell config, seed) -> trajectory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "agents/policy.h"
#include "envs/env.h"
#include "experiments/experiment_config.h"
#include "experiments/exploitability.h"
#include "experiments/regret_tracker.h"
#include "mechanisms/mechanism.h"

namespace agora {

class Simulation {
 public:
  // `regret_points` >= 2 tracks every agent's external regret (RegretTracker); 0: off.
  Simulation(const CellConfig& cell, std::uint64_t seed, int regret_points = 0);

  // Runs one env step. Returns false once the episode is over. A policy's invalid action
  // (NaN, infinite, outside the action space) is a ConfigError naming the agent group.
  bool step();

  const Env& env() const { return *env_; }
  const StepResult& last() const { return env_->last(); }
  const std::vector<RowBatch>& actions() const { return actions_; }
  std::int64_t steps() const { return env_->steps_taken(); }
  // {role: [{"type", "agents": [first, count], "strategy": ...}]}
  Json strategies() const;
  // Null when regret is not tracked.
  const RegretTracker* regret() const { return regret_ ? &*regret_ : nullptr; }
  // NashConv of the policies as they are now, in a fresh env of the same cell seeded with
  // derive_seed(seed, "exploitability"); the policies act but do not learn.
  Json exploitability(const ExploitabilityOptions& options);

 private:
  struct Group {
    const AgentGroup* config;
    std::unique_ptr<Policy> policy;
  };

  const CellConfig& cell_;
  const std::uint64_t seed_;
  std::shared_ptr<const Mechanism> mechanism_;
  std::unique_ptr<Env> env_;
  std::vector<Group> groups_;
  std::vector<RowBatch> actions_;
  std::vector<RowBatch> observations_before_;
  std::vector<BoolArray> active_before_;
  std::optional<RegretTracker> regret_;
};

}  // namespace agora
