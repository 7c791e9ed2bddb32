// Parameters of the ads in the content feed (envs/content_ecosystem/feed_ads.h states the model;
// docs/content_ecosystem.md, "Ads in the feed", the decisions): the spec of the content env's
// `ads` object and its reading into FeedAdsConfig. The advertisers and the platform reuse the
// ad_market env's specs (envs/ad_market/ad_server_config.h) without its page layout
// (position_ctr, ad_load): the feed lays out its ads itself.
//
//   ad_load               [0, 1]     0.2       ads per organic item (0.2: one ad per five)
//   positions             text       "spaced"  "spaced" | "top"
//   position_decay        (0, 1]     0.9       examination of feed position p (0-based): decay^p
//   interest_sharpness    [0, 100]   5         β of the softmax mapping preferences to topics
//   relevance_floor       [0, 1]     0.1       relevance = floor + (1 - floor) cosine
//   max_multiplier        > 0        5         bound of the advertisers' "multiplier" action
//   fatigue_strength      [0, 1000]  0.1       κ: click probabilities x 1 / (1 + κF)
//   fatigue_half_life     > 0        3         half-life of the exposure stock F, in periods
//   diversity_window      [1, 100]   10        the user's last ad impressions for diversity
//   ad_annoyance          >= 0       0.05      utility cost of one ad impression
//   fatigue_annoyance     >= 0       1         the cost's growth with fatigue 1 - 1/(1 + κF)
//   repetition_annoyance  >= 0       1         the cost's growth with repetition 1 - diversity
//   ad_aversion           >= 0       0.1       outside-option utility added per ad in the feed
//   advertisers           object               ad_market's advertiser schema
//   platform              object               ad_market's platform schema minus page layout
#pragma once

#include <string>

#include "core/params.h"
#include "envs/ad_market/ad_server_config.h"

namespace agora {

enum class FeedAdPositions { kSpaced, kTop };

struct FeedAdsConfig {
  double ad_load = 0.2;
  FeedAdPositions positions = FeedAdPositions::kSpaced;
  double position_decay = 0.9;
  double interest_sharpness = 5.0;
  double fatigue_strength = 0.1;
  double fatigue_half_life = 3.0;
  int diversity_window = 10;
  double ad_annoyance = 0.05;
  double fatigue_annoyance = 1.0;
  double repetition_annoyance = 1.0;
  double ad_aversion = 0.1;
  // The server's settings; server.topics is the host's topic count and
  // server.platform.position_ctr is filled in by FeedAds (one entry per possible ad slot).
  AdServerConfig server;
};

ParamSpecs feed_ads_params();
// From params validated with feed_ads_params(); `path` is the `ads` object's JSON path,
// `topics` the content space's number of topics (the advertisers' targeting dimension).
FeedAdsConfig read_feed_ads_config(const Json& ads, const std::string& path, int topics);
// Validation for a nullable `ads` param: null, or an object valid under feed_ads_params().
Json validate_feed_ads(const Json& value, const std::string& path);

}  // namespace agora
