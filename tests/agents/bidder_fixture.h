// Test support for bidder policies without an auction env: a bidder role, a policy context and
// a one-step "market" where each agent faces a rival bid and wins (paying the rival bid, as in
// a second-price auction) when its bid is higher, with full-information counterfactuals.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "envs/env.h"

namespace agora::test {

inline RoleSpec bidder_role(int pool, const std::string& action_label = "bid",
                            double action_high = 1.0, double value_low = 0.0,
                            double value_high = 1.0, Feedback feedback = Feedback::kBandit) {
  RoleSpec role;
  role.name = "bidder";
  role.pool_size = pool;
  role.observation_space =
      Space::box(Eigen::Array3d(value_low, 0.0, 0.0), Eigen::Array3d(value_high, 1.0, INFINITY),
                 {"value", "clicks", "payment"});
  role.action_space =
      Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, action_high), {action_label});
  role.feedback = feedback;
  return role;
}

inline PolicyContext context(const RoleSpec& role, std::vector<int> agents,
                             std::int64_t horizon = 1000, std::uint64_t seed = 7,
                             const std::string& path = "agents.bidder[0]") {
  PolicyContext ctx;
  ctx.role = &role;
  ctx.agents = std::move(agents);
  ctx.horizon = horizon;
  ctx.seed = seed;
  ctx.path = path;
  return ctx;
}

// Agent i wins when its bid exceeds rivals[i] (half a win on a tie) and earns value − rival.
class RivalMarket : public CounterfactualFeedback {
 public:
  explicit RivalMarket(const RoleSpec& role)
      : role_(role),
        shade_space_(role.action_space.index_of("shade") >= 0),
        values_(Eigen::ArrayXd::Zero(role.pool_size)),
        rivals_(Eigen::ArrayXd::Zero(role.pool_size)) {}

  double bid(int agent, double action) const {
    return shade_space_ ? action * values_(agent) : action;
  }
  double reward(int agent, double action) const {
    const double b = bid(agent, action);
    const double win = b > rivals_(agent) ? 1.0 : (b == rivals_(agent) ? 0.5 : 0.0);
    return win * (values_(agent) - rivals_(agent));
  }
  void counterfactual_rewards(int agent, const RowBatch& candidates,
                              Eigen::Ref<Eigen::ArrayXd> out) const override {
    ++calls;
    last_candidates = candidates;
    for (Eigen::Index r = 0; r < candidates.rows(); ++r) out(r) = reward(agent, candidates(r, 0));
  }

  const RoleSpec& role_;
  bool shade_space_;
  Eigen::ArrayXd values_;
  Eigen::ArrayXd rivals_;
  mutable int calls = 0;
  mutable RowBatch last_candidates;
};

// Drives one policy for the whole pool of a bidder role, one act + learn per step.
struct Harness {
  explicit Harness(RoleSpec spec) : role(std::move(spec)), market(role) {
    observations = RowBatch::Zero(role.pool_size, role.observation_space.dim());
    actions = RowBatch::Zero(role.pool_size, role.action_space.dim());
    outcome.observations = observations;
    outcome.rewards = Eigen::ArrayXd::Zero(role.pool_size);
    active = BoolArray::Constant(role.pool_size, true);
    outcome.active = active;
    outcome.terminated = BoolArray::Constant(role.pool_size, false);
    outcome.truncated = BoolArray::Constant(role.pool_size, false);
  }

  std::unique_ptr<Policy> make(const std::string& type, const Json& params,
                               std::int64_t horizon = 1000, std::uint64_t seed = 7) {
    std::vector<int> agents(role.pool_size);
    for (int i = 0; i < role.pool_size; ++i) agents[i] = i;
    return make_policy(type, params, context(role, agents, horizon, seed));
  }

  // Acts on `values`, pays out against `rivals`, then lets the policy learn.
  void step(Policy& policy, const Eigen::ArrayXd& values, const Eigen::ArrayXd& rivals) {
    market.values_ = values;
    market.rivals_ = rivals;
    observations.col(0) = values;
    policy.act(observations, active, actions);
    for (int i = 0; i < role.pool_size; ++i) {
      outcome.rewards(i) = active(i) ? market.reward(i, actions(i, 0)) : 0.0;
    }
    const bool full = role.feedback == Feedback::kFull;
    policy.learn(Transition{observations, actions, outcome, full ? &market : nullptr});
  }

  RoleSpec role;
  RivalMarket market;
  RowBatch observations;
  RowBatch actions;
  RoleState outcome;
  BoolArray active;
};

}  // namespace agora::test
