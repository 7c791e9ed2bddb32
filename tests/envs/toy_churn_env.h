// A test-only env with entry and exit, for the conformance harness (tests/envs/conformance.h).
//
// Role "walker" (pool 8, bandit feedback): observation [position in [-5, 5], age in [0, inf)],
// action [move in [-1, 1], effort in [0, inf)]. Each step an active walker moves by its action
// plus U(-0.2, 0.2) noise (clamped to [-5, 5]), earns -|position| - 0.01 min(effort, 1) and
// leaves with probability 0.15. (The unbounded "effort" dimension checks that infinite actions
// are rejected even where the bound is infinite.) Three
// walkers start; each step a new walker enters the next never-used slot with probability 0.5
// until the pool is exhausted.
// Role "house" (pool 1, full feedback): action Discrete(3) "fee", observation [crowd in
// [0, 8]]; reward fee_factor[fee] * (walkers active before the step) + U(0, 1) noise, so the
// counterfactual reward of any fee is known exactly.
//
// `Defect` breaks one rule of the contract, to check that the harness notices.
#pragma once

#include <algorithm>
#include <array>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "envs/env.h"

namespace agora::testing {

class ToyChurnEnv final : public Env, public CounterfactualFeedback {
 public:
  enum class Defect {
    kNone,
    kRevives,                // entrants reuse the lowest inactive slot, even one that left
    kSilentExit,             // leavers become inactive without `terminated`
    kNondeterministic,       // a process-wide counter leaks into the rewards
    kIgnoresSeed,            // draws from its own stream, seeded once at construction
    kObservationOutOfSpace,  // positions are not clamped
    kWrongCounterfactual,    // counterfactual rewards are off by 0.01
    kInactiveReward,         // rewards an inactive slot (the base class zeroes it)
  };

  static constexpr int kWalkers = 8;

  explicit ToyChurnEnv(std::int64_t horizon = 30, Defect defect = Defect::kNone)
      : Env(make_roles(), {"active_walkers", "mean_abs_position", "house_reward"}, horizon),
        defect_(defect),
        own_rng_(12345) {}

  const CounterfactualFeedback* counterfactual_oracle(int role) const override {
    return role == 1 ? this : nullptr;
  }

  void counterfactual_rewards(int agent, const RowBatch& candidates,
                              Eigen::Ref<Eigen::ArrayXd> out) const override {
    AGORA_CHECK_EQ(agent, 0);
    for (Eigen::Index c = 0; c < candidates.rows(); ++c) {
      out(c) = house_reward(static_cast<int>(candidates(c, 0))) +
               (defect_ == Defect::kWrongCounterfactual ? 0.01 : 0.0);
    }
  }

 protected:
  void on_reset(Rng& env_rng, StepResult& result) override {
    Rng& rng = defect_ == Defect::kIgnoresSeed ? own_rng_ : env_rng;
    RoleState& walkers = result.roles[0];
    position_.fill(0.0);
    age_.fill(0.0);
    for (int i = 0; i < 3; ++i) enter(i, rng, walkers);
    next_fresh_ = 3;
    crowd_ = 0;
    noise_ = 0.0;
    result.roles[1].active(0) = true;
    fill_observations(result);
  }

  void on_step(const std::vector<RowBatch>& actions, Rng& env_rng, StepResult& result) override {
    Rng& rng = defect_ == Defect::kIgnoresSeed ? own_rng_ : env_rng;
    RoleState& walkers = result.roles[0];
    boost::random::uniform_real_distribution<double> noise(-0.2, 0.2), unit(0.0, 1.0);
    crowd_ = 0;
    double total_abs = 0.0;
    for (int i = 0; i < kWalkers; ++i) {
      walkers.rewards(i) = 0.0;
      if (!walkers.active(i)) continue;
      ++crowd_;
      double x = position_[i] + actions[0](i, 0) + noise(rng);
      if (defect_ == Defect::kObservationOutOfSpace) {
        x += 2.0;
      } else {
        x = std::clamp(x, -5.0, 5.0);
      }
      position_[i] = x;
      age_[i] += 1.0;
      walkers.rewards(i) = -std::fabs(x) - 0.01 * std::min(actions[0](i, 1), 1.0);
      total_abs += std::fabs(x);
      if (unit(rng) < 0.15) {
        if (defect_ == Defect::kSilentExit) {
          walkers.active(i) = false;
        } else {
          walkers.terminated(i) = true;
        }
      }
    }
    if (unit(rng) < 0.5) {
      if (defect_ == Defect::kRevives) {
        for (int i = 0; i < kWalkers; ++i) {
          if (!walkers.active(i) && !walkers.terminated(i)) {
            enter(i, rng, walkers);
            break;
          }
        }
      } else if (next_fresh_ < kWalkers) {
        enter(next_fresh_++, rng, walkers);
      }
    }
    if (defect_ == Defect::kInactiveReward) {
      for (int i = 0; i < kWalkers; ++i) {
        if (!walkers.active(i) && !walkers.terminated(i)) walkers.rewards(i) = 1.0;
      }
    }
    noise_ = unit(rng);
    static int leaked_calls = 0;
    if (defect_ == Defect::kNondeterministic) noise_ += 1e-6 * (++leaked_calls);
    const int fee = static_cast<int>(actions[1](0, 0));
    result.roles[1].rewards(0) = house_reward(fee);
    int active_now = 0;
    for (int i = 0; i < kWalkers; ++i) active_now += walkers.active(i) && !walkers.terminated(i);
    result.metrics(0) = active_now;
    result.metrics(1) = crowd_ > 0 ? total_abs / crowd_ : 0.0;
    result.metrics(2) = result.roles[1].rewards(0);
    fill_observations(result);
  }

 private:
  static std::vector<RoleSpec> make_roles() {
    const double inf = std::numeric_limits<double>::infinity();
    RoleSpec walker;
    walker.name = "walker";
    walker.pool_size = kWalkers;
    walker.observation_space =
        Space::box((Eigen::ArrayXd(2) << -5.0, 0.0).finished(),
                   (Eigen::ArrayXd(2) << 5.0, inf).finished(), {"position", "age"});
    walker.action_space =
        Space::box((Eigen::ArrayXd(2) << -1.0, 0.0).finished(),
                   (Eigen::ArrayXd(2) << 1.0, inf).finished(), {"move", "effort"});
    RoleSpec house;
    house.name = "house";
    house.pool_size = 1;
    house.observation_space =
        Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, kWalkers), {"crowd"});
    house.action_space = Space::discrete(3, "fee");
    house.feedback = Feedback::kFull;
    return {walker, house};
  }

  double house_reward(int fee) const {
    static constexpr std::array<double, 3> kFeeFactor = {0.0, 0.5, 0.8};
    return kFeeFactor[static_cast<std::size_t>(fee)] * crowd_ + noise_;
  }

  void enter(int i, Rng& rng, RoleState& walkers) {
    position_[i] = boost::random::uniform_real_distribution<double>(-5.0, 5.0)(rng);
    age_[i] = 0.0;
    walkers.active(i) = true;
  }

  void fill_observations(StepResult& result) const {
    for (int i = 0; i < kWalkers; ++i) {
      result.roles[0].observations(i, 0) = position_[i];
      result.roles[0].observations(i, 1) = age_[i];
    }
    result.roles[1].observations(0, 0) = crowd_;
  }

  const Defect defect_;
  Rng own_rng_;
  std::array<double, kWalkers> position_{};
  std::array<double, kWalkers> age_{};
  int next_fresh_ = 0;
  int crowd_ = 0;
  double noise_ = 0.0;
};

}  // namespace agora::testing
