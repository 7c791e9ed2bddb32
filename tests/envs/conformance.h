// The env conformance harness: every env in envs/ (and every test-only env) must pass it.
//
// check_env_conformance(make_env) builds fresh envs with `make_env`, plays them with random
// actions drawn from each role's action space (Space::sample with the harness's own Rng, so
// the same actions are replayed for every comparison) and checks the contract of envs/env.h:
//
// - Determinism: reset(seed) twice with the same seed and the same actions gives bitwise
//   identical observations, rewards, active/terminated/truncated flags, metrics and
//   episode_over over whole episodes, also when the actions of inactive agents are garbage
//   (NaN) instead of samples (they must be ignored); a different seed gives a different
//   trajectory; reset() on a fresh env equals reset(0); reset() without a seed continues the
//   stream (the next episode differs from the previous one) and reset(seed) restarts it.
// - Spaces: roles and spaces never change; observations of active agents lie inside their
//   observation spaces and are finite; rewards and metrics are finite; the metric row has one
//   entry per metric_names(); inactive agents get reward 0.
// - Flags: after reset nothing is terminated or truncated and somebody is active; only agents
//   that were active may terminate, and a terminated agent is inactive; truncation happens
//   exactly at the horizon, for exactly the agents still active; episode_over exactly when the
//   horizon is reached or nobody is active; steps_taken() counts steps.
// - Errors: step() before reset() and after the end throws InvariantError; a NaN, infinite or
//   out-of-bounds action of an active agent throws ConfigError naming the role and agent and
//   leaves the env untouched (the episode then continues exactly as if it had not happened).
// - No revival: an agent that was active and became inactive is never active again.
// - Theory: predicted_metrics() is an object of finite numbers keyed by metric names (and
//   "note").
// - Feedback: counterfactual_oracle(role) is non-null for roles with Feedback::kFull (and may
//   be for others: diagnostics use it); when present, the counterfactual reward of the action
//   actually played equals the realized reward (within `counterfactual_tolerance`, relative to
//   max(1, |reward|); with continuous random actions the mechanism has no ties), other candidates
//   give finite rewards, and asking does not change the env.
//
// conformance_failures() returns the violations as messages (an exception escaping the env is
// one of them); check_env_conformance() reports each as a doctest failure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "envs/env.h"

namespace agora::testing {

struct ConformanceOptions {
  std::uint64_t seed = 20240611;      // the env seed of the reference episodes
  std::uint64_t action_seed = 977;    // the harness's own action stream
  int episodes = 2;                   // consecutive episodes per reference run
  std::int64_t max_horizon = 2000;    // longer horizons are a failure: configure a short one
  int counterfactual_candidates = 4;  // random candidates besides the played action
  double counterfactual_tolerance = 1e-9;
  bool expect_seed_dependence = true;  // false for envs without randomness
  int invalid_action_agents = 2;       // active agents per role probed with invalid actions
};

std::vector<std::string> conformance_failures(const std::function<std::unique_ptr<Env>()>& make_env,
                                              const ConformanceOptions& options = {});

void check_env_conformance(const std::function<std::unique_ptr<Env>()>& make_env,
                           const ConformanceOptions& options = {});

}  // namespace agora::testing
