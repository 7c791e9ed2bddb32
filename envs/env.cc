#include "envs/env.h"

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace agora {

Env::Env(std::vector<RoleSpec> roles, std::vector<std::string> metric_names, std::int64_t horizon)
    : roles_(std::move(roles)), metric_names_(std::move(metric_names)), horizon_(horizon) {
  AGORA_CHECK_GE(horizon_, 1);
  result_.roles.resize(roles_.size());
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    const int n = roles_[r].pool_size;
    AGORA_CHECK_GE(n, 1);
    RoleState& state = result_.roles[r];
    state.observations = RowBatch::Zero(n, roles_[r].observation_space.dim());
    state.rewards = Eigen::ArrayXd::Zero(n);
    state.active = BoolArray::Constant(n, false);
    state.terminated = BoolArray::Constant(n, false);
    state.truncated = BoolArray::Constant(n, false);
  }
  result_.metrics = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(metric_names_.size()));
}

int Env::role_index(const std::string& name) const {
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    if (roles_[r].name == name) return static_cast<int>(r);
  }
  return -1;
}

const StepResult& Env::reset(std::optional<std::uint64_t> seed) {
  if (seed) {
    rng_.seed(derive_seed(*seed, "env"));
  } else if (!was_reset_) {
    rng_.seed(derive_seed(0, "env"));
  }
  was_reset_ = true;
  steps_ = 0;
  result_.episode_over = false;
  result_.metrics.setZero();
  for (auto& state : result_.roles) {
    state.rewards.setZero();
    state.active.setConstant(false);
    state.terminated.setConstant(false);
    state.truncated.setConstant(false);
  }
  on_reset(rng_, result_);
  ever_active_.clear();
  for (auto& state : result_.roles) ever_active_.push_back(state.active);
  active_before_ = ever_active_;
  return result_;
}

void Env::check_actions(const std::vector<RowBatch>& actions) const {
  AGORA_CHECK_EQ(actions.size(), roles_.size());
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    const RoleSpec& role = roles_[r];
    AGORA_CHECK_EQ(actions[r].rows(), role.pool_size);
    AGORA_CHECK_EQ(actions[r].cols(), role.action_space.dim());
    const BoolArray& active = result_.roles[r].active;
    if (role.action_space.kind() == Space::Kind::kBox && active.all()) {
      // Fast path: one pass over the whole batch; the loop below names the culprit.
      const double* a = actions[r].data();
      const int dim = role.action_space.dim();
      const double* low = role.action_space.low().data();
      const double* high = role.action_space.high().data();
      const auto in_box = [&](double x, int d) {
        return (x >= low[d]) & (x <= high[d]) & (x - x == 0.0);  // x - x == 0: finite
      };
      bool ok = true;
      if (dim == 1) {  // most roles act with one number (a bid): a flat pass
        for (int i = 0; i < role.pool_size; ++i) ok &= in_box(a[i], 0);
      } else {
        for (int i = 0; i < role.pool_size; ++i) {
          for (int d = 0; d < dim; ++d) ok &= in_box(a[i * dim + d], d);
        }
      }
      if (ok) continue;
    }
    for (int i = 0; i < role.pool_size; ++i) {
      if (!active(i)) continue;
      // Infinite actions are rejected even in a dimension with an infinite bound.
      if (role.action_space.contains(actions[r].row(i)) && actions[r].row(i).isFinite().all()) {
        continue;
      }
      std::ostringstream message;
      message << "action of " << role.name << " " << i << " is ";
      bool finite = actions[r].row(i).isFinite().all();
      message << (finite ? "outside its space" : "not finite") << ": [";
      for (int d = 0; d < actions[r].cols(); ++d) message << (d ? ", " : "") << actions[r](i, d);
      message << "], space " << role.action_space.describe() << ", at step " << steps_;
      throw ConfigError(role.name + "[" + std::to_string(i) + "]", message.str());
    }
  }
}

const StepResult& Env::step(const std::vector<RowBatch>& actions) {
  if (!was_reset_) throw InvariantError("Env::step() called before reset()");
  if (result_.episode_over) throw InvariantError("Env::step() called after the episode ended");
  check_actions(actions);
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    active_before_[r] = result_.roles[r].active;
    result_.roles[r].terminated.setConstant(false);
    result_.roles[r].truncated.setConstant(false);
  }
  on_step(actions, rng_, result_);
  ++steps_;
  bool anyone_active = false;
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    RoleState& state = result_.roles[r];
    for (int i = 0; i < roles_[r].pool_size; ++i) {
      if (state.terminated(i)) state.active(i) = false;
      if (state.active(i) && !active_before_[r](i) && ever_active_[r](i)) {
        throw InvariantError("env revived " + roles_[r].name + " " + std::to_string(i) +
                             " after it left");
      }
      if (!active_before_[r](i)) state.rewards(i) = 0.0;
      ever_active_[r](i) = ever_active_[r](i) || state.active(i);
      anyone_active = anyone_active || state.active(i);
    }
    if (steps_ >= horizon_) state.truncated = state.active;
  }
  result_.episode_over = steps_ >= horizon_ || !anyone_active;
  return result_;
}

void CounterfactualFeedback::reward_profile(int /*agent*/, int /*round*/,
                                            PiecewiseLinear& /*out*/) const {
  throw InvariantError("reward_profile() called on an env that offers no reward profiles");
}

}  // namespace agora
