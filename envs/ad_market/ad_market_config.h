// The parameters of the `ad_market` env (envs/ad_market/ad_market.h states the model) and their
// translation into plain structs read once by the env's parts. ad_market_params() is the spec
// registered with the env (`agora describe ad_market` prints it, docs/ad_market.md explains
// it); AdMarketConfig is its validated, typed form. Cross-field checks (list lengths against
// the pool, probabilities in [0, 1], budgets > 0, targets that cannot be met) throw
// ConfigError naming the JSON path.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/params.h"
#include "mechanisms/value_distribution.h"

namespace agora {

enum class Objective { kClicks, kConversions, kValue };
enum class ClickModel { kTruth, kNoisy, kLearned };
enum class PacingMode { kNone, kThrottling, kBidModification };
enum class SessionArrivals { kPoisson, kFixed };

struct UserConfig {
  int count = 1000;
  double sessions_per_day = 1.0;
  SessionArrivals arrivals = SessionArrivals::kPoisson;
  double continue_prob = 0.6;
  double ad_aversion = 0.2;
  double interest_concentration = 2.0;
  double interest_drift = 0.0;
  double relevance_floor = 0.1;
  double fatigue_strength = 0.1;
  double fatigue_half_life_hours = 24.0;
  double churn_base = 0.0;
  double churn_ad_load = 0.0;
  double churn_fatigue = 0.0;
  double churn_relevance = 0.0;
  double return_rate = 0.0;
};

// One attribute of the advertiser pool: a distribution per pool slot.
using SlotDistributions = std::vector<ValueDistribution>;

struct AdvertiserConfig {
  int initial = 10;
  int max_entrants = 0;
  double entry_rate = 0.0;
  bool has_budgets = true;
  SlotDistributions budget;  // empty when budgets are unlimited
  SlotDistributions value_per_click;
  SlotDistributions value_per_conversion;
  SlotDistributions conversion_rate;
  SlotDistributions quality;
  std::vector<Objective> objective;  // per slot
  std::vector<double> target_cpa;    // per slot, 0 = none
  std::vector<double> target_roas;   // per slot, 0 = none
  double targeting_threshold = 0.0;
  double interest_concentration = 2.0;
  int churn_patience = 0;
  double min_roi = 1.0;
  double unspent_fraction = 0.9;
  int pool() const { return initial + max_entrants; }
};

struct PlatformConfig {
  std::vector<double> position_ctr;
  double ad_load = 1.0;
  int candidates = 10;
  int frequency_cap = 0;
  bool budget_covers_bid = false;  // budget_guard "bid"
  double fatigue_penalty = 0.0;
  ClickModel click_model = ClickModel::kTruth;
  double noise_sigma = 0.3;
  double learning_rate = 0.05;
  double prior_ctr = 0.05;
  double prior_cvr = 0.05;
  PacingMode pacing = PacingMode::kNone;
  double pacing_rate = 0.5;
  int pacing_intervals_per_hour = 4;
};

// The optional "platform" role: one agent that sets the hard reserve and/or the ad load of
// every auction in a period and is rewarded by a weighted sum of that period's metrics.
struct PlatformRoleConfig {
  bool enabled = false;
  int reserve_column = -1;  // action columns, -1: not controlled
  int ad_load_column = -1;
  std::vector<std::string> controls;
  std::vector<double> low, high;                          // per control
  std::vector<std::pair<std::string, double>> objective;  // metric name, weight
};

struct AdMarketConfig {
  int period_hours = 24;
  int topics = 8;
  double max_multiplier = 5.0;
  double diurnal_amplitude = 0.0;
  UserConfig users;
  AdvertiserConfig advertisers;
  PlatformConfig platform;
  PlatformRoleConfig platform_role;
};

ParamSpecs ad_market_params();

// From validated params (validate_params with ad_market_params()); `path` is the env's JSON
// path ("env"), params live under path + ".params".
AdMarketConfig read_ad_market_config(const Json& params, const std::string& path);

}  // namespace agora
