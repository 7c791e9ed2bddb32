#include "envs/content_ecosystem/feed_ads_config.h"

#include "core/error.h"

namespace agora {

ParamSpecs feed_ads_params() {
  return {
      probability_param("ad_load", 0.2,
                        "ads per organic item: a feed of n organic items shows n x ad_load "
                        "ads, rounded at random (mean exact)"),
      param::text("positions", "spaced", {"spaced", "top"},
                  "where the ads go: \"spaced\" evenly among the organic items (ad j of a "
                  "after floor((j + 1) n / (a + 1)) organic items), \"top\" before them"),
      param::real("position_decay", 0.9,
                  "position effect of feed position p (0-based, ads and organic items "
                  "counted): position_decay^p")
          .range(1e-6, 1.0),
      param::real("interest_sharpness", 5.0,
                  "beta: a user's ad interests are softmax(beta <x, centroid_t>) over the "
                  "content topics t, normalised to unit length")
          .range(0.0, 100.0),
      probability_param("relevance_floor", 0.1,
                        "relevance = floor + (1 - floor) x cosine(ad interests, targeting)"),
      param::real("max_multiplier", 5.0, "upper bound of the advertisers' 'multiplier' action")
          .range(1e-9, 1e6),
      param::real("fatigue_strength", 0.1,
                  "kappa: ad click probabilities are multiplied by 1 / (1 + kappa F), F the "
                  "user's ad exposure stock")
          .range(0.0, 1000.0),
      param::real("fatigue_half_life", 3.0, "half-life of the exposure stock F, in periods")
          .range(1e-6, 1e6),
      param::integer("diversity_window", 10,
                     "ad diversity of a user = distinct advertisers / impressions among its "
                     "last diversity_window ad impressions")
          .range(1, 100),
      param::real("ad_annoyance", 0.05,
                  "utility cost of one ad impression for an unfatigued user seeing diverse "
                  "ads; subtracted from the session's value (satisfaction, churn)")
          .range(0.0, 1e6),
      param::real("fatigue_annoyance", 1.0,
                  "the cost per ad is multiplied by 1 + fatigue_annoyance x (1 - 1/(1 + "
                  "kappa F))")
          .range(0.0, 1e6),
      param::real("repetition_annoyance", 1.0,
                  "the cost per ad is multiplied by 1 + repetition_annoyance x (1 - ad "
                  "diversity)")
          .range(0.0, 1e6),
      param::real("ad_aversion", 0.1,
                  "the outside option's utility in the user's choice rises by this per ad in "
                  "the feed (ads crowd out content consumption)")
          .range(0.0, 1e6),
      param::object("advertisers", ad_advertiser_params(),
                    "the advertiser pool (the ad_market env's schema, docs/ad_market.md)"),
      param::object("platform", ad_platform_params(false),
                    "retrieval, ranking, click prediction and budget pacing (ad_market's "
                    "platform schema without position_ctr and ad_load)"),
  };
}

Json validate_feed_ads(const Json& value, const std::string& path) {
  if (value.is_null()) return value;
  if (!value.is_object()) {
    throw ConfigError(path, "expected null (no ads) or an object, got " + value.dump());
  }
  return validate_params(value, feed_ads_params(), path);
}

FeedAdsConfig read_feed_ads_config(const Json& ads, const std::string& path, int topics) {
  FeedAdsConfig c;
  c.ad_load = ads.at("ad_load").get<double>();
  c.positions = ads.at("positions").get<std::string>() == "top" ? FeedAdPositions::kTop
                                                                : FeedAdPositions::kSpaced;
  c.position_decay = ads.at("position_decay").get<double>();
  c.interest_sharpness = ads.at("interest_sharpness").get<double>();
  c.fatigue_strength = ads.at("fatigue_strength").get<double>();
  c.fatigue_half_life = ads.at("fatigue_half_life").get<double>();
  c.diversity_window = ads.at("diversity_window").get<int>();
  c.ad_annoyance = ads.at("ad_annoyance").get<double>();
  c.fatigue_annoyance = ads.at("fatigue_annoyance").get<double>();
  c.repetition_annoyance = ads.at("repetition_annoyance").get<double>();
  c.ad_aversion = ads.at("ad_aversion").get<double>();
  c.server.topics = topics;
  c.server.max_multiplier = ads.at("max_multiplier").get<double>();
  c.server.relevance_floor = ads.at("relevance_floor").get<double>();
  c.server.advertisers = read_ad_advertisers(ads.at("advertisers"), join_path(path, "advertisers"));
  c.server.platform = read_ad_platform(ads.at("platform"), join_path(path, "platform"));
  return c;
}

}  // namespace agora
