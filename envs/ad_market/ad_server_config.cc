#include "envs/ad_market/ad_server_config.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace agora {

namespace {

const std::vector<std::string> kObjectives = {"clicks", "conversions", "value"};

Json constant(double x) { return Json{{"distribution", "constant"}, {"value", x}}; }

Json validate_one_distribution(const Json& value, const std::string& path) {
  if (value.is_number()) return ValueDistribution::validate(constant(value.get<double>()), path);
  return ValueDistribution::validate(value, path);
}

// A number (a constant), a distribution object, or a list of one per pool slot.
Json validate_distribution_or_list(const Json& value, const std::string& path) {
  if (!value.is_array()) return validate_one_distribution(value, path);
  if (value.empty()) throw ConfigError(path, "expected a non-empty list (one per pool slot)");
  Json out = Json::array();
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(validate_one_distribution(value[i], index_path(path, i)));
  }
  return out;
}

Json validate_nullable_distribution_or_list(const Json& value, const std::string& path) {
  if (value.is_null()) return value;
  return validate_distribution_or_list(value, path);
}

void check_objective_name(const Json& value, const std::string& path) {
  if (!value.is_string())
    throw ConfigError(path, "expected an objective name, got " + value.dump());
  const auto name = value.get<std::string>();
  for (const auto& known : kObjectives) {
    if (name == known) return;
  }
  std::string message = "unknown objective '" + name + "' (known: " + join_names(kObjectives) + ")";
  const std::string suggestion = closest_match(name, kObjectives);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  throw ConfigError(path, message);
}

Json validate_objective(const Json& value, const std::string& path) {
  if (!value.is_array()) {
    check_objective_name(value, path);
    return value;
  }
  if (value.empty()) throw ConfigError(path, "expected a non-empty list (one per pool slot)");
  for (std::size_t i = 0; i < value.size(); ++i)
    check_objective_name(value[i], index_path(path, i));
  return value;
}

void check_target_value(const Json& value, const std::string& path) {
  if (value.is_null()) return;
  if (!value.is_number() || !std::isfinite(value.get<double>()) || !(value.get<double>() > 0.0)) {
    throw ConfigError(path,
                      "a target must be null (none) or a finite number > 0, got " + value.dump());
  }
}

Json validate_target(const Json& value, const std::string& path) {
  if (!value.is_array()) {
    check_target_value(value, path);
    return value;
  }
  if (value.empty()) throw ConfigError(path, "expected a non-empty list (one per pool slot)");
  for (std::size_t i = 0; i < value.size(); ++i) check_target_value(value[i], index_path(path, i));
  return value;
}

// One distribution per pool slot: a single one is repeated, a list must have `pool` entries.
SlotDistributions per_slot(const Json& value, int pool, const std::string& path) {
  SlotDistributions out;
  if (value.is_array()) {
    if (static_cast<int>(value.size()) != pool) {
      throw ConfigError(path, "lists " + std::to_string(value.size()) + " entries for a pool of " +
                                  std::to_string(pool) +
                                  " advertisers (count + max_entrants; give one for all, or "
                                  "one per pool slot)");
    }
    for (const auto& v : value) out.emplace_back(v);
  } else {
    out.assign(static_cast<std::size_t>(pool), ValueDistribution(value));
  }
  return out;
}

std::string slot_path(const Json& value, const std::string& path, std::size_t i) {
  return value.is_array() ? index_path(path, i) : path;
}

void check_bounds(const SlotDistributions& d, const Json& value, const std::string& path, double lo,
                  bool lo_strict, double hi, const std::string& what) {
  for (std::size_t i = 0; i < d.size(); ++i) {
    const bool positive_law = d[i].kind() == ValueDistribution::Kind::kExponential ||
                              d[i].kind() == ValueDistribution::Kind::kLognormal;
    const double low = d[i].lower();
    const bool low_ok = lo_strict ? (low > lo || (lo == 0.0 && positive_law)) : low >= lo;
    if (!low_ok || !(d[i].upper() <= hi)) {
      throw ConfigError(slot_path(value, path, i), what);
    }
  }
}

std::vector<double> per_slot_target(const Json& value, int pool, const std::string& path) {
  std::vector<double> out(static_cast<std::size_t>(pool), 0.0);
  if (value.is_null()) return out;
  if (!value.is_array()) {
    out.assign(out.size(), value.get<double>());
    return out;
  }
  if (static_cast<int>(value.size()) != pool) {
    throw ConfigError(path, "lists " + std::to_string(value.size()) + " targets for a pool of " +
                                std::to_string(pool) + " advertisers");
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    out[i] = value[i].is_null() ? 0.0 : value[i].get<double>();
  }
  return out;
}

}  // namespace

ParamSpec probability_param(std::string name, double value, std::string doc) {
  return param::real(std::move(name), value, std::move(doc)).range(0.0, 1.0);
}

ParamSpecs ad_advertiser_params() {
  const std::string dist = "number, distribution object or list of one per pool slot";
  return {
      param::integer("count", 10, "advertisers active at the start").range(1, 100000),
      param::integer("max_entrants", 0,
                     "fresh pool slots for entrants (pool = count + max_entrants)")
          .range(0, 100000),
      param::real("entry_rate", 0.0, "entrants per day (Poisson), while fresh slots remain")
          .range(0.0, 1e6),
      param::custom("budget", Json{{"distribution", "uniform"}, {"low", 50.0}, {"high", 150.0}},
                    dist + " or null",
                    "daily budget (> 0); null: unlimited budgets (observed budget 0). Draws "
                    "of unbounded distributions are capped at their 0.9999 quantile",
                    &validate_nullable_distribution_or_list)
          .allow_null(),
      param::custom(
          "value_per_click", Json{{"distribution", "uniform"}, {"low", 0.5}, {"high", 2.0}}, dist,
          "value of a click to a 'clicks' advertiser (>= 0)", &validate_distribution_or_list),
      param::custom("value_per_conversion",
                    Json{{"distribution", "uniform"}, {"low", 10.0}, {"high", 40.0}}, dist,
                    "value of a conversion ('conversions'), or its mean ('value': each "
                    "conversion is worth an Exp draw with this mean)",
                    &validate_distribution_or_list),
      param::custom("conversion_rate",
                    Json{{"distribution", "uniform"}, {"low", 0.02}, {"high", 0.1}}, dist,
                    "probability that a click converts, at relevance 1, in [0, 1]",
                    &validate_distribution_or_list),
      param::custom("quality", Json{{"distribution", "uniform"}, {"low", 0.02}, {"high", 0.1}},
                    dist,
                    "creative quality: the click probability in the top position at relevance "
                    "1 without fatigue, in (0, 1]",
                    &validate_distribution_or_list),
      param::custom("objective", "clicks", "name or list of one per pool slot",
                    "\"clicks\" | \"conversions\" | \"value\": what the advertiser values and "
                    "its agent's value per click is based on",
                    &validate_objective),
      param::custom("target_cpa", nullptr, "null, number > 0 or list (null entries: none)",
                    "target cost per conversion ('conversions'/'value' objectives only)",
                    &validate_target)
          .allow_null(),
      param::custom("target_roas", nullptr, "null, number > 0 or list (null entries: none)",
                    "target return on ad spend, value / spend", &validate_target)
          .allow_null(),
      probability_param("targeting_threshold", 0.0,
                        "an advertiser is a candidate for a user only when cosine(user interests, "
                        "its targeting vector) >= this"),
      param::real("interest_concentration", 2.0,
                  "concentration of the advertisers' targeting vectors (as for users)")
          .range(0.0, 20.0),
      param::integer("churn_patience", 0,
                     "an advertiser leaves after this many consecutive bad days (0: never)")
          .range(0, 100000),
      param::real("min_roi", 1.0,
                  "without a target, a day with spend > 0 and value / spend below this is bad")
          .range(0.0, 1e6),
      probability_param("unspent_fraction", 0.9,
                        "a day is also bad when more than this fraction of the budget is unspent"),
  };
}

ParamSpecs ad_platform_params(bool page_layout) {
  ParamSpecs fields = {
      param::integer("candidates", 10, "candidates retrieved per auction (C)").range(1, 10000),
      param::text("budget_guard", "positive", {"positive", "bid"},
                  "which advertisers may enter an auction: \"positive\" while some of the "
                  "day's budget remains (a day's spend exceeds the budget by less than the "
                  "price of its last click), \"bid\" only when the remaining budget covers the "
                  "bid (the budget is never exceeded)"),
      param::real("fatigue_penalty", 0.0,
                  "user value of an ad = relevance - fatigue_penalty x user fatigue; the "
                  "mechanism's additive_weight weights it in the ranking score")
          .range(0.0, 1e6),
      param::text("click_model", "truth", {"truth", "noisy", "learned"},
                  "predicted CTR/CVR: the truth, the truth x lognormal noise with mean 1, or "
                  "an online logistic regression (CTR) and a Bayesian per-advertiser rate "
                  "(CVR)"),
      param::real("noise_sigma", 0.3, "sigma of the lognormal noise of 'noisy'").range(0.0, 5.0),
      param::real("learning_rate", 0.05, "SGD step size of 'learned'").range(1e-9, 10.0),
      probability_param("prior_ctr", 0.05, "'learned': initial CTR of every ad"),
      probability_param("prior_cvr", 0.05, "'learned': prior conversion rate (weight 10 clicks)"),
      param::text("pacing", "none", {"none", "throttling", "bid_modification"},
                  "budget pacing by the platform: none (left to the agents), probabilistic "
                  "participation, or a dual multiplier on bids"),
      param::real("pacing_rate", 0.5, "step size of the pacing updates").range(1e-9, 100.0),
      param::integer("pacing_intervals_per_hour", 4,
                     "pacing update intervals per hour (traffic is generated per interval)")
          .range(1, 3600),
  };
  if (!page_layout) return fields;
  ParamSpecs layout = {
      param::integer("frequency_cap", 0,
                     "impressions of one advertiser per user session (0: no cap)")
          .range(0, 100000),
      param::real_list("position_ctr", Json::array({1.0, 0.6, 0.4}),
                       "position effects of the ad positions on a page, non-increasing, in "
                       "(0, 1]; its length K is the number of ad positions")
          .range(0.0, 1.0),
      probability_param(
          "ad_load", 1.0,
          "share of the K ad positions filled per page (K x ad_load rounded at random)"),
  };
  fields.insert(fields.begin(), layout.begin(), layout.end());
  return fields;
}

std::vector<double> checked_position_ctr(const Json& values, const std::string& path) {
  auto ctr = values.get<std::vector<double>>();
  if (ctr.empty()) throw ConfigError(path, "needs at least one ad position");
  for (std::size_t s = 0; s < ctr.size(); ++s) {
    if (!(ctr[s] > 0.0)) throw ConfigError(index_path(path, s), "position effects must be > 0");
    if (s > 0 && ctr[s] > ctr[s - 1]) {
      throw ConfigError(index_path(path, s), "position effects must be non-increasing");
    }
  }
  return ctr;
}

AdvertiserConfig read_ad_advertisers(const Json& a, const std::string& path) {
  AdvertiserConfig c;
  c.initial = a.at("count").get<int>();
  c.max_entrants = a.at("max_entrants").get<int>();
  c.entry_rate = a.at("entry_rate").get<double>();
  const int pool = c.pool();
  const auto field = [&](const char* key) { return join_path(path, key); };
  c.has_budgets = !a.at("budget").is_null();
  if (c.has_budgets) {
    c.budget = per_slot(a.at("budget"), pool, field("budget"));
    check_bounds(c.budget, a.at("budget"), field("budget"), 0.0, true,
                 std::numeric_limits<double>::infinity(),
                 "budgets must be > 0 (use null for unlimited budgets)");
  }
  const double inf = std::numeric_limits<double>::infinity();
  c.value_per_click = per_slot(a.at("value_per_click"), pool, field("value_per_click"));
  check_bounds(c.value_per_click, a.at("value_per_click"), field("value_per_click"), 0.0, false,
               inf, "values per click must be >= 0");
  c.value_per_conversion =
      per_slot(a.at("value_per_conversion"), pool, field("value_per_conversion"));
  check_bounds(c.value_per_conversion, a.at("value_per_conversion"), field("value_per_conversion"),
               0.0, false, inf, "values per conversion must be >= 0");
  c.conversion_rate = per_slot(a.at("conversion_rate"), pool, field("conversion_rate"));
  check_bounds(c.conversion_rate, a.at("conversion_rate"), field("conversion_rate"), 0.0, false,
               1.0, "conversion rates are probabilities: their distribution must lie in [0, 1]");
  c.quality = per_slot(a.at("quality"), pool, field("quality"));
  check_bounds(c.quality, a.at("quality"), field("quality"), 0.0, true, 1.0,
               "qualities are click probabilities: their distribution must lie in (0, 1]");

  const Json& objective = a.at("objective");
  if (objective.is_array() && static_cast<int>(objective.size()) != pool) {
    throw ConfigError(field("objective"), "lists " + std::to_string(objective.size()) +
                                              " objectives for a pool of " + std::to_string(pool) +
                                              " advertisers");
  }
  for (int i = 0; i < pool; ++i) {
    const auto name = (objective.is_array() ? objective[static_cast<std::size_t>(i)] : objective)
                          .get<std::string>();
    c.objective.push_back(name == "clicks"        ? Objective::kClicks
                          : name == "conversions" ? Objective::kConversions
                                                  : Objective::kValue);
  }
  c.target_cpa = per_slot_target(a.at("target_cpa"), pool, field("target_cpa"));
  c.target_roas = per_slot_target(a.at("target_roas"), pool, field("target_roas"));
  for (int i = 0; i < pool; ++i) {
    const auto s = static_cast<std::size_t>(i);
    const bool clicks = c.objective[s] == Objective::kClicks;
    const std::string cpa_path = slot_path(a.at("target_cpa"), field("target_cpa"), s);
    const std::string roas_path = slot_path(a.at("target_roas"), field("target_roas"), s);
    if (c.target_cpa[s] > 0.0 && clicks) {
      if (a.at("target_cpa").is_array()) {
        throw ConfigError(cpa_path, "a CPA target needs a 'conversions' or 'value' objective");
      }
      c.target_cpa[s] = 0.0;  // one number for all: it applies to the conversion advertisers
    }
    const bool converts = c.conversion_rate[s].upper() > 0.0;
    if (c.target_cpa[s] > 0.0 && !converts) {
      throw ConfigError(cpa_path, "cannot be met: advertiser " + std::to_string(i) +
                                      " has conversion rate 0, so no spend ever buys a conversion");
    }
    const double value_hi = clicks ? c.value_per_click[s].upper()
                                   : (converts ? c.value_per_conversion[s].upper() : 0.0);
    if (c.target_roas[s] > 0.0 && !(value_hi > 0.0)) {
      throw ConfigError(roas_path, "cannot be met: advertiser " + std::to_string(i) +
                                       " obtains no value from its ads (value or conversion "
                                       "rate 0), so its return on any spend is 0");
    }
  }
  c.targeting_threshold = a.at("targeting_threshold").get<double>();
  c.interest_concentration = a.at("interest_concentration").get<double>();
  c.churn_patience = a.at("churn_patience").get<int>();
  c.min_roi = a.at("min_roi").get<double>();
  c.unspent_fraction = a.at("unspent_fraction").get<double>();
  return c;
}

PlatformConfig read_ad_platform(const Json& p, const std::string& path) {
  PlatformConfig c;
  if (p.contains("position_ctr")) {
    c.position_ctr = checked_position_ctr(p.at("position_ctr"), join_path(path, "position_ctr"));
    c.ad_load = p.at("ad_load").get<double>();
  }
  c.candidates = p.at("candidates").get<int>();
  c.frequency_cap = p.value("frequency_cap", 0);  // page layouts only (ad_platform_params)
  c.fatigue_penalty = p.at("fatigue_penalty").get<double>();
  c.budget_covers_bid = p.at("budget_guard").get<std::string>() == "bid";
  const auto model = p.at("click_model").get<std::string>();
  c.click_model = model == "truth"   ? ClickModel::kTruth
                  : model == "noisy" ? ClickModel::kNoisy
                                     : ClickModel::kLearned;
  c.noise_sigma = p.at("noise_sigma").get<double>();
  c.learning_rate = p.at("learning_rate").get<double>();
  c.prior_ctr = p.at("prior_ctr").get<double>();
  c.prior_cvr = p.at("prior_cvr").get<double>();
  if (c.click_model == ClickModel::kLearned && !(c.prior_ctr > 0.0 && c.prior_ctr < 1.0)) {
    throw ConfigError(join_path(path, "prior_ctr"), "must lie strictly inside (0, 1)");
  }
  const auto pacing = p.at("pacing").get<std::string>();
  c.pacing = pacing == "none"         ? PacingMode::kNone
             : pacing == "throttling" ? PacingMode::kThrottling
                                      : PacingMode::kBidModification;
  c.pacing_rate = p.at("pacing_rate").get<double>();
  c.pacing_intervals_per_hour = p.at("pacing_intervals_per_hour").get<int>();
  return c;
}

}  // namespace agora
