// Parameters of the `content_ecosystem` env: the spec (name, type, default, range, doc; shown
// by `agora describe content_ecosystem`) and their reading, with the checks that involve
// several parameters, into the settings of the env's parts. See envs/content_ecosystem/
// content_ecosystem.h for the model and docs/content_ecosystem.md for the decisions.
#pragma once

#include <cstdint>
#include <string>

#include "core/params.h"
#include "envs/content_ecosystem/content_creators.h"
#include "envs/content_ecosystem/content_users.h"
#include "envs/content_ecosystem/feed_ads_config.h"
#include "envs/content_ecosystem/recommender.h"

namespace agora {

struct ContentConfig {
  int dim = 8;
  int topics = 8;
  std::uint64_t layout_seed = 1;
  ContentUserParams users;
  ContentCreatorParams creators;
  RecommenderWeights recommender;
  int slate_size = 10;
  double exposure_weight = 0.0;
  double engagement_weight = 0.0;
  double bonus_pool = 1.0;
  double coverage_threshold = 0.5;
  bool topic_actions = false;  // creator_action "topic"
  int oracle_users = 256;      // 0: all of the period's sessions
  int score_block = 512;
  bool region_metrics = true;  // demand_share_<r> and supply_share_<r> per topic region
  std::string exposure_rule;
  Json exposure_rule_params;
  std::string payment;
  Json payment_params;
  bool has_ads = false;  // params.ads is an object (envs/content_ecosystem/feed_ads.h)
  FeedAdsConfig ads;
};

ParamSpecs content_ecosystem_params();
// Reads validated (effective) params; throws ConfigError naming `path` (the env's params path)
// for checks across parameters.
ContentConfig read_content_config(const Json& params, const std::string& path);

}  // namespace agora
