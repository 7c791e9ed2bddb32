// The parameters of the `ad_market` env (envs/ad_market/ad_market.h states the model) and their
// translation into plain structs read once by the env's parts. ad_market_params() is the spec
// registered with the env (`agora describe ad_market` prints it, docs/ad_market.md explains
// it); AdMarketConfig is its validated, typed form. The advertiser and platform parts are the
// AdServer's (envs/ad_market/ad_server_config.h); this file adds the users, time and the
// optional platform role. Cross-field checks throw ConfigError naming the JSON path.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/params.h"
#include "envs/ad_market/ad_server_config.h"

namespace agora {

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
