#include "envs/content_ecosystem/feed_ads.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

namespace {

int max_ads_per_feed(double ad_load, int slate_size) {
  return std::max(1, static_cast<int>(std::ceil(slate_size * ad_load - 1e-9)));
}

}  // namespace

FeedAdsConfig FeedAds::with_layout(FeedAdsConfig config, int slate_size) {
  const int slots = max_ads_per_feed(config.ad_load, slate_size);
  auto& ctr = config.server.platform.position_ctr;
  ctr.resize(static_cast<std::size_t>(slots));
  for (int s = 0; s < slots; ++s) ctr[s] = std::pow(config.position_decay, s);
  return config;
}

FeedAds::FeedAds(FeedAdsConfig config, const FloatRows& centroids, int slate_size, int users,
                 std::shared_ptr<const Mechanism> mechanism)
    : config_(with_layout(std::move(config), slate_size)),
      centroids_(centroids),
      max_ads_(max_ads_per_feed(config_.ad_load, slate_size)),
      intervals_(config_.server.platform.pacing_intervals_per_hour * 24),
      window_(config_.diversity_window),
      decay_per_period_(std::exp2(-1.0 / config_.fatigue_half_life)),
      server_(config_.server, std::move(mechanism), "content_ecosystem with ads") {
  AGORA_CHECK_EQ(static_cast<int>(centroids_.rows()), config_.server.topics);
  const auto n = static_cast<std::size_t>(users);
  interests_.resize(static_cast<std::size_t>(config_.server.topics));
  effects_.resize(static_cast<std::size_t>(max_ads_));
  positions_.resize(static_cast<std::size_t>(max_ads_));
  stock_.assign(n, 0.0);
  last_period_.assign(n, 0);
  ring_.assign(n * static_cast<std::size_t>(window_), -1);
  ring_next_.assign(n, 0);
  ring_count_.assign(n, 0);
}

void FeedAds::reset(Rng& rng, RoleState& advertisers) {
  server_.reset(rng, advertisers, AdDayClock{true, 1.0, 1.0});
  std::fill(stock_.begin(), stock_.end(), 0.0);
  std::fill(last_period_.begin(), last_period_.end(), 0);
  std::fill(ring_.begin(), ring_.end(), -1);
  std::fill(ring_next_.begin(), ring_next_.end(), 0);
  std::fill(ring_count_.begin(), ring_count_.end(), 0);
  period_ = 0;
  sessions_ = served_ = 0;
  interval_ = intervals_;
  last_ads_ = 0;
}

void FeedAds::begin_period(const RowBatch& multipliers, const RoleState& advertisers,
                           int sessions) {
  AGORA_CHECK(sessions >= 0);
  ++period_;
  server_.begin_step(multipliers, advertisers, period_ > 1);
  sessions_ = sessions;
  served_ = 0;
  interval_ = 0;
  server_.begin_interval();
  organic_ = ads_ = diversity_sum_ = feeds_with_ads_ = annoyance_ = 0.0;
  last_ads_ = 0;
}

void FeedAds::advance_interval(int target) {
  const double share = 1.0 / intervals_;
  while (interval_ < target) {
    server_.end_interval(share, (intervals_ - interval_) * share);
    ++interval_;
    if (interval_ < intervals_) server_.begin_interval();
  }
}

std::span<const float> FeedAds::interests_of(std::span<const float> preference) {
  const int topics = config_.server.topics;
  AGORA_CHECK_EQ(static_cast<Eigen::Index>(preference.size()), centroids_.cols());
  const Eigen::Map<const Eigen::VectorXf> x(preference.data(),
                                            static_cast<Eigen::Index>(preference.size()));
  Eigen::Map<Eigen::VectorXf> w(interests_.data(), topics);
  w.noalias() = centroids_ * x;
  const float beta = static_cast<float>(config_.interest_sharpness);
  const float top = w.maxCoeff();
  w = ((w.array() - top) * beta).exp().matrix();
  w /= w.norm();
  return interests_;
}

double FeedAds::fatigue_stock(int user) const {
  const int elapsed = period_ - last_period_[user];
  return elapsed == 0 ? stock_[user] : stock_[user] * std::pow(decay_per_period_, elapsed);
}

void FeedAds::remember(int user, std::span<const int> ads) {
  int* ring = ring_.data() + static_cast<std::ptrdiff_t>(user) * window_;
  for (const int ad : ads) {
    ring[ring_next_[user]] = ad;
    ring_next_[user] = (ring_next_[user] + 1) % window_;
    ring_count_[user] = std::min(window_, ring_count_[user] + 1);
  }
}

double FeedAds::diversity(int user) const {
  const int count = ring_count_[user];
  if (count == 0) return 1.0;
  const int* ring = ring_.data() + static_cast<std::ptrdiff_t>(user) * window_;
  int distinct = 0;
  for (int k = 0; k < count; ++k) {
    distinct += std::find(ring, ring + k, ring[k]) == ring + k;
  }
  return static_cast<double>(distinct) / count;
}

FeedAdsOutcome FeedAds::serve(int user, std::span<const float> preference, int organic, Rng& rng) {
  AGORA_CHECK(served_ < sessions_);
  advance_interval(static_cast<int>(static_cast<std::int64_t>(served_) * intervals_ / sessions_));
  ++served_;
  last_ads_ = 0;
  FeedAdsOutcome out;
  if (organic <= 0) return out;
  organic_ += organic;
  const double expected = organic * config_.ad_load;
  const double whole = std::floor(expected);
  int ads = static_cast<int>(whole);
  if (expected > whole && boost::random::bernoulli_distribution<double>(expected - whole)(rng)) {
    ++ads;
  }
  ads = std::min(ads, max_ads_);
  if (ads == 0) return out;
  for (int j = 0; j < ads; ++j) {
    const int before =
        config_.positions == FeedAdPositions::kTop ? 0 : (j + 1) * organic / (ads + 1);
    positions_[j] = before + j;
    effects_[j] = std::pow(config_.position_decay, positions_[j]);
  }
  interests_of(preference);
  const double stock = fatigue_stock(user);
  const double fatigue_factor = 1.0 / (1.0 + config_.fatigue_strength * stock);
  const AdViewer viewer{interests_.data(), stock, fatigue_factor};
  int shown = 0;
  if (server_.begin_session(viewer)) {
    shown = server_.serve_page(
        viewer, std::span<const double>(effects_.data(), static_cast<std::size_t>(ads)), rng);
  }
  server_.end_session();
  stock_[user] = stock + shown;
  last_period_[user] = period_;
  if (shown == 0) return out;
  last_ads_ = static_cast<std::size_t>(shown);
  remember(user, server_.page_ads());
  const double diversity_now = diversity(user);
  out.ads = shown;
  out.outside_shift = config_.ad_aversion * shown;
  out.annoyance = shown * config_.ad_annoyance *
                  (1.0 + config_.fatigue_annoyance * (1.0 - fatigue_factor)) *
                  (1.0 + config_.repetition_annoyance * (1.0 - diversity_now));
  ads_ += shown;
  diversity_sum_ += diversity_now;
  feeds_with_ads_ += 1.0;
  annoyance_ += out.annoyance;
  return out;
}

FeedAdsPeriodStats FeedAds::end_period(RoleState& advertisers, Rng& rng) {
  advance_interval(intervals_);
  const auto ratio = [](double a, double b) { return b > 0.0 ? a / b : 0.0; };
  FeedAdsPeriodStats stats;
  stats.server = server_.end_step(1.0, 24.0, AdDayClock{true, 1.0, 1.0}, advertisers, rng);
  stats.ad_load = ratio(ads_, organic_);
  stats.ad_fatigue = stats.server.mean_fatigue;
  stats.ad_diversity = ratio(diversity_sum_, feeds_with_ads_);
  stats.annoyance = ratio(annoyance_, sessions_);
  return stats;
}

const std::vector<std::string>& FeedAds::metric_names() {
  static const std::vector<std::string> names = {"ad_impressions",
                                                 "ad_clicks",
                                                 "ad_load",
                                                 "ad_fatigue",
                                                 "ad_diversity",
                                                 "ad_annoyance",
                                                 "advertiser_spend_over_budget",
                                                 "advertiser_surplus",
                                                 "active_advertisers",
                                                 "advertiser_retention"};
  return names;
}

void FeedAds::write_metrics(const FeedAdsPeriodStats& stats, std::span<double> out) {
  const AdStepStats& s = stats.server;
  const double values[] = {
      s.impressions,         s.clicks,           stats.ad_load,
      stats.ad_fatigue,      stats.ad_diversity, stats.annoyance,
      s.spend_over_budget,   s.surplus(),        static_cast<double>(s.active_advertisers),
      s.advertiser_retention};
  AGORA_CHECK_EQ(out.size(), std::size(values));
  std::copy(std::begin(values), std::end(values), out.begin());
}

}  // namespace agora
