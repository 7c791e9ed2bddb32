#include "envs/ad_market/ad_server.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

namespace {

constexpr double kBig = 1e15;
constexpr double kMinQuality = 1e-12;

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

double max_target(const std::vector<double>& targets) {
  return std::max(1.0, *std::max_element(targets.begin(), targets.end()));
}

}  // namespace

const PositionAuction& checked_ad_auction(const std::shared_ptr<const Mechanism>& mechanism,
                                          const std::string& host) {
  const auto* auction = dynamic_cast<const PositionAuction*>(mechanism.get());
  if (auction == nullptr) {
    throw ConfigError("mechanism", host +
                                       " needs a position auction (gsp, vcg, first_price "
                                       "or second_price)");
  }
  const PositionAuctionConfig& c = auction->config();
  if (!c.declared_values.empty()) {
    throw ConfigError("mechanism.name",
                      "myerson needs declared value distributions per bidder; " + host +
                          "'s bidders are changing candidates: use gsp, vcg, first_price or "
                          "second_price");
  }
  if (c.rule == PriceRule::kAllPay) {
    throw ConfigError("mechanism.name", "all_pay charges losers; " + host +
                                            " prices clicks: use gsp, vcg, first_price or "
                                            "second_price");
  }
  if (c.pricing != Pricing::kPerClick) {
    throw ConfigError("mechanism.params.pricing",
                      host + " bids and charges per click: use \"per_click\"");
  }
  if (!c.reserves.empty()) {
    throw ConfigError("mechanism.params.reserves",
                      "per-bidder reserves would apply to auction candidates, not advertisers; "
                      "use reserve or score_reserve");
  }
  return *auction;
}

RoleSpec AdServer::advertiser_role(const AdServerConfig& c) {
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
  return role;
}

AdServer::AdServer(AdServerConfig config, std::shared_ptr<const Mechanism> mechanism,
                   const std::string& host)
    : config_(std::move(config)),
      role_(advertiser_role(config_)),
      mechanism_(std::move(mechanism)),
      use_additive_(checked_ad_auction(mechanism_, host).config().additive_weight != 0.0),
      positions_(static_cast<int>(config_.platform.position_ctr.size())),
      max_candidates_(config_.platform.candidates),
      throttling_(config_.platform.pacing == PacingMode::kThrottling),
      head_capacity_(throttling_ ? 4 * max_candidates_ : max_candidates_),
      advertisers_(config_.advertisers, config_.topics),
      predictor_(config_.platform, config_.advertisers.pool()),
      pacer_(config_.platform, config_.advertisers.pool()) {
  AGORA_CHECK(positions_ > 0);
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
  page_shown_.reserve(static_cast<std::size_t>(positions_));
  for (auto* v : {&page_bid_, &page_quality_, &page_additive_, &page_truth_, &page_relevance_}) {
    v->resize(c);
  }
  outcomes_.resize(static_cast<std::size_t>(positions_) * c);
}

void AdServer::reset(Rng& rng, RoleState& state, const AdDayClock& clock) {
  advertisers_.reset(rng);
  predictor_.reset(rng);
  pacer_.reset();
  for (auto* v : {&spend_, &value_, &clicks_, &conversions_, &impressions_}) {
    std::fill(v->begin(), v->end(), 0.0);
  }
  terms_ = BatchTerms{};
  for (int i = 0; i < advertisers_.pool(); ++i) state.active(i) = advertisers_.active(i);
  fill_observations(state, clock);
}

void AdServer::begin_step(const RowBatch& multipliers, const RoleState& state, bool new_day) {
  if (new_day) advertisers_.start_day();
  active_ads_.clear();
  for (int i = 0; i < advertisers_.pool(); ++i) {
    spend_[i] = value_[i] = clicks_[i] = conversions_[i] = impressions_[i] = 0.0;
    if (!state.active(i)) continue;
    multiplier_[i] = multipliers(i, 0);
    active_ads_.push_back(i);
  }
  revenue_ = fatigue_ = predicted_ = abs_error_ = relevance_ = 0.0;
  pack_active();
}

void AdServer::begin_interval() {
  pacer_.begin_interval(advertisers_);
  refresh_bids();
}

void AdServer::end_interval(double share, double share_left) {
  pacer_.end_interval(advertisers_, share, share_left);
}

AuctionOutcome& AdServer::outcome_for(int slots, int bidders) {
  auto& slot = outcomes_[static_cast<std::size_t>(slots - 1) * max_candidates_ + (bidders - 1)];
  if (!slot) {
    slot = std::make_unique<AuctionOutcome>();
    slot->resize(1, slots, bidders);
  }
  return *slot;
}

void AdServer::pack_active() {
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

void AdServer::refresh_bids() {
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

int AdServer::retrieve(bool everyone) {
  const int topics = config_.topics;
  const auto active = static_cast<Eigen::Index>(active_ads_.size());
  if (active == 0) return 0;
  using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<Eigen::VectorXf>(dots_.data(), active).noalias() =
      Eigen::Map<const FloatRows>(active_targeting_.data(), active, topics) *
      Eigen::Map<const Eigen::VectorXf>(session_interests_, topics);
  const float threshold = static_cast<float>(advertisers_.targeting_threshold());
  const double floor = config_.relevance_floor;
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

const AdServer::Candidate* AdServer::retrieved_at(int r) {
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
    const int n = retrieve(true);
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

bool AdServer::begin_session(const AdViewer& viewer) {
  session_interests_ = viewer.interests;
  session_relevance_start_ = relevance_;
  if (throttling_) {
    // The walk goes about C / participation deep: order everyone's best 4C at once.
    retrieved_count_ = retrieve(true);
    sorted_upto_ = std::min(retrieved_count_, head_capacity_);
    const auto begin = retrieved_.begin();
    if (sorted_upto_ < retrieved_count_) {
      std::nth_element(begin, begin + sorted_upto_, begin + retrieved_count_, retrieved_before);
    }
    std::sort(begin, begin + sorted_upto_, retrieved_before);
    session_has_candidates_ = retrieved_count_ > 0;
  } else {
    tail_size_ = retrieve(false) > head_size_ ? -1 : 0;
    session_has_candidates_ = head_size_ > 0;
  }
  return session_has_candidates_;
}

void AdServer::end_session() {
  for (const int ad : touched_) frequency_[ad] = 0;
  touched_.clear();
  session_interests_ = nullptr;
}

int AdServer::select_candidates(Rng& rng) {
  const int cap = config_.platform.frequency_cap;
  const bool covers_bid = config_.platform.budget_covers_bid;
  int m = 0;
  for (int r = 0; m < max_candidates_; ++r) {
    const Candidate* next = retrieved_at(r);
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

int AdServer::serve_page(const AdViewer& viewer, int slots, Rng& rng) {
  AGORA_CHECK(slots >= 1 && slots <= positions_);
  return serve_page(viewer,
                    std::span<const double>(config_.platform.position_ctr.data(),
                                            static_cast<std::size_t>(slots)),
                    rng);
}

int AdServer::serve_page(const AdViewer& viewer, std::span<const double> position_ctr, Rng& rng) {
  AGORA_CHECK(session_interests_ == viewer.interests);
  AGORA_CHECK(!position_ctr.empty() && static_cast<int>(position_ctr.size()) <= positions_);
  page_shown_.clear();
  if (!session_has_candidates_) return 0;
  const int m = select_candidates(rng);
  return m > 0 ? show_page(viewer, position_ctr, m, rng) : 0;
}

int AdServer::show_page(const AdViewer& viewer, std::span<const double> ctr, int m, Rng& rng) {
  const PlatformConfig& platform = config_.platform;
  const int slots = static_cast<int>(ctr.size());
  const double exposure = viewer.exposure;
  const double fatigue_factor = viewer.fatigue_factor;
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
                           ctr,
                           terms_};
  mechanism_->run(batch, outcome, rng);
  for (int s = 0; s < slots; ++s) {
    const int w = outcome.winner(0, s);
    if (w < 0) continue;
    const int ad = page_ad_[w];
    const double relevance = page_relevance_[w];
    const double truth = ctr[s] * page_truth_[w];
    const double predicted = ctr[s] * page_quality_[w];
    page_shown_.push_back(ad);
    relevance_ += relevance;
    impressions_[ad] += 1.0;
    fatigue_ += 1.0 - fatigue_factor;
    predicted_ += predicted;
    abs_error_ += std::abs(predicted - truth);
    if (platform.frequency_cap > 0 && frequency_[ad]++ == 0) touched_.push_back(ad);
    const bool clicked = coin(rng, truth);
    predictor_.learn(ad, relevance, exposure, ctr[s], page_quality_[w], clicked);
    if (!clicked) continue;
    // Prices never exceed bids; VCG's per-click price (payment / clicks) may by an ulp.
    AGORA_CHECK(outcome.price(0, s) <= page_bid_[w] * (1.0 + 1e-12));
    const double price = std::min(outcome.price(0, s), page_bid_[w]);
    record_click(ad, relevance, price, rng);
    revenue_ += price;
  }
  return static_cast<int>(page_shown_.size());
}

void AdServer::record_click(int ad, double relevance, double price, Rng& rng) {
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

AdStepStats AdServer::end_step(double step_share, double step_hours, const AdDayClock& next,
                               RoleState& state, Rng& rng) {
  double budget_pace = 0.0;
  double budget_spend = 0.0;
  double pacing_sum = 0.0;
  int paced = 0;
  for (const int i : active_ads_) {
    state.rewards(i) = value_[i] - spend_[i];
    if (advertisers_.budget(i) > 0.0) {
      budget_pace += advertisers_.budget(i) * step_share;
      budget_spend += spend_[i];
      pacing_sum += pacer_.bid_factor(i) * pacer_.participation(i);
      ++paced;
    }
  }
  AdStepStats stats;
  if (next.day_starts) {
    for (const int i : active_ads_) {
      if (advertisers_.end_day(i)) {
        state.terminated(i) = true;
        state.active(i) = false;
        ++stats.exits;
      }
    }
  }
  if (config_.advertisers.entry_rate > 0.0 && advertisers_.fresh_slots() > 0) {
    boost::random::poisson_distribution<int> arrivals(config_.advertisers.entry_rate * step_hours /
                                                      24.0);
    for (const int i : advertisers_.admit(arrivals(rng))) {
      state.active(i) = true;
      ++stats.entries;
    }
  }
  fill_observations(state, next);

  for (const int i : active_ads_) {
    stats.clicks += clicks_[i];
    stats.conversions += conversions_[i];
    stats.impressions += impressions_[i];
    stats.value += value_[i];
  }
  const auto ratio = [](double a, double b) { return b > 0.0 ? a / b : 0.0; };
  stats.revenue = revenue_;
  stats.spend_over_budget = ratio(budget_spend, budget_pace);
  stats.mean_fatigue = ratio(fatigue_, stats.impressions);
  stats.calibration_error = ratio(predicted_ - stats.clicks, stats.impressions);
  stats.prediction_error = ratio(abs_error_, stats.impressions);
  stats.pacing_factor = paced > 0 ? pacing_sum / paced : 1.0;
  stats.active_advertisers = advertisers_.active_count();
  stats.advertiser_retention = ratio(stats.active_advertisers, advertisers_.ever_active());
  return stats;
}

void AdServer::fill_observations(RoleState& state, const AdDayClock& clock) const {
  const Space& space = role_.observation_space;
  for (int i = 0; i < advertisers_.pool(); ++i) {
    const double budget = advertisers_.budget(i);
    const double remaining =
        budget > 0.0 ? (clock.day_starts ? budget : std::max(0.0, advertisers_.remaining(i))) : 0.0;
    double* row = &state.observations(i, 0);
    row[kBudget] = budget;
    row[kSpend] = spend_[i];
    row[kBudgetRemaining] = remaining;
    row[kDayFractionLeft] = clock.day_fraction_left;
    row[kValueObtained] = value_[i];
    row[kClicks] = clicks_[i];
    row[kConversions] = conversions_[i];
    row[kImpressions] = impressions_[i];
    row[kTargetCpa] = advertisers_.target_cpa(i);
    row[kTargetRoas] = advertisers_.target_roas(i);
    row[kExpectedSpendShare] = clock.next_share;
    for (int d = 0; d < kObsDim; ++d) {
      row[d] = std::clamp(row[d], space.low()(d), space.high()(d));
    }
  }
}

}  // namespace agora
