#include "envs/content_ecosystem/content_config.h"

#include <cmath>

#include "core/error.h"
#include "mechanisms/content/creator_payment.h"
#include "mechanisms/content/exposure_rule.h"

namespace agora {

namespace {

// {"name": ..., "params": {...}} naming a unit of `Registry`; returns it with the unit's
// defaults filled in, after building it once (the unit's own checks).
template <typename Registry, typename Make>
Json validate_unit(const Json& value, const std::string& path, Make make) {
  if (!value.is_object()) {
    throw ConfigError(path,
                      "expected {\"name\": ..., \"params\": {...}}, got " + json_type_name(value));
  }
  reject_unknown_keys(value, {"name", "params"}, path);
  if (!value.contains("name") || !value.at("name").is_string()) {
    throw ConfigError(join_path(path, "name"), "expected the name of a rule (a string)");
  }
  const Json params = value.contains("params") ? value.at("params") : Json::object();
  if (!params.is_object() && !params.is_null()) {
    throw ConfigError(join_path(path, "params"),
                      "expected an object, got " + json_type_name(params));
  }
  const std::string name = value.at("name").get<std::string>();
  const auto& entry = Registry::instance().get(name, join_path(path, "name"));
  const Json effective = validate_params(params, entry.info.params, join_path(path, "params"));
  make(name, effective, path);
  return Json{{"name", name}, {"params", effective}};
}

Json validate_exposure_rule(const Json& value, const std::string& path) {
  return validate_unit<ExposureRuleRegistry>(value, path, &make_exposure_rule);
}

Json validate_payment(const Json& value, const std::string& path) {
  return validate_unit<CreatorPaymentRegistry>(value, path, &make_creator_payment);
}

Json validate_weights(const Json& value, const std::string& path) {
  if (value.is_null()) return value;
  if (!value.is_array() || value.empty()) {
    throw ConfigError(path,
                      "expected null or a non-empty list of weights, got " + json_type_name(value));
  }
  double total = 0.0;
  for (std::size_t t = 0; t < value.size(); ++t) {
    const std::string at = index_path(path, t);
    if (!value[t].is_number())
      throw ConfigError(at, "expected a number, got " + json_type_name(value[t]));
    const double w = value[t].get<double>();
    if (!std::isfinite(w) || w < 0.0) {
      throw ConfigError(at, "weight must be finite and >= 0, got " + format_number(w));
    }
    total += w;
  }
  if (!(total > 0.0)) throw ConfigError(path, "weights must not all be 0");
  return value;
}

std::vector<double> read_weights(const Json& value, int topics, const std::string& path) {
  if (value.is_null()) return {};
  if (static_cast<int>(value.size()) != topics) {
    throw ConfigError(path, "has " + std::to_string(value.size()) + " weights but n_topics is " +
                                std::to_string(topics));
  }
  return value.get<std::vector<double>>();
}

ParamSpecs recommender_params() {
  return {
      param::real("relevance", 1.0, "w_relevance: weight of the inner product <x_u, c_j>")
          .range(0.0, 1e6),
      param::real("quality", 0.5, "w_quality: weight of the item's quality").range(0.0, 1e6),
      param::real("freshness", 0.1, "w_freshness: weight of exp(-age / freshness_timescale)")
          .range(0.0, 1e6),
      param::real("underserved", 0.0,
                  "w_underserved: weight of the boost max(0, 1 - n_active x last period's "
                  "impression share) for under-exposed items")
          .range(0.0, 1e6),
      param::real("mmr_lambda", 1.0,
                  "maximal marginal relevance trade-off: 1 = relevance only (MMR off), smaller "
                  "= more diverse slates")
          .range(0.0, 1.0),
      param::integer("mmr_candidates", 50, "items re-ranked by MMR per user (top by score)")
          .range(1, 100000),
  };
}

}  // namespace

ParamSpecs content_ecosystem_params() {
  // [low, high] with min <= low <= high; low == high: every creator gets that value.
  const auto interval = [](double min) {
    return [min](const Json& value, const std::string& path) {
      if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number() &&
          value[0].get<double>() == value[1].get<double>()) {
        const double x = value[0].get<double>();
        validate_interval(Json::array({x, x + 1.0}), path, min);  // finite and >= min
        return Json::array({x, x});
      }
      return validate_interval(value, path, min);
    };
  };
  return {
      param::integer("n_users", 2000,
                     "users (env-internal population; one session per period "
                     "each while active)")
          .range(1, 10000000),
      param::integer("n_creators", 50, "pool of the role 'creator' (initial + entrants)")
          .range(1, 1000000),
      param::integer("initial_creators", nullptr,
                     "creators active at the start; null = half the pool (rounded up)")
          .range(1, 1000000)
          .allow_null(),
      param::integer("dim", 8, "dimension d of the content space").range(1, 1024),
      param::integer("n_topics", 8,
                     "topic centroids (fixed random unit vectors); also the "
                     "regions of the content-gap metric")
          .range(1, 4096),
      param::integer("layout_seed", 1,
                     "seed of the topic centroids (not the run seed: a topic "
                     "means the same direction in every run)")
          .range(0, 9e15),
      param::custom("topic_demand", nullptr, "null or list of n_topics weights",
                    "weights of users' topics; null = uniform", &validate_weights)
          .allow_null(),
      param::custom("topic_supply", nullptr, "null or list of n_topics weights",
                    "weights of creators' topics at entry; null = uniform", &validate_weights)
          .allow_null(),
      param::real("user_spread", 0.3, "spread of users' preferences around their topic")
          .range(0.0, 100.0),
      param::real("creator_spread", 0.3, "spread of entrants' content around their topic")
          .range(0.0, 100.0),
      param::real("drift", 0.0,
                  "preference random walk per period (std of the normal step "
                  "before re-normalisation)")
          .range(0.0, 10.0),
      param::real("drift_reversion", 0.0,
                  "kappa: each period the preference moves kappa of the way back towards its "
                  "initial direction before the random step (0: a pure random walk)")
          .range(0.0, 1.0),
      param::integer("slate_size", 10, "K: items per slate").range(1, 10000),
      param::real("affinity", 4.0, "users' utility weight on <x_u, c_j>").range(0.0, 1000.0),
      param::real("quality_utility", 1.0, "users' utility weight on quality").range(0.0, 1000.0),
      param::real("outside_utility", 1.0, "v_0: utility of the outside option (no consumption)")
          .range(-1000.0, 1000.0),
      param::real("satisfaction_memory", 0.1,
                  "m: satisfaction <- (1 - m) satisfaction + m x session value")
          .range(1e-9, 1.0),
      param::real("churn_threshold", 0.0, "users with satisfaction below this may leave")
          .range(-1000.0, 1000.0),
      param::real("churn_probability", 0.02,
                  "probability per period that a user below the "
                  "threshold leaves")
          .range(0.0, 1.0),
      param::real("return_probability", 0.01,
                  "probability per period that a user who left "
                  "returns")
          .range(0.0, 1.0),
      param::custom("quality_range", Json::array({0.2, 1.0}), "[low, high]",
                    "creators' quality ~ U[low, high] at entry (low = high: constant)",
                    interval(0.0)),
      param::custom("cost_range", Json::array({0.0, 0.02}), "[low, high]",
                    "creators' production cost per period ~ U[low, high] at entry (low = high: "
                    "constant)",
                    interval(0.0)),
      param::real("posting_rate", 0.5,
                  "probability per period that a creator posts new content "
                  "(resets its age)")
          .range(0.0, 1.0),
      param::real("freshness_timescale", 5.0, "freshness = exp(-age / timescale)").range(1e-6, 1e9),
      param::real("arrival_rate", 0.2,
                  "expected entrants per period (Poisson), while fresh "
                  "slots last")
          .range(0.0, 1e6),
      param::integer("patience", 10,
                     "a creator leaves after this many consecutive periods of "
                     "utility below the outside option")
          .range(1, 1000000000),
      param::real("outside_option", 0.0, "creators' utility from leaving, per period")
          .range(-1e9, 1e9),
      param::real("exposure_weight", 0.0,
                  "creators' value of exposure: reward += weight x "
                  "impressions / sessions")
          .range(0.0, 1e9),
      param::real("engagement_weight", 0.0,
                  "creators' value of engagement: reward += weight "
                  "x consumptions / sessions")
          .range(0.0, 1e9),
      param::real("bonus_pool", 1.0,
                  "the platform's creator bonus pool per period, split by "
                  "the payment rule")
          .range(0.0, 1e12),
      param::custom("exposure_rule", Json{{"name", "top_k"}, {"params", Json::object()}},
                    "{\"name\", \"params\"}",
                    "how the recommender's scores become slates: top_k, softmax, "
                    "shapley_mediator (mechanisms/content/exposure_rule.h)",
                    &validate_exposure_rule),
      param::custom("payment", Json{{"name", "engagement_share"}, {"params", Json::object()}},
                    "{\"name\", \"params\"}",
                    "how the bonus pool is split: none, engagement_share, exposure_share, "
                    "formula (mechanisms/content/creator_payment.h)",
                    &validate_payment),
      param::object("recommender", recommender_params(), "the recommender's objective"),
      param::text("creator_action", "embedding", {"embedding", "topic"},
                  "embedding: Box [-1, 1]^d (normalised; zero keeps the direction); topic: "
                  "Discrete(n_topics), the topic's centroid"),
      param::real("coverage_threshold", 0.5,
                  "a session is covered when its slate holds an item with <x_u, c_j> >= this")
          .range(-1.0, 1.0),
      param::integer("oracle_users", 256,
                     "users of the last period the counterfactual oracle evaluates (a stride "
                     "sample of the sessions); 0 = all")
          .range(0, 100000000),
      param::integer("score_block", 512, "users per scoring block (one GEMM each)")
          .range(1, 1000000),
      param::boolean("region_metrics", true,
                     "add the metrics demand_share_<r> and supply_share_<r> for every topic "
                     "region r (the terms of the content gap)"),
      param::custom("ads", nullptr, "null or {ad_load, positions, advertisers, platform, ...}",
                    "ads in the feed (envs/content_ecosystem/feed_ads_config.h): null = none; "
                    "an object adds the role 'advertiser' (ad_market's contract, "
                    "docs/autobidding.md) and ad metrics, and needs a position-auction "
                    "mechanism",
                    &validate_feed_ads)
          .allow_null()
          .document_fields(feed_ads_params()),
  };
}

ContentConfig read_content_config(const Json& p, const std::string& path) {
  ContentConfig c;
  c.dim = p.at("dim").get<int>();
  c.topics = p.at("n_topics").get<int>();
  c.layout_seed = p.at("layout_seed").get<std::uint64_t>();
  c.users.count = p.at("n_users").get<int>();
  c.users.spread = p.at("user_spread").get<double>();
  c.users.drift = p.at("drift").get<double>();
  c.users.drift_reversion = p.at("drift_reversion").get<double>();
  c.users.affinity = p.at("affinity").get<double>();
  c.users.quality_utility = p.at("quality_utility").get<double>();
  c.users.outside_utility = p.at("outside_utility").get<double>();
  c.users.satisfaction_memory = p.at("satisfaction_memory").get<double>();
  c.users.churn_threshold = p.at("churn_threshold").get<double>();
  c.users.churn_probability = p.at("churn_probability").get<double>();
  c.users.return_probability = p.at("return_probability").get<double>();
  c.users.topic_weights =
      read_weights(p.at("topic_demand"), c.topics, join_path(path, "topic_demand"));
  ContentCreatorParams& k = c.creators;
  k.pool = p.at("n_creators").get<int>();
  k.initial =
      p.at("initial_creators").is_null() ? (k.pool + 1) / 2 : p.at("initial_creators").get<int>();
  if (k.initial > k.pool) {
    throw ConfigError(join_path(path, "initial_creators"), "is " + std::to_string(k.initial) +
                                                               " but the pool (n_creators) is " +
                                                               std::to_string(k.pool));
  }
  k.spread = p.at("creator_spread").get<double>();
  k.topic_weights = read_weights(p.at("topic_supply"), c.topics, join_path(path, "topic_supply"));
  k.quality_low = p.at("quality_range")[0].get<double>();
  k.quality_high = p.at("quality_range")[1].get<double>();
  k.cost_low = p.at("cost_range")[0].get<double>();
  k.cost_high = p.at("cost_range")[1].get<double>();
  k.posting_rate = p.at("posting_rate").get<double>();
  k.freshness_timescale = p.at("freshness_timescale").get<double>();
  k.arrival_rate = p.at("arrival_rate").get<double>();
  k.patience = p.at("patience").get<int>();
  k.outside_option = p.at("outside_option").get<double>();
  const Json& r = p.at("recommender");
  c.recommender.relevance = r.at("relevance").get<double>();
  c.recommender.quality = r.at("quality").get<double>();
  c.recommender.freshness = r.at("freshness").get<double>();
  c.recommender.underserved = r.at("underserved").get<double>();
  c.recommender.mmr_lambda = r.at("mmr_lambda").get<double>();
  c.recommender.mmr_candidates = r.at("mmr_candidates").get<int>();
  c.slate_size = p.at("slate_size").get<int>();
  c.exposure_weight = p.at("exposure_weight").get<double>();
  c.engagement_weight = p.at("engagement_weight").get<double>();
  c.bonus_pool = p.at("bonus_pool").get<double>();
  c.coverage_threshold = p.at("coverage_threshold").get<double>();
  c.topic_actions = p.at("creator_action").get<std::string>() == "topic";
  c.oracle_users = p.at("oracle_users").get<int>();
  c.score_block = p.at("score_block").get<int>();
  c.region_metrics = p.at("region_metrics").get<bool>();
  c.exposure_rule = p.at("exposure_rule").at("name").get<std::string>();
  c.exposure_rule_params = p.at("exposure_rule").at("params");
  c.payment = p.at("payment").at("name").get<std::string>();
  c.payment_params = p.at("payment").at("params");
  c.has_ads = !p.at("ads").is_null();
  if (c.has_ads) c.ads = read_feed_ads_config(p.at("ads"), join_path(path, "ads"), c.topics);
  return c;
}

}  // namespace agora
