#include "envs/ad_market/ad_market.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace agora {

namespace {

constexpr double kBig = 1e15;
constexpr int kMaxPages = 100000;

inline bool coin(Rng& rng, double p) {
  return boost::random::bernoulli_distribution<double>(p)(rng);
}

enum Metric {
  kRevenue,
  kSpendOverBudget,
  kAdvertiserValue,
  kAdvertiserSurplus,
  kRoi,
  kMetricClicks,
  kMetricConversions,
  kMetricImpressions,
  kPageViews,
  kSessions,
  kCtr,
  kAdLoad,
  kEngagement,
  kMeanFatigue,
  kActiveUsers,
  kUserRetention,
  kUserChurns,
  kUserReturns,
  kActiveAdvertisers,
  kAdvertiserRetention,
  kAdvertiserEntries,
  kAdvertiserExits,
  kCalibrationError,
  kPredictionError,
  kPacingFactor,
  kMetricCount
};

std::vector<std::string> base_metric_names() {
  return {"revenue",
          "spend_over_budget",
          "advertiser_value",
          "advertiser_surplus",
          "roi",
          "clicks",
          "conversions",
          "impressions",
          "page_views",
          "sessions",
          "ctr",
          "ad_load",
          "engagement",
          "mean_fatigue",
          "active_users",
          "user_retention",
          "user_churns",
          "user_returns",
          "active_advertisers",
          "advertiser_retention",
          "advertiser_entries",
          "advertiser_exits",
          "calibration_error",
          "prediction_error",
          "pacing_factor"};
}

std::vector<std::string> ad_market_metric_names(const AdMarketConfig& c) {
  auto names = base_metric_names();
  for (const auto& control : c.platform_role.controls) names.push_back("platform_" + control);
  return names;
}

AdServerConfig ad_server_config(const AdMarketConfig& c) {
  return {c.topics, c.max_multiplier, c.users.relevance_floor, c.advertisers, c.platform};
}

std::vector<RoleSpec> make_roles(const AdMarketConfig& c) {
  RoleSpec role = AdServer::advertiser_role(ad_server_config(c));
  if (!c.platform_role.enabled) return {role};
  RoleSpec platform;
  platform.name = "platform";
  platform.pool_size = 1;
  platform.observation_space =
      Space::box(Eigen::Array<double, 5, 1>(0.0, -kBig, 0.0, 0.0, 0.0),
                 Eigen::Array<double, 5, 1>(kBig, kBig, kBig, 1.0, 1.0),
                 {"revenue", "advertiser_surplus", "engagement", "user_retention", "ad_load"});
  const auto& r = c.platform_role;
  platform.action_space = Space::box(
      Eigen::Map<const Eigen::ArrayXd>(r.low.data(), static_cast<Eigen::Index>(r.low.size())),
      Eigen::Map<const Eigen::ArrayXd>(r.high.data(), static_cast<Eigen::Index>(r.high.size())),
      r.controls);
  platform.feedback = Feedback::kBandit;
  return {role, platform};
}

std::vector<std::pair<int, double>> objective_columns(const AdMarketConfig& c,
                                                      const std::string& path) {
  const auto names = base_metric_names();
  std::vector<std::pair<int, double>> out;
  for (const auto& [name, weight] : c.platform_role.objective) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string message = "unknown metric '" + name + "'";
      const std::string suggestion = closest_match(name, names);
      if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
      throw ConfigError(
          join_path(join_path(join_path(path, "params"), "platform_agent.objective"), name),
          message);
    }
    out.emplace_back(static_cast<int>(it - names.begin()), weight);
  }
  return out;
}

}  // namespace

AdMarketEnv::AdMarketEnv(const Json& params, const EnvContext& ctx)
    : AdMarketEnv(read_ad_market_config(params, ctx.path), ctx) {}

AdMarketEnv::AdMarketEnv(AdMarketConfig config, const EnvContext& ctx)
    : Env(make_roles(config), ad_market_metric_names(config), ctx.horizon),
      config_(std::move(config)),
      objective_(objective_columns(config_, ctx.path)),
      positions_(static_cast<int>(config_.platform.position_ctr.size())),
      users_(config_.users, config_.topics),
      server_(ad_server_config(config_), ctx.mechanism, "ad_market") {}

double AdMarketEnv::traffic_share(double h0, double h1) const {
  const double a = config_.diurnal_amplitude;
  const double w = 2.0 * std::numbers::pi / 24.0;
  const double integral =
      (h1 - h0) +
      (a == 0.0 ? 0.0 : a / w * (std::sin(w * (h1 - 20.0)) - std::sin(w * (h0 - 20.0))));
  return integral / 24.0;
}

AdDayClock AdMarketEnv::day_clock() const {
  const double hour_of_day = std::fmod(hour_, 24.0);
  return {hour_of_day == 0.0, (24.0 - hour_of_day) / 24.0,
          traffic_share(hour_of_day, hour_of_day + config_.period_hours)};
}

void AdMarketEnv::on_reset(Rng& rng, StepResult& result) {
  users_.reset(rng);
  hour_ = 0.0;
  ad_load_ = config_.platform.ad_load;
  server_.reset(rng, result.roles[0], day_clock());
  if (config_.platform_role.enabled) {
    result.roles[1].active(0) = true;
    result.roles[1].observations.setZero();
  }
}

void AdMarketEnv::run_session(int user, double t_hours, Rng& rng, Traffic& traffic) {
  users_.begin_session(user, t_hours, rng);
  server_.begin_session(viewer(user));
  const double whole_ads = std::floor(positions_ * ad_load_);
  const double fractional_ads = positions_ * ad_load_ - whole_ads;
  int pages = 0;
  int session_ads = 0;
  bool more = true;
  while (more && pages < kMaxPages) {
    ++pages;
    int ads = static_cast<int>(whole_ads);
    if (fractional_ads > 0.0 && coin(rng, fractional_ads)) ++ads;
    int shown = 0;
    if (ads > 0) {
      shown = server_.serve_page(viewer(user), std::min(ads, positions_), rng);
      users_.expose(user, shown);
    }
    session_ads += shown;
    more = coin(rng, users_.continue_probability(shown, positions_));
  }
  traffic.page_views += pages;
  traffic.sessions += 1.0;
  const double relevance = server_.session_relevance(session_ads);
  server_.end_session();
  if (users_.churn_possible()) {
    const double load = static_cast<double>(session_ads) / (pages * positions_);
    const double fatigue = 1.0 - users_.fatigue_factor(user);
    if (coin(rng, users_.churn_hazard(load, fatigue, relevance))) {
      users_.churn(user);
      ++traffic.user_churns;
    }
  }
}

void AdMarketEnv::run_interval(double start_hour, double hours, double share, Rng& rng,
                               Traffic& traffic) {
  const double expected = users_.active_count() * config_.users.sessions_per_day * share;
  int sessions = 0;
  if (expected > 0.0) {
    if (config_.users.arrivals == SessionArrivals::kPoisson) {
      boost::random::poisson_distribution<int> poisson(expected);
      sessions = poisson(rng);
    } else {
      const double whole = std::floor(expected);
      sessions = static_cast<int>(whole) + (coin(rng, expected - whole) ? 1 : 0);
    }
  }
  for (int s = 0; s < sessions && users_.active_count() > 0; ++s) {
    const double t = start_hour + (s + 0.5) / sessions * hours;
    run_session(users_.sample_active(rng), t, rng, traffic);
  }
}

void AdMarketEnv::on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) {
  RoleState& state = result.roles[0];
  const double period = config_.period_hours;
  const double hour_of_day = std::fmod(hour_, 24.0);
  server_.begin_step(actions[0], state, hour_of_day == 0.0 && steps_taken() > 0);
  const PlatformRoleConfig& role = config_.platform_role;
  if (role.reserve_column >= 0) server_.set_reserve(actions[1](0, role.reserve_column));
  if (role.ad_load_column >= 0) ad_load_ = actions[1](0, role.ad_load_column);
  const int users_at_start = users_.active_count();

  Traffic traffic;
  const int intervals = config_.platform.pacing_intervals_per_hour * config_.period_hours;
  const double length = period / intervals;
  for (int j = 0; j < intervals; ++j) {
    const double h = hour_of_day + j * length;
    const double share = traffic_share(h, h + length);
    server_.begin_interval();
    run_interval(hour_ + j * length, length, share, rng, traffic);
    server_.end_interval(share, traffic_share(h, 24.0));
  }

  int returns = 0;
  if (config_.users.return_rate > 0.0) {
    returns = users_.return_churned(-std::expm1(-config_.users.return_rate * period / 24.0), rng);
  }
  const double step_share = traffic_share(hour_of_day, hour_of_day + period);
  hour_ += period;
  const AdStepStats ads = server_.end_step(step_share, period, day_clock(), state, rng);
  fill_metrics(ads, traffic, users_at_start, returns, result.metrics);

  if (!role.enabled) return;
  Eigen::ArrayXd& m = result.metrics;
  for (std::size_t k = 0; k < role.controls.size(); ++k) {
    m(kMetricCount + static_cast<Eigen::Index>(k)) = actions[1](0, static_cast<Eigen::Index>(k));
  }
  RoleState& platform = result.roles[1];
  double reward = 0.0;
  for (const auto& [column, weight] : objective_) reward += weight * m(column);
  platform.rewards(0) = reward;
  const Space& space = roles()[1].observation_space;
  const Eigen::Array<double, 5, 1> seen(m(kRevenue), m(kAdvertiserSurplus), m(kEngagement),
                                        m(kUserRetention), m(kAdLoad));
  platform.observations.row(0) = seen.min(space.high()).max(space.low()).transpose();
}

void AdMarketEnv::fill_metrics(const AdStepStats& ads, const Traffic& traffic, int users_at_start,
                               int returns, Eigen::ArrayXd& m) const {
  const auto ratio = [](double a, double b) { return b > 0.0 ? a / b : 0.0; };
  m(kRevenue) = ads.revenue;
  m(kSpendOverBudget) = ads.spend_over_budget;
  m(kAdvertiserValue) = ads.value;
  m(kAdvertiserSurplus) = ads.surplus();
  m(kRoi) = ads.roi();
  m(kMetricClicks) = ads.clicks;
  m(kMetricConversions) = ads.conversions;
  m(kMetricImpressions) = ads.impressions;
  m(kPageViews) = traffic.page_views;
  m(kSessions) = traffic.sessions;
  m(kCtr) = ads.ctr();
  m(kAdLoad) = ratio(ads.impressions, traffic.page_views * positions_);
  m(kEngagement) = ratio(traffic.page_views, users_at_start);
  m(kMeanFatigue) = ads.mean_fatigue;
  m(kActiveUsers) = users_.active_count();
  m(kUserRetention) = static_cast<double>(users_.active_count()) / users_.size();
  m(kUserChurns) = traffic.user_churns;
  m(kUserReturns) = returns;
  m(kActiveAdvertisers) = ads.active_advertisers;
  m(kAdvertiserRetention) = ads.advertiser_retention;
  m(kAdvertiserEntries) = ads.entries;
  m(kAdvertiserExits) = ads.exits;
  m(kCalibrationError) = ads.calibration_error;
  m(kPredictionError) = ads.prediction_error;
  m(kPacingFactor) = ads.pacing_factor;
}

namespace {

std::unique_ptr<Env> make(const Json& params, const EnvContext& ctx) {
  return std::make_unique<AdMarketEnv>(params, ctx);
}

const bool registered = EnvRegistry::instance().add(
    {"env", "ad_market",
     "Ads marketplace over months: budgets, CPA/ROAS targets, pacing, fatigue, churn.",
     "A pool of advertisers (budgets, values per click or conversion, targets, targeting, "
     "creative quality; entry and churn) sets bid multipliers once per period; the env "
     "simulates every session of a user population (drifting interests, ad fatigue, churn and "
     "return) page by page: retrieval of C targeted candidates, a position auction from the "
     "mechanism library ranking by bid x predicted CTR (+ weighted user value), clicks and "
     "conversions from the true probabilities, per-click prices charged to daily budgets that "
     "are never exceeded, optional platform pacing (throttling or bid modification). Reward: "
     "value - spend. Edelman, Ostrovsky & Schwarz (2007); Varian (2007); Balseiro & Gur "
     "(2019); McMahan et al. (2013). See docs/ad_market.md.",
     ad_market_params()},
    EnvFactory{&make, true});

}  // namespace
}  // namespace agora
