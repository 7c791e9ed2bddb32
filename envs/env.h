// The multi-agent env API: PettingZoo Parallel semantics in C++, batched per role.
//
// An env declares roles, each with a fixed pool of agents and fixed observation and action
// spaces. reset(seed) and step(actions) return a StepResult holding, per role, one
// observation row, reward, `terminated` and `truncated` flag and `active` flag per agent
// (struct of arrays, Eigen), plus a row of named per-step metrics.
//
// Semantics (checked by the conformance harness in tests/envs/conformance.h):
// - Seeding as in Gymnasium: reset(seed) reseeds the env's own stream
//   derive_seed(seed, "env"); reset() without a seed continues the current stream (seed 0 if
//   the env was never seeded). Same seed and actions => identical results.
// - `active[i]` says agent i acts in the next step. An agent that leaves has terminated[i]
//   set on the step it leaves and is inactive from then on: it is never revived; entrants take
//   fresh slots that were never active. Actions of inactive agents are ignored and their
//   rewards are 0.
// - After `horizon` steps every active agent is truncated and the episode is over; step()
//   after the end, or before reset(), is a programming error (InvariantError).
// - Actions of active agents must lie in the action space: a NaN, infinite or out-of-bounds
//   action is rejected with a ConfigError naming the role and agent (exit code 2 in the CLI).
// - Feedback: a role's spec says whether learners get bandit feedback (own reward only) or
//   full information, in which case counterfactuals(role) answers "what would agent i have
//   received had it played each of these actions, all else equal" for the last step. An env
//   may answer that for bandit-feedback roles too (counterfactual_oracle), for diagnostics only.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.h"
#include "core/piecewise_linear.h"
#include "core/rng.h"
#include "envs/space.h"

namespace agora {

enum class Feedback { kBandit, kFull };

struct RoleSpec {
  std::string name;
  int pool_size = 0;
  Space observation_space;
  Space action_space;
  Feedback feedback = Feedback::kBandit;
};

struct RoleState {
  RowBatch observations;   // pool_size x observation dim
  Eigen::ArrayXd rewards;  // pool_size
  BoolArray active;        // acts in the next step
  BoolArray terminated;    // left the env in this step
  BoolArray truncated;     // cut off by the horizon in this step
};

struct StepResult {
  std::vector<RoleState> roles;
  Eigen::ArrayXd metrics;  // named by Env::metric_names()
  bool episode_over = false;
};

class CounterfactualFeedback {
 public:
  virtual ~CounterfactualFeedback() = default;
  // out(r) = the reward `agent` would have received in the last step had it played
  // candidates.row(r), with everything else (other agents' actions, randomness) unchanged.
  // Ties in the mechanism are counted in expectation over the random tie-break.
  virtual void counterfactual_rewards(int agent, const RowBatch& candidates,
                                      Eigen::Ref<Eigen::ArrayXd> out) const = 0;

  // Optional, for roles whose action is one number: the last step consisted of
  // counterfactual_rounds() rounds (0: not offered), its reward being the mean of the rounds'
  // rewards, and reward_profile() gives what `agent` would have received in one of them as a
  // function of its action, all else equal — exactly, as a piecewise-linear function, so a
  // learner can evaluate every grid point at once and see the thresholds between them.
  virtual int counterfactual_rounds() const { return 0; }
  virtual void reward_profile(int agent, int round, PiecewiseLinear& out) const;
};

class Env {
 public:
  virtual ~Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  const std::vector<RoleSpec>& roles() const { return roles_; }
  int role_index(const std::string& name) const;  // -1 if absent
  const std::vector<std::string>& metric_names() const { return metric_names_; }
  std::int64_t horizon() const { return horizon_; }
  std::int64_t steps_taken() const { return steps_; }

  const StepResult& reset(std::optional<std::uint64_t> seed = std::nullopt);
  // One action matrix per role (pool_size x action dim).
  const StepResult& step(const std::vector<RowBatch>& actions);
  const StepResult& last() const { return result_; }

  // What learners of `role` may see: the counterfactual oracle when the role gets full
  // information, null under bandit feedback.
  const CounterfactualFeedback* counterfactuals(int role) const {
    return roles_[static_cast<std::size_t>(role)].feedback == Feedback::kFull
               ? counterfactual_oracle(role)
               : nullptr;
  }
  // What the env can answer about the last step whatever the role's feedback, for diagnostics
  // (external regret, exploitability) that experiments compute and learners never see; null
  // when the env offers no counterfactuals for the role. Must be non-null for full-information
  // roles.
  virtual const CounterfactualFeedback* counterfactual_oracle(int /*role*/) const {
    return nullptr;
  }
  // What theory predicts for the per-step metrics under this configuration (e.g. at the
  // Bayes-Nash equilibrium), as {"metric": value, ..., "note": "..."}; empty when theory has
  // no closed form for the setting.
  virtual Json predicted_metrics() const { return Json::object(); }
  // What theory predicts the agents play, e.g. {"bid_function": {"value": [...], "bid": [...],
  // "note": "..."}} for the symmetric equilibrium bid of an auction; empty when unknown. The
  // runner stores it with the cell's predicted metrics in summary.json ("theory").
  virtual Json predicted_strategies() const { return Json::object(); }

 protected:
  Env(std::vector<RoleSpec> roles, std::vector<std::string> metric_names, std::int64_t horizon);

  // Fill observations and active flags for the first step.
  virtual void on_reset(Rng& rng, StepResult& result) = 0;
  // Simulate one step: fill observations, rewards, terminated, active and metrics.
  virtual void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) = 0;

 private:
  void check_actions(const std::vector<RowBatch>& actions) const;

  std::vector<RoleSpec> roles_;
  std::vector<std::string> metric_names_;
  std::int64_t horizon_;
  std::int64_t steps_ = 0;
  bool was_reset_ = false;
  Rng rng_{0};
  StepResult result_;
  std::vector<BoolArray> ever_active_;
  std::vector<BoolArray> active_before_;
};

}  // namespace agora
