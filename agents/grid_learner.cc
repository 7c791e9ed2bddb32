#include "agents/grid_learner.h"

#include <algorithm>
#include <cmath>

namespace agora {

namespace {

Json validate_positive(const Json& value, const std::string& path) {
  if (!value.is_number()) {
    throw ConfigError(
        path, "expected a number, got " + json_type_name(value) + " (" + value.dump() + ")");
  }
  const double x = value.get<double>();
  if (!std::isfinite(x) || !(x > 0.0)) {
    throw ConfigError(path, "must be a finite number > 0, got " + format_number(x));
  }
  return Json(x);
}

ParamSpec range_param(std::string name, std::string doc) {
  return param::custom(std::move(name), nullptr, "[low, high] or null", std::move(doc),
                       [](const Json& v, const std::string& p) { return validate_interval(v, p); })
      .allow_null();
}

}  // namespace

ParamSpecs grid_learner_params() {
  return {
      param::text("grid", nullptr, {"bid", "shade"},
                  "grid over absolute bids per click or shading factors (bid = shade × value); "
                  "null = the action space's units")
          .allow_null(),
      param::integer("points", 101, "number of grid points K, both ends included")
          .range(2, 1000000),
      param::real("grid_low", nullptr,
                  "lowest grid point; null = the action's lower bound (bid grid) or 0 (shade)")
          .range(0.0, std::nullopt)
          .allow_null(),
      param::real("grid_high", nullptr,
                  "highest grid point; null = the action's upper bound (bid grid) or 1 (shade)")
          .range(0.0, std::nullopt)
          .allow_null(),
      param::integer("value_buckets", 1,
                     "equal-width buckets of value_range; one learner per agent and bucket")
          .range(1, 1000000),
      range_param("value_range",
                  "values split into buckets (outside values go to the end buckets); null = "
                  "the bounds of observation 'value'"),
  };
}

ParamSpec reward_range_param(std::string doc) {
  return range_param("reward_range", std::move(doc));
}

ParamSpec positive_real(std::string name, Json default_value, std::string doc) {
  return param::custom(std::move(name), std::move(default_value), "number > 0", std::move(doc),
                       &validate_positive);
}

std::optional<RewardRange> declared_reward_range(const Json& params) {
  const Json& range = params.at("reward_range");
  if (range.is_null()) return std::nullopt;
  return RewardRange{range[0].get<double>(), range[1].get<double>()};
}

GridSetup::GridSetup(const Json& params, const PolicyContext& ctx)
    : path_(ctx.path),
      role_name_(ctx.role->name),
      feedback_(ctx.role->feedback),
      horizon_(ctx.horizon),
      bid_action_(*ctx.role, join_path(ctx.path, "type"), /*needs_value=*/false) {
  const std::string params_path = join_path(ctx.path, "params");
  const auto key_path = [&](const char* key) { return join_path(params_path, key); };
  const bool bid_space = bid_action_.units() == BidAction::Units::kBid;

  const Json& grid = params.at("grid");
  kind_ = grid.is_null() ? (bid_space ? Kind::kBid : Kind::kShade)
                         : (grid.get<std::string>() == "bid" ? Kind::kBid : Kind::kShade);
  if (kind_ == Kind::kBid && !bid_space) {
    throw ConfigError(key_path("grid"), "a bid grid needs a 'bid' action, but role '" + role_name_ +
                                            "' acts in 'shade' units; use \"shade\"");
  }

  const double action_low = bid_action_.action_low();
  const double action_high = bid_action_.action_high();
  const double default_low = kind_ == Kind::kBid ? action_low : 0.0;
  const double default_high = kind_ == Kind::kBid ? action_high : 1.0;
  const double low =
      params.at("grid_low").is_null() ? default_low : params["grid_low"].get<double>();
  const double high =
      params.at("grid_high").is_null() ? default_high : params["grid_high"].get<double>();
  if (!std::isfinite(high)) {
    throw ConfigError(key_path("grid_high"), "the action's upper bound is " + format_number(high) +
                                                 "; set a finite grid_high");
  }
  if (!(low < high)) {
    throw ConfigError(key_path("grid_high"), "must exceed grid_low (" + format_number(low) +
                                                 "), got " + format_number(high));
  }
  const bool grid_in_action_units = (kind_ == Kind::kBid) == bid_space;
  if (grid_in_action_units && low < action_low) {
    throw ConfigError(key_path("grid_low"), format_number(low) + " is below the action bounds " +
                                                format_range(action_low, action_high));
  }
  if (grid_in_action_units && high > action_high) {
    throw ConfigError(key_path("grid_high"), format_number(high) + " is above the action bounds " +
                                                 format_range(action_low, action_high));
  }

  const int points = params.at("points").get<int>();
  grid_.resize(points);
  for (int k = 0; k < points; ++k) grid_[k] = low + (high - low) * k / (points - 1);
  grid_.back() = high;
  constant_actions_ = grid_in_action_units;
  if (constant_actions_) {
    action_table_.resize(points);
    for (int k = 0; k < points; ++k) action_table_[k] = bid_action_.clip(grid_[k]);
  }

  value_buckets_ = params.at("value_buckets").get<int>();
  needs_value_ = value_buckets_ > 1 || !constant_actions_;
  if (needs_value_ && !bid_action_.has_value()) {
    throw ConfigError(
        key_path(value_buckets_ > 1 ? "value_buckets" : "grid"),
        "needs an observation labelled 'value', which role '" + role_name_ + "' does not have");
  }
  const Json& value_range = params.at("value_range");
  value_low_ = value_range.is_null() ? bid_action_.value_low() : value_range[0].get<double>();
  value_high_ = value_range.is_null() ? bid_action_.value_high() : value_range[1].get<double>();
  if (!bid_action_.has_value() && value_range.is_null()) {
    value_low_ = -INFINITY;
    value_high_ = INFINITY;
  }
  if (value_buckets_ > 1) {
    if (!std::isfinite(value_low_) || !std::isfinite(value_high_)) {
      const std::string bounds = format_range(value_low_, value_high_);
      throw ConfigError(key_path("value_range"), "value_buckets > 1 needs a finite value range, " +
                                                     ("but observation 'value' has bounds " +
                                                      bounds + "; set value_range to [low, high]"));
    }
    bucket_scale_ = value_buckets_ / (value_high_ - value_low_);
  }

  const int clicks = ctx.role->observation_space.index_of("clicks");
  if (clicks >= 0 && std::isfinite(ctx.role->observation_space.high()(clicks))) {
    clicks_high_ = std::max(0.0, ctx.role->observation_space.high()(clicks));
  }
}

std::int64_t GridSetup::rounds_per_learner() const {
  return std::max<std::int64_t>(1, (horizon_ + value_buckets_ - 1) / value_buckets_);
}

void GridSetup::require_full_information(const std::string& algorithm) const {
  if (feedback_ == Feedback::kFull) return;
  throw ConfigError(join_path(path_, "type"),
                    "'" + algorithm + "' needs full-information feedback, but role '" + role_name_ +
                        "' gives bandit feedback (own reward only); use 'exp3' "
                        "or enable full information in the env");
}

std::optional<RewardRange> GridSetup::derived_reward_range() const {
  const bool observed_bounds_finite = bid_action_.has_value() &&
                                      std::isfinite(bid_action_.value_low()) &&
                                      std::isfinite(bid_action_.value_high());
  const double value_low = observed_bounds_finite ? bid_action_.value_low() : value_low_;
  const double value_high = observed_bounds_finite ? bid_action_.value_high() : value_high_;
  if (!std::isfinite(value_low) || !std::isfinite(value_high)) return std::nullopt;
  double lowest_utility = 0.0;
  if (kind_ == Kind::kBid) {
    lowest_utility = std::min(0.0, value_low - grid_.back());
  } else {
    for (const double value : {value_low, value_high}) {
      for (const double shade : {grid_.front(), grid_.back()}) {
        lowest_utility = std::min(lowest_utility, value * (1.0 - shade));
      }
    }
  }
  const RewardRange range{clicks_high_ * lowest_utility, clicks_high_ * std::max(0.0, value_high)};
  if (!(range.width() > 0.0)) return std::nullopt;
  return range;
}

RewardRange GridSetup::required_reward_range(const Json& params) const {
  if (auto declared = declared_reward_range(params)) return *declared;
  if (auto derived = derived_reward_range()) return *derived;
  if (!bid_action_.has_value()) {
    throw ConfigError(join_path(join_path(path_, "params"), "reward_range"),
                      "role '" + role_name_ +
                          "' has no 'value' observation to derive the reward range from; set "
                          "reward_range to [low, high] of one step's reward");
  }
  throw ConfigError(join_path(join_path(path_, "params"), "reward_range"),
                    "cannot derive the reward range from value range " +
                        format_range(value_low_, value_high_) +
                        "; set reward_range to [low, high] of one step's reward");
}

Json GridSetup::to_json() const {
  Json buckets = Json::array();
  for (int b = 0; b < value_buckets_; ++b) {
    if (value_buckets_ == 1) {
      buckets.push_back({value_low_, value_high_});
    } else {
      const double width = (value_high_ - value_low_) / value_buckets_;
      buckets.push_back({value_low_ + b * width, value_low_ + (b + 1) * width});
    }
  }
  return {{"grid", kind_ == Kind::kBid ? "bid" : "shade"},
          {"points", grid_},
          {"value_buckets", std::move(buckets)}};
}

}  // namespace agora
