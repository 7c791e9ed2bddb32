#include "agents/autobidding/advertiser_signals.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

const char* signal_label(Signal signal) {
  switch (signal) {
    case Signal::kBudget:
      return "budget";
    case Signal::kSpend:
      return "spend";
    case Signal::kBudgetRemaining:
      return "budget_remaining";
    case Signal::kDayFractionLeft:
      return "day_fraction_left";
    case Signal::kValueObtained:
      return "value_obtained";
    case Signal::kClicks:
      return "clicks";
    case Signal::kConversions:
      return "conversions";
    case Signal::kImpressions:
      return "impressions";
    case Signal::kTargetCpa:
      return "target_cpa";
    case Signal::kTargetRoas:
      return "target_roas";
    case Signal::kExpectedSpendShare:
      return "expected_spend_share";
  }
  return "";
}

SpendTargetMode spend_target_mode(const std::string& name) {
  return name == "even" ? SpendTargetMode::kEven : SpendTargetMode::kRemaining;
}

ParamSpec spend_target_param() {
  return param::text(
      "target", "remaining", {"remaining", "even"},
      "spend target of a step: 'remaining' = budget_remaining spread over the "
      "rest of the day's traffic, 'even' = min(budget × expected_spend_share, budget_remaining)");
}

ParamSpec budget_fraction_param() {
  return param::real("budget_fraction", 1.0,
                     "φ: aim at spending φ × the daily budget (e.g. 0.95 with day-long steps, so "
                     "an exhausted budget still reads as overspending)")
      .range(1e-6, 1.0);
}

AdvertiserSignals::AdvertiserSignals(const RoleSpec& role, const std::string& error_path,
                                     std::initializer_list<Signal> needed) {
  const Space& observations = role.observation_space;
  const Space& actions = role.action_space;
  columns_.fill(-1);
  if (observations.kind() == Space::Kind::kBox) {
    for (int s = 0; s < kSignalCount; ++s) {
      columns_[static_cast<std::size_t>(s)] = observations.index_of(signal_label(Signal(s)));
    }
  }
  std::string missing;
  for (const Signal signal : needed) {
    if (has(signal)) continue;
    missing += std::string(missing.empty() ? "" : ", ") + "'" + signal_label(signal) + "'";
  }
  if (!missing.empty()) {
    throw ConfigError(error_path, "an autobidding agent needs observation dimensions labelled " +
                                      missing + "; role '" + role.name + "' observes " +
                                      observations.describe());
  }
  multiplier_column_ = actions.kind() == Space::Kind::kBox ? actions.index_of("multiplier") : -1;
  if (multiplier_column_ < 0) {
    throw ConfigError(error_path,
                      "an autobidding agent needs a Box action dimension labelled 'multiplier'; "
                      "role '" +
                          role.name + "' has actions " + actions.describe());
  }
  multiplier_low_ = actions.low()(multiplier_column_);
  multiplier_high_ = actions.high()(multiplier_column_);
  if (!(multiplier_low_ >= 0.0) || !std::isfinite(multiplier_high_)) {
    throw ConfigError(error_path, "the 'multiplier' action of role '" + role.name +
                                      "' must have finite non-negative bounds, got " +
                                      format_range(multiplier_low_, multiplier_high_));
  }
  action_dim_ = actions.dim();
  action_defaults_.resize(action_dim_);
  for (int d = 0; d < action_dim_; ++d) {
    const double low = actions.low()(d);
    action_defaults_(d) = std::clamp(std::isfinite(low) ? low : 0.0, low, actions.high()(d));
  }
}

}  // namespace agora
