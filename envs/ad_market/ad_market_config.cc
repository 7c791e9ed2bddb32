#include "envs/ad_market/ad_market_config.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace agora {

namespace {

ParamSpecs user_fields() {
  return {
      param::integer("count", 1000, "number of users (fixed population)").range(1, 100000000),
      param::real("sessions_per_day", 1.0, "mean sessions per active user and day")
          .range(0.0, 1000.0),
      param::text("session_arrivals", "poisson", {"poisson", "fixed"},
                  "sessions per pacing interval: Poisson with the expected count, or the "
                  "expected count rounded at random (floor or ceil, mean exact)"),
      param::real("continue_prob", 0.6,
                  "probability of another page view after a page without ads (geometric "
                  "session length)")
          .range(0.0, 0.99),
      probability_param(
          "ad_aversion", 0.2,
          "the continuation probability is multiplied by 1 - ad_aversion x (ads on the "
          "page / ad positions)"),
      param::real("interest_concentration", 2.0,
                  "interest vectors are (E_1^c, ..., E_d^c) normalised, E_k ~ Exp(1): 0 = "
                  "uniform interests, larger = fewer dominant topics")
          .range(0.0, 20.0),
      param::real("interest_drift", 0.0,
                  "std of the Gaussian random walk of each interest coordinate per sqrt(day) "
                  "(applied lazily at each session, then clipped at 0 and renormalised)")
          .range(0.0, 10.0),
      probability_param("relevance_floor", 0.1,
                        "relevance = floor + (1 - floor) x cosine(user interests, ad targeting)"),
      param::real("fatigue_strength", 0.1,
                  "kappa: the ad response is multiplied by 1 / (1 + kappa F), F the user's "
                  "exposure stock (ads seen, decaying)")
          .range(0.0, 1000.0),
      param::real("fatigue_half_life_hours", 24.0, "half-life of the exposure stock F")
          .range(1e-6, 1e6),
      probability_param("churn_base", 0.0, "per-session churn hazard of a user, baseline"),
      probability_param(
          "churn_ad_load", 0.0,
          "added hazard per unit of the session's ad load (ads / (pages x positions))"),
      probability_param(
          "churn_fatigue", 0.0,
          "added hazard per unit of fatigue 1 - 1/(1 + kappa F) at the session's end"),
      probability_param(
          "churn_relevance", 0.0,
          "hazard removed per unit of mean relevance of the ads shown in the session"),
      param::real("return_rate", 0.0,
                  "churned users return at this rate per day (0: churn is permanent)")
          .range(0.0, 1000.0),
  };
}

UserConfig read_users(const Json& u) {
  UserConfig c;
  c.count = u.at("count").get<int>();
  c.sessions_per_day = u.at("sessions_per_day").get<double>();
  c.arrivals = u.at("session_arrivals").get<std::string>() == "fixed" ? SessionArrivals::kFixed
                                                                      : SessionArrivals::kPoisson;
  c.continue_prob = u.at("continue_prob").get<double>();
  c.ad_aversion = u.at("ad_aversion").get<double>();
  c.interest_concentration = u.at("interest_concentration").get<double>();
  c.interest_drift = u.at("interest_drift").get<double>();
  c.relevance_floor = u.at("relevance_floor").get<double>();
  c.fatigue_strength = u.at("fatigue_strength").get<double>();
  c.fatigue_half_life_hours = u.at("fatigue_half_life_hours").get<double>();
  c.churn_base = u.at("churn_base").get<double>();
  c.churn_ad_load = u.at("churn_ad_load").get<double>();
  c.churn_fatigue = u.at("churn_fatigue").get<double>();
  c.churn_relevance = u.at("churn_relevance").get<double>();
  c.return_rate = u.at("return_rate").get<double>();
  return c;
}

const std::vector<std::string> kControls = {"reserve", "ad_load"};

Json validate_controls(const Json& value, const std::string& path) {
  return validate_name_list(value, path, kControls, "control");
}

Json validate_role_objective(const Json& value, const std::string& path) {
  if (!value.is_object() || value.empty()) {
    throw ConfigError(path,
                      "expected weights by metric such as {\"revenue\": 1, "
                      "\"user_retention\": 100}, got " +
                          value.dump());
  }
  for (const auto& [key, weight] : value.items()) {
    if (!weight.is_number() || !std::isfinite(weight.get<double>())) {
      throw ConfigError(join_path(path, key), "expected a finite weight, got " + weight.dump());
    }
  }
  return value;
}

ParamSpecs platform_role_fields() {
  return {
      param::custom("controls", Json::array({"reserve"}), "list of names",
                    "what the platform agent sets each period, one action dimension each, in "
                    "this order: \"reserve\" (a hard reserve per click on every auction, on "
                    "top of the mechanism's) and/or \"ad_load\" (replaces platform.ad_load)",
                    &validate_controls),
      param::custom(
          "reserve_range", Json::array({0.0, 2.0}), "[low, high]", "bounds of the reserve action",
          [](const Json& v, const std::string& p) { return validate_interval(v, p, 0.0, 1e12); }),
      param::custom(
          "ad_load_range", Json::array({0.0, 1.0}), "[low, high]",
          "bounds of the ad_load action, within [0, 1]",
          [](const Json& v, const std::string& p) { return validate_interval(v, p, 0.0, 1.0); }),
      param::custom("objective", Json{{"revenue", 1.0}}, "{metric: weight}",
                    "the platform's reward per period: a weighted sum of the env's metrics "
                    "(e.g. {\"revenue\": 1, \"advertiser_surplus\": 0.5})",
                    &validate_role_objective),
  };
}

Json validate_platform_role(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw ConfigError(path, "expected null (no platform agent) or an object, got " + value.dump());
  }
  return validate_params(value, platform_role_fields(), path);
}

PlatformRoleConfig read_platform_role(const Json& value) {
  PlatformRoleConfig c;
  if (value.is_null()) return c;
  c.enabled = true;
  c.controls = value.at("controls").get<std::vector<std::string>>();
  for (std::size_t k = 0; k < c.controls.size(); ++k) {
    const bool reserve = c.controls[k] == "reserve";
    (reserve ? c.reserve_column : c.ad_load_column) = static_cast<int>(k);
    const Json& range = value.at(reserve ? "reserve_range" : "ad_load_range");
    c.low.push_back(range[0].get<double>());
    c.high.push_back(range[1].get<double>());
  }
  for (const auto& [key, weight] : value.at("objective").items()) {
    c.objective.emplace_back(key, weight.get<double>());
  }
  return c;
}

}  // namespace

ParamSpecs ad_market_params() {
  return {
      param::integer("period_hours", 24,
                     "hours per env step (a divisor of 24): agents act once per period")
          .range(1, 24),
      param::integer("topics", 8, "dimension d of interest and targeting vectors").range(1, 256),
      param::real("max_multiplier", 5.0, "upper bound of the 'multiplier' action").range(1e-9, 1e6),
      param::real("diurnal_amplitude", 0.0,
                  "traffic intensity over the day is 1 + a cos(2 pi (h - 20) / 24) (peak at "
                  "20:00)")
          .range(0.0, 0.99),
      param::object("users", user_fields(), "the user population"),
      param::object("advertisers", ad_advertiser_params(), "the advertiser pool"),
      param::object("platform", ad_platform_params(),
                    "retrieval, ranking, ad load, click prediction and budget pacing"),
      param::custom("platform_agent", nullptr, "null or {controls, reserve_range, ...}",
                    "null: no platform agent. An object adds the role 'platform' (one agent) "
                    "that sets, each period, controls (default [\"reserve\"]; also "
                    "\"ad_load\") within reserve_range (default [0, 2]) and ad_load_range "
                    "(default [0, 1]); it observes the last period's revenue, "
                    "advertiser_surplus, engagement, user_retention and ad_load and is "
                    "rewarded by objective ({metric: weight}, default {\"revenue\": 1})",
                    &validate_platform_role)
          .allow_null()
          .document_fields(platform_role_fields()),
  };
}

AdMarketConfig read_ad_market_config(const Json& params, const std::string& path) {
  const std::string params_path = join_path(path, "params");
  AdMarketConfig c;
  c.period_hours = params.at("period_hours").get<int>();
  if (24 % c.period_hours != 0) {
    throw ConfigError(
        join_path(params_path, "period_hours"),
        "must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24), got " + std::to_string(c.period_hours));
  }
  c.topics = params.at("topics").get<int>();
  c.max_multiplier = params.at("max_multiplier").get<double>();
  c.diurnal_amplitude = params.at("diurnal_amplitude").get<double>();
  c.users = read_users(params.at("users"));
  c.advertisers =
      read_ad_advertisers(params.at("advertisers"), join_path(params_path, "advertisers"));
  c.platform = read_ad_platform(params.at("platform"), join_path(params_path, "platform"));
  c.platform_role = read_platform_role(params.at("platform_agent"));
  return c;
}

}  // namespace agora
