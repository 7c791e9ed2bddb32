// A test-only env for the autobidding agents: each advertiser faces its own stationary
// second-price market, many auctions per step ("fluid" when auctions_per_step is large).
//
// Role "advertiser" (pool = advertisers.size(), bandit feedback), the ad_market contract of
// docs/autobidding.md: action [multiplier in [0, max_multiplier]], observation [budget, spend,
// budget_remaining, day_fraction_left, value_obtained, clicks, conversions, impressions,
// target_cpa, target_roas, expected_spend_share].
// In every step, advertiser i takes part in R = auctions_per_step auctions; in each, its value
// per click is v ~ U[0, 1] and the highest competing bid d ~ U[0, 1], independent (both drawn
// from the env's Rng). It bids m v, and when m v > d it wins one impression and one click
// (click-through rate 1), pays d and obtains value v; the click converts with probability v
// (value per conversion 1, so value per click = value per conversion × conversion rate).
// A day has steps_per_day steps with equal traffic (expected_spend_share = 1 / steps_per_day);
// the daily budget is B_i = budget_rate_i · R · steps_per_day (budget_rate 0: unlimited). An
// advertiser whose spend of the day has reached B_i sits out the rest of the day's auctions (its
// draws are still made, so the stream does not depend on budgets), so the day's spend exceeds
// B_i by less than one price (< 1). Reward: value − spend of the step.
// Advertiser i leaves (terminated) after leave_after_i steps when that is ≥ 1.
// Metrics: total spend, total value and the fraction of the budgeted advertisers' auctions they
// sat out for lack of budget ("depleted_fraction").
#pragma once

#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "envs/env.h"

namespace agora::testing {

struct FluidAdvertiser {
  double budget_rate = 0.0;  // per auction; 0 = unlimited
  double target_cpa = 0.0;
  double target_roas = 0.0;
  std::int64_t leave_after = 0;  // 0 = never
};

struct FluidPacingConfig {
  std::vector<FluidAdvertiser> advertisers = {FluidAdvertiser{}};
  int auctions_per_step = 500;
  int steps_per_day = 1;
  double max_multiplier = 5.0;
  std::int64_t horizon = 100;
};

class FluidPacingEnv final : public Env {
 public:
  enum Column {
    kBudget,
    kSpend,
    kBudgetRemaining,
    kDayFractionLeft,
    kValueObtained,
    kClicks,
    kConversions,
    kImpressions,
    kTargetCpa,
    kTargetRoas,
    kExpectedSpendShare,
    kColumns
  };

  explicit FluidPacingEnv(FluidPacingConfig config)
      : Env({make_role(config)}, {"spend", "value", "depleted_fraction"}, config.horizon),
        config_(std::move(config)),
        pool_(static_cast<int>(config_.advertisers.size())),
        day_spend_(pool_, 0.0) {
    for (const auto& a : config_.advertisers) {
      budgets_.push_back(a.budget_rate * config_.auctions_per_step * config_.steps_per_day);
    }
  }

  double daily_budget(int i) const { return budgets_[static_cast<std::size_t>(i)]; }
  // Spend of the current day so far (0 right after a day ends).
  double day_spend(int i) const { return day_spend_[static_cast<std::size_t>(i)]; }
  int step_in_day() const { return step_in_day_; }

 protected:
  void on_reset(Rng& /*rng*/, StepResult& result) override {
    step_in_day_ = 0;
    std::fill(day_spend_.begin(), day_spend_.end(), 0.0);
    RoleState& state = result.roles[0];
    state.active.setConstant(true);
    state.observations.setZero();
    for (int i = 0; i < pool_; ++i) fill_constants(state.observations, i);
  }

  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override {
    RoleState& state = result.roles[0];
    boost::random::uniform_01<double> uniform;
    double total_spend = 0.0, total_value = 0.0, depleted = 0.0, budgeted = 0.0;
    for (int i = 0; i < pool_; ++i) {
      state.rewards(i) = 0.0;
      if (!state.active(i)) continue;
      const double m = actions[0](i, 0);
      const double budget = budgets_[static_cast<std::size_t>(i)];
      double& day_spend = day_spend_[static_cast<std::size_t>(i)];
      double spend = 0.0, value = 0.0, wins = 0.0, conversions = 0.0;
      for (int r = 0; r < config_.auctions_per_step; ++r) {
        const double v = uniform(rng);
        const double d = uniform(rng);
        const double u = uniform(rng);
        if (budget > 0.0 && day_spend >= budget) {
          depleted += 1.0;
          continue;
        }
        if (m * v > d) {
          spend += d;
          day_spend += d;
          value += v;
          wins += 1.0;
          conversions += u < v ? 1.0 : 0.0;
        }
      }
      if (budget > 0.0) budgeted += config_.auctions_per_step;
      auto row = state.observations.row(i);
      row(kSpend) = spend;
      row(kValueObtained) = value;
      row(kClicks) = wins;
      row(kImpressions) = wins;
      row(kConversions) = conversions;
      state.rewards(i) = value - spend;
      total_spend += spend;
      total_value += value;
      const std::int64_t leave = config_.advertisers[static_cast<std::size_t>(i)].leave_after;
      if (leave > 0 && steps_taken() + 1 >= leave) state.terminated(i) = true;
    }
    step_in_day_ = (step_in_day_ + 1) % config_.steps_per_day;
    if (step_in_day_ == 0) std::fill(day_spend_.begin(), day_spend_.end(), 0.0);
    for (int i = 0; i < pool_; ++i) fill_constants(state.observations, i);
    result.metrics(0) = total_spend;
    result.metrics(1) = total_value;
    result.metrics(2) = budgeted > 0.0 ? depleted / budgeted : 0.0;
  }

 private:
  static RoleSpec make_role(const FluidPacingConfig& config) {
    const double inf = std::numeric_limits<double>::infinity();
    RoleSpec role;
    role.name = "advertiser";
    role.pool_size = static_cast<int>(config.advertisers.size());
    Eigen::ArrayXd high = Eigen::ArrayXd::Constant(kColumns, inf);
    high(kDayFractionLeft) = 1.0;
    high(kExpectedSpendShare) = 1.0;
    role.observation_space = Space::box(
        Eigen::ArrayXd::Zero(kColumns), high,
        {"budget", "spend", "budget_remaining", "day_fraction_left", "value_obtained", "clicks",
         "conversions", "impressions", "target_cpa", "target_roas", "expected_spend_share"});
    role.action_space =
        Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, config.max_multiplier),
                   {"multiplier"});
    return role;
  }

  void fill_constants(RowBatch& observations, int i) const {
    const auto k = static_cast<std::size_t>(i);
    const double budget = budgets_[k];
    const double days = config_.steps_per_day;
    auto row = observations.row(i);
    row(kBudget) = budget;
    row(kBudgetRemaining) = budget > 0.0 ? std::max(0.0, budget - day_spend_[k]) : 0.0;
    row(kDayFractionLeft) = (days - step_in_day_) / days;
    row(kTargetCpa) = config_.advertisers[k].target_cpa;
    row(kTargetRoas) = config_.advertisers[k].target_roas;
    row(kExpectedSpendShare) = 1.0 / days;
  }

  const FluidPacingConfig config_;
  const int pool_;
  std::vector<double> budgets_;
  std::vector<double> day_spend_;
  int step_in_day_ = 0;
};

}  // namespace agora::testing
