// How an autobidding agent reads an advertiser's observation and writes its bid multiplier
// without knowing the env (the "advertiser" role contract of docs/autobidding.md).
//
// Observation: a Box whose dimensions are found by label —
//   budget               daily budget (0 = unlimited)
//   spend                spend in the last step
//   budget_remaining     what is left of the day's budget at the start of the next step
//   day_fraction_left    fraction of the day still to come at the start of the next step
//   value_obtained       value obtained in the last step
//   clicks, conversions, impressions   counts in the last step
//   target_cpa, target_roas            0 when none
//   expected_spend_share fraction of the day's traffic in the next step
// Action: a Box with a dimension labelled "multiplier" in [0, max]; the advertiser bids
// multiplier × its value per click in every auction of the step. Other action dimensions are
// written at their lower bound (0 when infinite, clipped into the bounds).
//
// The spend target ρ_t of a step, computed from the observation the step is played on:
//   "remaining"  ρ_t = budget_remaining · s_t / f_t, with s_t = expected_spend_share and
//                f_t = day_fraction_left (s_t / f_t clipped to [0, 1]): what is left of the day's
//                budget, spread over the rest of the day's expected traffic; self-correcting
//                (an overspent morning lowers the afternoon's target) and 0 once the budget is
//                gone.
//   "even"       ρ_t = min(budget · s_t, budget_remaining): the day's budget spread over the
//                day's traffic, as the constant per-period target ρ = B / T of Balseiro & Gur
//                (2019), but never more than what is left (a step that starts with the budget
//                gone has target 0 and spend 0, so it does not pull the multiplier up: its
//                zero spend says nothing about the bid).
// With day-long steps (s = f = 1) both are the daily budget. The nominal spend B · s_t
// normalises pacing errors, so step sizes and gains are dimensionless.
// budget_fraction φ in (0, 1] (default 1) aims at spending φ B a day instead of B: the budget
// treated as available is reduced by (1 − φ) B ("remaining": max(0, budget_remaining − (1 − φ) B)
// spread as above; "even": min(φ B s_t, that)). With steps as long as the budget's day, an
// exhausted budget reads as spend = B = target (the env stops the bids at the cap), which hides
// the overspend from the dual; aiming at φ < 1 (e.g. 0.95) keeps the signal: an exhausted day
// has spend above target and the multiplier comes down until the budget no longer runs out.
#pragma once

#include <array>
#include <initializer_list>
#include <string>

#include "core/params.h"
#include "envs/env.h"

namespace agora {

enum class Signal {
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
};
inline constexpr int kSignalCount = 11;
const char* signal_label(Signal signal);

enum class SpendTargetMode { kRemaining, kEven };
// "remaining" | "even" (validated by the param spec below).
SpendTargetMode spend_target_mode(const std::string& name);
// The "target" parameter shared by the pacing agents.
ParamSpec spend_target_param();
// The "budget_fraction" parameter (φ above) shared by the pacing agents.
ParamSpec budget_fraction_param();

class AdvertiserSignals {
 public:
  // Throws ConfigError at `error_path` when the observation is not a Box holding every label
  // of `needed`, or the action space is not a Box with a "multiplier" dimension whose bounds
  // are finite and non-negative.
  AdvertiserSignals(const RoleSpec& role, const std::string& error_path,
                    std::initializer_list<Signal> needed);

  bool has(Signal signal) const { return column(signal) >= 0; }
  double get(const RowBatch& observations, int agent, Signal signal) const {
    return observations(agent, column(signal));
  }

  double multiplier_low() const { return multiplier_low_; }
  double multiplier_high() const { return multiplier_high_; }
  double clip(double multiplier) const {
    return multiplier < multiplier_low_
               ? multiplier_low_
               : (multiplier > multiplier_high_ ? multiplier_high_ : multiplier);
  }
  // Writes clip(multiplier) in the multiplier column of `row` and the defaults elsewhere.
  void write(RowBatch& actions, int row, double multiplier) const {
    if (action_dim_ > 1) actions.row(row) = action_defaults_.transpose();
    actions(row, multiplier_column_) = clip(multiplier);
  }

  // B · s_t: the step's even share of the daily budget (0 without a budget). Needs kBudget and
  // kExpectedSpendShare.
  double nominal_spend(const RowBatch& observations, int agent) const {
    return get(observations, agent, Signal::kBudget) *
           get(observations, agent, Signal::kExpectedSpendShare);
  }
  // ρ_t as above; needs kBudgetRemaining and, for kRemaining, kDayFractionLeft.
  double spend_target(const RowBatch& observations, int agent, SpendTargetMode mode,
                      double budget_fraction = 1.0) const {
    double remaining = get(observations, agent, Signal::kBudgetRemaining);
    if (budget_fraction < 1.0) {
      remaining -= (1.0 - budget_fraction) * get(observations, agent, Signal::kBudget);
      if (remaining < 0.0) remaining = 0.0;
    }
    if (mode == SpendTargetMode::kEven) {
      const double nominal = budget_fraction * nominal_spend(observations, agent);
      return nominal < remaining ? nominal : remaining;
    }
    const double share = get(observations, agent, Signal::kExpectedSpendShare);
    const double left = get(observations, agent, Signal::kDayFractionLeft);
    const double fraction = left > share ? share / left : 1.0;
    return remaining * (fraction > 0.0 ? fraction : 0.0);
  }

 private:
  int column(Signal signal) const { return columns_[static_cast<std::size_t>(signal)]; }

  std::array<int, kSignalCount> columns_{};
  int multiplier_column_ = 0;
  int action_dim_ = 1;
  double multiplier_low_ = 0.0;
  double multiplier_high_ = 0.0;
  Eigen::ArrayXd action_defaults_;
};

}  // namespace agora
