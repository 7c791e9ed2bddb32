// The advertiser and platform parameters of an AdServer (envs/ad_market/ad_server.h), shared
// by the envs that host one: `ad_market` (under params.advertisers and params.platform) and the
// content feed's ads. ad_advertiser_params() and ad_platform_params() are the specs (`agora
// describe ad_market` prints them, docs/ad_market.md explains them); the read_* functions turn
// validated params into plain structs, with the cross-field checks (list lengths against the
// pool, probabilities in [0, 1], budgets > 0, targets that cannot be met) as ConfigErrors
// naming the JSON path.
#pragma once

#include <string>
#include <vector>

#include "core/params.h"
#include "mechanisms/value_distribution.h"

namespace agora {

enum class Objective { kClicks, kConversions, kValue };
enum class ClickModel { kTruth, kNoisy, kLearned };
enum class PacingMode { kNone, kThrottling, kBidModification };

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

// Everything an AdServer needs: the advertisers, the platform, the dimension of the interest
// and targeting vectors, the action bound and the relevance floor (relevance = floor + (1 -
// floor) x cosine(viewer interests, ad targeting)).
struct AdServerConfig {
  int topics = 8;
  double max_multiplier = 5.0;
  double relevance_floor = 0.1;
  AdvertiserConfig advertisers;
  PlatformConfig platform;
};

// A real parameter in [0, 1].
ParamSpec probability_param(std::string name, double value, std::string doc);

ParamSpecs ad_advertiser_params();
// The platform's parameters. With page_layout false, position_ctr, ad_load and frequency_cap
// (which describe ad_market's pages and sessions) are left out, for hosts that lay out ads
// themselves (a feed shows one page per session, where a per-session cap would never bind).
ParamSpecs ad_platform_params(bool page_layout = true);
// Position effects: non-empty, each in (0, 1], non-increasing.
std::vector<double> checked_position_ctr(const Json& values, const std::string& path);

// From validated params; `path` is the object's JSON path. read_ad_platform reads position_ctr
// and ad_load only when present.
AdvertiserConfig read_ad_advertisers(const Json& params, const std::string& path);
PlatformConfig read_ad_platform(const Json& params, const std::string& path);

}  // namespace agora
