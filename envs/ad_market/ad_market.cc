#include "envs/ad_market/ad_market.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.h"
#include "mechanisms/position_auction.h"

namespace agora {

namespace {

constexpr double kBig = 1e15;
constexpr int kMaxPages = 100000;
constexpr double kMinQuality = 1e-12;

// A draw that is true with probability p in [0, 1].
inline bool coin(Rng& rng, double p) {
  return boost::random::bernoulli_distribution<double>(p)(rng);
}

enum Obs {
  kBudget,
  kSpend,
  kBudgetRemaining,
  kDayFractionLeft,
  kValueObtained,
  kClicks,
  kConversions,
  kImpressions,
  kTargetCpa,
  kTargetRoas,
  kExpectedSpendShare,
  kObsDim
};

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

double max_target(const std::vector<double>& targets) {
  return std::max(1.0, *std::max_element(targets.begin(), targets.end()));
}

std::vector<RoleSpec> make_roles(const AdMarketConfig& c) {
  const double budget_hi = std::max(1.0, [&] {
    double hi = 0.0;
    for (const auto& d : c.advertisers.budget) {
      hi = std::max(hi, std::isfinite(d.upper()) ? d.upper() : d.quantile(0.9999));
    }
    return hi;
  }());
  Eigen::ArrayXd low = Eigen::ArrayXd::Zero(kObsDim);
  Eigen::ArrayXd high = Eigen::ArrayXd::Constant(kObsDim, kBig);
  high(kBudget) = budget_hi;
  high(kBudgetRemaining) = budget_hi;
  high(kDayFractionLeft) = 1.0;
  high(kTargetCpa) = max_target(c.advertisers.target_cpa);
  high(kTargetRoas) = max_target(c.advertisers.target_roas);
  high(kExpectedSpendShare) = 1.0;
  RoleSpec role;
  role.name = "advertiser";
  role.pool_size = c.advertisers.pool();
  role.observation_space = Space::box(
      low, high,
      {"budget", "spend", "budget_remaining", "day_fraction_left", "value_obtained", "clicks",
       "conversions", "impressions", "target_cpa", "target_roas", "expected_spend_share"});
  role.action_space = Space::box(Eigen::ArrayXd::Zero(1),
                                 Eigen::ArrayXd::Constant(1, c.max_multiplier), {"multiplier"});
  role.feedback = Feedback::kBandit;
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

const PositionAuction& checked_mechanism(const std::shared_ptr<const Mechanism>& mechanism) {
  const auto* auction = dynamic_cast<const PositionAuction*>(mechanism.get());
  if (auction == nullptr) {
    throw ConfigError("mechanism",
                      "ad_market needs a position auction (gsp, vcg, first_price "
                      "or second_price)");
  }
  const PositionAuctionConfig& c = auction->config();
  if (!c.declared_values.empty()) {
    throw ConfigError("mechanism.name",
                      "myerson needs declared value distributions per bidder; ad_market's "
                      "bidders are changing candidates: use gsp, vcg, first_price or "
                      "second_price");
  }
  if (c.rule == PriceRule::kAllPay) {
    throw ConfigError("mechanism.name",
                      "all_pay charges losers; ad_market prices clicks: use "
                      "gsp, vcg, first_price or second_price");
  }
  if (c.pricing != Pricing::kPerClick) {
    throw ConfigError("mechanism.params.pricing",
                      "ad_market bids and charges per click: use \"per_click\"");
  }
  if (!c.reserves.empty()) {
    throw ConfigError("mechanism.params.reserves",
                      "per-bidder reserves would apply to auction candidates, not advertisers; "
                      "use reserve or score_reserve");
  }
  return *auction;
}

}  // namespace

struct AdMarketEnv::StepTotals {
  double revenue = 0.0;
  double value = 0.0;
  double page_views = 0.0;
  double sessions = 0.0;
  double fatigue = 0.0;
  double predicted = 0.0;
  double abs_error = 0.0;
  double relevance = 0.0;  // summed over impressions
  int user_churns = 0;
};

AdMarketEnv::AdMarketEnv(const Json& params, const EnvContext& ctx)
    : AdMarketEnv(read_ad_market_config(params, ctx.path), ctx) {}

AdMarketEnv::AdMarketEnv(AdMarketConfig config, const EnvContext& ctx)
    : Env(make_roles(config), ad_market_metric_names(config), ctx.horizon),
      config_(std::move(config)),
      objective_(objective_columns(config_, ctx.path)),
      mechanism_(ctx.mechanism),
      use_additive_(checked_mechanism(mechanism_).config().additive_weight != 0.0),
      positions_(static_cast<int>(config_.platform.position_ctr.size())),
      max_candidates_(config_.platform.candidates),
      throttling_(config_.platform.pacing == PacingMode::kThrottling),
      head_capacity_(throttling_ ? 4 * max_candidates_ : max_candidates_),
      users_(config_.users, config_.topics),
      advertisers_(config_.advertisers, config_.topics),
      predictor_(config_.platform, config_.advertisers.pool()),
      pacer_(config_.platform, config_.advertisers.pool()) {
  const auto pool = static_cast<std::size_t>(advertisers_.pool());
  multiplier_.resize(pool);
  active_ads_.reserve(pool);
  active_targeting_.reserve(pool * static_cast<std::size_t>(config_.topics));
  for (auto* v : {&base_bid_, &coarse_quality_}) v->reserve(pool);
  dots_.reserve(pool);
  bid_scales_.reserve(pool);
  for (auto* v : {&spend_, &value_, &clicks_, &conversions_, &impressions_}) v->resize(pool);
  retrieved_.resize(pool);
  head_.resize(static_cast<std::size_t>(head_capacity_));
  frequency_.assign(pool, 0);
  touched_.reserve(pool);
  const auto c = static_cast<std::size_t>(max_candidates_);
  page_ad_.resize(c);
  for (auto* v : {&page_bid_, &page_quality_, &page_additive_, &page_truth_, &page_relevance_}) {
    v->resize(c);
  }
  outcomes_.resize(static_cast<std::size_t>(positions_) * c);
}

double AdMarketEnv::traffic_share(double h0, double h1) const {
  const double a = config_.diurnal_amplitude;
  const double w = 2.0 * std::numbers::pi / 24.0;
  const double integral =
      (h1 - h0) +
      (a == 0.0 ? 0.0 : a / w * (std::sin(w * (h1 - 20.0)) - std::sin(w * (h0 - 20.0))));
  return integral / 24.0;
}

AuctionOutcome& AdMarketEnv::outcome_for(int slots, int bidders) {
  auto& slot = outcomes_[static_cast<std::size_t>(slots - 1) * max_candidates_ + (bidders - 1)];
  if (!slot) {
    slot = std::make_unique<AuctionOutcome>();
    slot->resize(1, slots, bidders);
  }
  return *slot;
}

void AdMarketEnv::on_reset(Rng& rng, StepResult& result) {
  users_.reset(rng);
  advertisers_.reset(rng);
  predictor_.reset(rng);
  pacer_.reset();
  hour_ = 0.0;
  std::fill(spend_.begin(), spend_.end(), 0.0);
  std::fill(value_.begin(), value_.end(), 0.0);
  std::fill(clicks_.begin(), clicks_.end(), 0.0);
  std::fill(conversions_.begin(), conversions_.end(), 0.0);
  std::fill(impressions_.begin(), impressions_.end(), 0.0);
  terms_ = BatchTerms{};
  ad_load_ = config_.platform.ad_load;
  RoleState& state = result.roles[0];
  for (int i = 0; i < advertisers_.pool(); ++i) state.active(i) = advertisers_.active(i);
  fill_observations(state);
  if (config_.platform_role.enabled) {
    result.roles[1].active(0) = true;
    result.roles[1].observations.setZero();
  }
}

void AdMarketEnv::pack_active() {
  const int topics = config_.topics;
  const auto n = active_ads_.size();
  active_targeting_.resize(n * static_cast<std::size_t>(topics));
  dots_.resize(n);
  base_bid_.resize(n);
  coarse_quality_.resize(n);
  bid_scales_.resize(n);
  const float* targeting = advertisers_.targeting().data();
  for (std::size_t j = 0; j < n; ++j) {
    std::copy_n(targeting + static_cast<std::ptrdiff_t>(active_ads_[j]) * topics, topics,
                active_targeting_.data() + j * topics);
  }
}

void AdMarketEnv::refresh_bids() {
  for (std::size_t j = 0; j < active_ads_.size(); ++j) {
    const int i = active_ads_[j];
    const bool per_click = advertisers_.objective(i) == Objective::kClicks;
    // p̂CVR(u) = p̂CVR at relevance 1 x relevance, so the bid is linear in the relevance.
    const double value = per_click
                             ? advertisers_.value_per_click(i)
                             : advertisers_.value_per_conversion(i) *
                                   predictor_.predict_cvr(i, advertisers_.conversion_rate(i), 1.0);
    base_bid_[j] = multiplier_[i] * pacer_.bid_factor(i) * value;
    coarse_quality_[j] = predictor_.coarse_quality(i, advertisers_.quality(i));
    bid_scales_[j] = per_click ? 0 : 1;
  }
}

int AdMarketEnv::retrieve(int user, bool everyone) {
  const int topics = config_.topics;
  const auto active = static_cast<Eigen::Index>(active_ads_.size());
  if (active == 0) return 0;
  using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<Eigen::VectorXf>(dots_.data(), active).noalias() =
      Eigen::Map<const FloatRows>(active_targeting_.data(), active, topics) *
      Eigen::Map<const Eigen::VectorXf>(users_.interests(user), topics);
  const float threshold = static_cast<float>(advertisers_.targeting_threshold());
  const double floor = config_.users.relevance_floor;
  const double* remaining = advertisers_.remaining_data();
  if (!everyone) head_size_ = 0;
  int n = 0;
  for (Eigen::Index j = 0; j < active; ++j) {
    const float dot = dots_[j];
    if (dot < threshold || !(base_bid_[j] > 0.0)) continue;
    const int i = active_ads_[j];
    if (!(remaining[i] > 0.0)) continue;
    const double relevance = floor + (1.0 - floor) * std::min(1.0, static_cast<double>(dot));
    const double bid = bid_scales_[j] ? base_bid_[j] * relevance : base_bid_[j];
    const Candidate c{bid * coarse_quality_[j] * relevance, bid, relevance, i};
    if (everyone) {
      retrieved_[n++] = c;
      continue;
    }
    ++n;
    if (head_size_ == head_capacity_ && !retrieved_before(c, head_[head_size_ - 1])) continue;
    int pos = head_size_ < head_capacity_ ? head_size_++ : head_size_ - 1;
    for (; pos > 0 && retrieved_before(c, head_[pos - 1]); --pos) head_[pos] = head_[pos - 1];
    head_[pos] = c;
  }
  return n;
}

const AdMarketEnv::Candidate* AdMarketEnv::retrieved_at(int r, int user) {
  if (throttling_) {
    if (r >= retrieved_count_) return nullptr;
    if (r >= sorted_upto_) {
      std::sort(retrieved_.begin() + sorted_upto_, retrieved_.begin() + retrieved_count_,
                retrieved_before);
      sorted_upto_ = retrieved_count_;
    }
    return &retrieved_[r];
  }
  if (r < head_size_) return &head_[r];
  if (tail_size_ < 0) {
    // Budgets only shrink within a session, so the candidates now are a subset of those at
    // its start: the ones ordered after the head continue the walk.
    const int n = retrieve(user, true);
    std::sort(retrieved_.begin(), retrieved_.begin() + n, retrieved_before);
    const Candidate& last = head_[head_size_ - 1];
    tail_start_ = static_cast<int>(
        std::upper_bound(retrieved_.begin(), retrieved_.begin() + n, last, retrieved_before) -
        retrieved_.begin());
    tail_size_ = n - tail_start_;
  }
  const int t = r - head_size_;
  return t < tail_size_ ? &retrieved_[tail_start_ + t] : nullptr;
}

void AdMarketEnv::start_retrieval(int user) {
  if (throttling_) {
    // The walk goes about C / participation deep: order everyone's best 4C at once.
    retrieved_count_ = retrieve(user, true);
    sorted_upto_ = std::min(retrieved_count_, head_capacity_);
    const auto begin = retrieved_.begin();
    if (sorted_upto_ < retrieved_count_) {
      std::nth_element(begin, begin + sorted_upto_, begin + retrieved_count_, retrieved_before);
    }
    std::sort(begin, begin + sorted_upto_, retrieved_before);
  } else {
    tail_size_ = retrieve(user, false) > head_size_ ? -1 : 0;
  }
}

int AdMarketEnv::select_candidates(int user, Rng& rng) {
  const int cap = config_.platform.frequency_cap;
  const bool covers_bid = config_.platform.budget_covers_bid;
  int m = 0;
  for (int r = 0; m < max_candidates_; ++r) {
    const Candidate* next = retrieved_at(r, user);
    if (next == nullptr) break;
    const Candidate& c = *next;
    if (cap > 0 && frequency_[c.ad] >= cap) continue;
    const double remaining = advertisers_.remaining(c.ad);
    if (!(remaining > 0.0) || (covers_bid && remaining < c.bid)) continue;
    const double participation = pacer_.participation(c.ad);
    if (throttling_ && participation < 1.0 && !coin(rng, participation)) continue;
    page_ad_[m] = c.ad;
    page_bid_[m] = c.bid;
    page_relevance_[m] = c.relevance;
    ++m;
  }
  return m;
}

int AdMarketEnv::show_page(int user, int slots, int m, Rng& rng, StepTotals& totals) {
  const PlatformConfig& platform = config_.platform;
  const double* ctr = platform.position_ctr.data();
  const double exposure = users_.exposure(user);
  const double fatigue_factor = users_.fatigue_factor(user);
  for (int j = 0; j < m; ++j) {
    const int ad = page_ad_[j];
    page_truth_[j] = advertisers_.quality(ad) * page_relevance_[j] * fatigue_factor;
    page_quality_[j] = std::max(
        kMinQuality, predictor_.predict(ad, page_truth_[j], page_relevance_[j], exposure, rng));
    page_additive_[j] = page_relevance_[j] - platform.fatigue_penalty * (1.0 - fatigue_factor);
  }
  AuctionOutcome& outcome = outcome_for(slots, m);
  const AuctionBatch batch{page_bid_.data(),
                           page_quality_.data(),
                           use_additive_ ? page_additive_.data() : nullptr,
                           1,
                           m,
                           std::span<const double>(ctr, static_cast<std::size_t>(slots)),
                           terms_};
  mechanism_->run(batch, outcome, rng);
  int shown = 0;
  for (int s = 0; s < slots; ++s) {
    const int w = outcome.winner(0, s);
    if (w < 0) continue;
    const int ad = page_ad_[w];
    const double relevance = page_relevance_[w];
    const double truth = ctr[s] * page_truth_[w];
    const double predicted = ctr[s] * page_quality_[w];
    ++shown;
    totals.relevance += relevance;
    impressions_[ad] += 1.0;
    totals.fatigue += 1.0 - fatigue_factor;
    totals.predicted += predicted;
    totals.abs_error += std::abs(predicted - truth);
    if (platform.frequency_cap > 0 && frequency_[ad]++ == 0) touched_.push_back(ad);
    const bool clicked = coin(rng, truth);
    predictor_.learn(ad, relevance, exposure, ctr[s], page_quality_[w], clicked);
    if (!clicked) continue;
    // Prices never exceed bids; VCG's per-click price (payment / clicks) may by an ulp.
    AGORA_CHECK(outcome.price(0, s) <= page_bid_[w] * (1.0 + 1e-12));
    const double price = std::min(outcome.price(0, s), page_bid_[w]);
    record_click(ad, relevance, price, rng);
    totals.revenue += price;
  }
  users_.expose(user, shown);
  return shown;
}

void AdMarketEnv::record_click(int ad, double relevance, double price, Rng& rng) {
  advertisers_.charge(ad, price);
  AGORA_CHECK(!config_.platform.budget_covers_bid || advertisers_.remaining(ad) >= 0.0);
  spend_[ad] += price;
  clicks_[ad] += 1.0;
  const Objective objective = advertisers_.objective(ad);
  double worth = objective == Objective::kClicks ? advertisers_.value_per_click(ad) : 0.0;
  const bool converted = coin(rng, advertisers_.conversion_rate(ad) * relevance);
  predictor_.learn_conversion(ad, relevance, converted);
  if (converted) {
    conversions_[ad] += 1.0;
    const double per_conversion = advertisers_.value_per_conversion(ad);
    if (objective == Objective::kConversions) {
      worth = per_conversion;
    } else if (objective == Objective::kValue && per_conversion > 0.0) {
      worth = boost::random::exponential_distribution<double>(1.0 / per_conversion)(rng);
    }
  }
  value_[ad] += worth;
  advertisers_.record_day(ad, price, worth, converted ? 1.0 : 0.0);
}

void AdMarketEnv::run_session(int user, double t_hours, Rng& rng, StepTotals& totals) {
  users_.begin_session(user, t_hours, rng);
  start_retrieval(user);
  const bool any = throttling_ ? retrieved_count_ > 0 : head_size_ > 0;
  const double whole_ads = std::floor(positions_ * ad_load_);
  const double fractional_ads = positions_ * ad_load_ - whole_ads;
  const double relevance_before = totals.relevance;
  int pages = 0;
  int session_ads = 0;
  bool more = true;
  while (more && pages < kMaxPages) {
    ++pages;
    int ads = static_cast<int>(whole_ads);
    if (fractional_ads > 0.0 && coin(rng, fractional_ads)) ++ads;
    int shown = 0;
    if (ads > 0 && any) {
      const int m = select_candidates(user, rng);
      if (m > 0) shown = show_page(user, std::min(ads, positions_), m, rng, totals);
    }
    session_ads += shown;
    more = coin(rng, users_.continue_probability(shown, positions_));
  }
  totals.page_views += pages;
  totals.sessions += 1.0;
  for (const int ad : touched_) frequency_[ad] = 0;
  touched_.clear();
  if (users_.churn_possible()) {
    const double load = static_cast<double>(session_ads) / (pages * positions_);
    const double fatigue = 1.0 - users_.fatigue_factor(user);
    const double relevance =
        session_ads > 0 ? (totals.relevance - relevance_before) / session_ads : 0.0;
    if (coin(rng, users_.churn_hazard(load, fatigue, relevance))) {
      users_.churn(user);
      ++totals.user_churns;
    }
  }
}

void AdMarketEnv::run_interval(double start_hour, double hours, double share, Rng& rng,
                               StepTotals& totals) {
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
    run_session(users_.sample_active(rng), t, rng, totals);
  }
}

void AdMarketEnv::on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) {
  RoleState& state = result.roles[0];
  const int pool = advertisers_.pool();
  const double period = config_.period_hours;
  const double hour_of_day = std::fmod(hour_, 24.0);
  if (hour_of_day == 0.0 && steps_taken() > 0) advertisers_.start_day();
  active_ads_.clear();
  for (int i = 0; i < pool; ++i) {
    spend_[i] = value_[i] = clicks_[i] = conversions_[i] = impressions_[i] = 0.0;
    if (!state.active(i)) continue;
    multiplier_[i] = actions[0](i, 0);
    active_ads_.push_back(i);
  }
  pack_active();
  const PlatformRoleConfig& role = config_.platform_role;
  if (role.reserve_column >= 0) terms_.reserve = actions[1](0, role.reserve_column);
  if (role.ad_load_column >= 0) ad_load_ = actions[1](0, role.ad_load_column);
  const int users_at_start = users_.active_count();

  StepTotals totals;
  const int intervals = config_.platform.pacing_intervals_per_hour * config_.period_hours;
  const double length = period / intervals;
  for (int j = 0; j < intervals; ++j) {
    const double h = hour_of_day + j * length;
    const double share = traffic_share(h, h + length);
    pacer_.begin_interval(advertisers_);
    refresh_bids();
    run_interval(hour_ + j * length, length, share, rng, totals);
    pacer_.end_interval(advertisers_, share, traffic_share(h, 24.0));
  }

  int returns = 0;
  if (config_.users.return_rate > 0.0) {
    returns = users_.return_churned(-std::expm1(-config_.users.return_rate * period / 24.0), rng);
  }

  double budget_pace = 0.0;
  double budget_spend = 0.0;
  double pacing_sum = 0.0;
  int paced = 0;
  const double step_share = traffic_share(hour_of_day, hour_of_day + period);
  for (const int i : active_ads_) {
    state.rewards(i) = value_[i] - spend_[i];
    if (advertisers_.budget(i) > 0.0) {
      budget_pace += advertisers_.budget(i) * step_share;
      budget_spend += spend_[i];
      pacing_sum += pacer_.bid_factor(i) * pacer_.participation(i);
      ++paced;
    }
  }

  hour_ += period;
  int exits = 0;
  if (std::fmod(hour_, 24.0) == 0.0) {
    for (const int i : active_ads_) {
      if (advertisers_.end_day(i)) {
        state.terminated(i) = true;
        state.active(i) = false;
        ++exits;
      }
    }
  }
  int entries = 0;
  if (config_.advertisers.entry_rate > 0.0 && advertisers_.fresh_slots() > 0) {
    boost::random::poisson_distribution<int> arrivals(config_.advertisers.entry_rate * period /
                                                      24.0);
    for (const int i : advertisers_.admit(arrivals(rng))) {
      state.active(i) = true;
      ++entries;
    }
  }
  fill_observations(state);

  double clicks = 0.0, conversions = 0.0, impressions = 0.0;
  for (const int i : active_ads_) {
    clicks += clicks_[i];
    conversions += conversions_[i];
    impressions += impressions_[i];
    totals.value += value_[i];
  }
  Eigen::ArrayXd& m = result.metrics;
  const auto ratio = [](double a, double b) { return b > 0.0 ? a / b : 0.0; };
  m(kRevenue) = totals.revenue;
  m(kSpendOverBudget) = ratio(budget_spend, budget_pace);
  m(kAdvertiserValue) = totals.value;
  m(kAdvertiserSurplus) = totals.value - totals.revenue;
  m(kRoi) = ratio(totals.value, totals.revenue);
  m(kMetricClicks) = clicks;
  m(kMetricConversions) = conversions;
  m(kMetricImpressions) = impressions;
  m(kPageViews) = totals.page_views;
  m(kSessions) = totals.sessions;
  m(kCtr) = ratio(clicks, impressions);
  m(kAdLoad) = ratio(impressions, totals.page_views * positions_);
  m(kEngagement) = ratio(totals.page_views, users_at_start);
  m(kMeanFatigue) = ratio(totals.fatigue, impressions);
  m(kActiveUsers) = users_.active_count();
  m(kUserRetention) = static_cast<double>(users_.active_count()) / users_.size();
  m(kUserChurns) = totals.user_churns;
  m(kUserReturns) = returns;
  const int active = advertisers_.active_count();
  m(kActiveAdvertisers) = active;
  m(kAdvertiserRetention) = ratio(active, advertisers_.ever_active());
  m(kAdvertiserEntries) = entries;
  m(kAdvertiserExits) = exits;
  m(kCalibrationError) = ratio(totals.predicted - clicks, impressions);
  m(kPredictionError) = ratio(totals.abs_error, impressions);
  m(kPacingFactor) = paced > 0 ? pacing_sum / paced : 1.0;
  if (!role.enabled) return;
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

void AdMarketEnv::fill_observations(RoleState& state) const {
  const double hour_of_day = std::fmod(hour_, 24.0);
  const bool new_day = hour_of_day == 0.0;
  const double fraction_left = (24.0 - hour_of_day) / 24.0;
  const double next_share = traffic_share(hour_of_day, hour_of_day + config_.period_hours);
  const Space& space = roles()[0].observation_space;
  for (int i = 0; i < advertisers_.pool(); ++i) {
    const double budget = advertisers_.budget(i);
    const double remaining =
        budget > 0.0 ? (new_day ? budget : std::max(0.0, advertisers_.remaining(i))) : 0.0;
    double* row = &state.observations(i, 0);
    row[kBudget] = budget;
    row[kSpend] = spend_[i];
    row[kBudgetRemaining] = remaining;
    row[kDayFractionLeft] = fraction_left;
    row[kValueObtained] = value_[i];
    row[kClicks] = clicks_[i];
    row[kConversions] = conversions_[i];
    row[kImpressions] = impressions_[i];
    row[kTargetCpa] = advertisers_.target_cpa(i);
    row[kTargetRoas] = advertisers_.target_roas(i);
    row[kExpectedSpendShare] = next_share;
    for (int d = 0; d < kObsDim; ++d) {
      row[d] = std::clamp(row[d], space.low()(d), space.high()(d));
    }
  }
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
