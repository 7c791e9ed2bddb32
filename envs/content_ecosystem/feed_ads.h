// FeedAds: ads in the content feed. It hosts an AdServer (envs/ad_market/ad_server.h: the
// ad_market env's advertisers, bids, pacing, retrieval, auction, clicks, prices and the
// "advertiser" role) and places its ads among the organic items of each user's feed, between
// the exposure rule and the user's choice.
//
// Model (one host period = one advertiser day: budgets reset every period; parameters in
// feed_ads_config.h; decisions in docs/content_ecosystem.md, "Ads in the feed"):
// - Layout. A feed of n organic items gets a = n x ad_load ads, rounded at random (mean
//   exact; at most ceil(K x ad_load) for slates of K). "top": the ads take feed positions
//   0..a-1; "spaced": ad j (0-based) follows floor((j + 1) n / (a + 1)) organic items, at
//   feed position p_j = floor((j + 1) n / (a + 1)) + j. Position effect: decay^p_j.
// - Auction. One multi-slot auction per feed over the a ad positions (non-increasing
//   effects), run by the config's position-auction mechanism through the AdServer; clicks
//   with probability effect x quality x relevance x 1/(1 + κF), per-click prices charged to
//   daily budgets.
// - Interests. A user's preference x (unit, dimension d) maps to the advertisers' topic
//   simplex as w_t = exp(β <x, c_t>) over the content topics' centroids c_t, normalised to
//   unit length (the AdServer's relevance is floor + (1 - floor) cosine(w, targeting)).
// - Fatigue. Exposure stock F_u: +1 per ad shown, halved every fatigue_half_life periods.
// - Diversity. D_u = distinct advertisers / impressions among the user's last
//   diversity_window ad impressions (1 = never the same advertiser twice).
// - Users. Each ad in the feed adds ad_aversion to the outside option's utility in the logit
//   choice (fewer consumptions); the session's value loses
//     cost = a_shown x ad_annoyance x (1 + fatigue_annoyance (1 - 1/(1 + κF)))
//                                   x (1 + repetition_annoyance (1 - D_u)),
//   F at the feed's start and D_u after it, which lowers satisfaction and so raises churn.
// Pacing intervals: platform.pacing_intervals_per_hour x 24 per period, the period's
// sessions split evenly among them in the host's order.
//
// Sources: Hohnhold, O'Brien & Tang, "Focusing on the long-term: it's good for users and
// business" (KDD 2015) for ad load against long-term engagement; Yan et al., "Ads allocation in
// feed via constrained optimization" (KDD 2020) for ads among organic feed items; Abrams & Vee
// (2007) for ad fatigue; position auctions and pacing as in envs/ad_market/ad_market.h.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "envs/ad_market/ad_server.h"
#include "envs/content_ecosystem/feed_ads_config.h"
#include "envs/content_ecosystem/topic_space.h"

namespace agora {

// What one feed's ads did to the user.
struct FeedAdsOutcome {
  int ads = 0;                 // ads shown
  double annoyance = 0.0;      // utility cost, subtract from the session's value
  double outside_shift = 0.0;  // add to the outside option's utility in the choice
};

// The ad metrics of one period.
struct FeedAdsPeriodStats {
  AdStepStats server;         // revenue, clicks, impressions, spend over budget, advertisers...
  double ad_load = 0.0;       // ads / organic items shown
  double ad_fatigue = 0.0;    // mean 1 - 1/(1 + κF) at ad impressions
  double ad_diversity = 0.0;  // mean D_u after the feed, over feeds with ads
  double annoyance = 0.0;     // mean cost per session
};

class FeedAds {
 public:
  // centroids: topics x d; slate_size K; users: the host's user count (indices < users).
  FeedAds(FeedAdsConfig config, const FloatRows& centroids, int slate_size, int users,
          std::shared_ptr<const Mechanism> mechanism);

  static RoleSpec advertiser_role(const FeedAdsConfig& config) {
    return AdServer::advertiser_role(config.server);
  }
  const FeedAdsConfig& config() const { return config_; }
  const AdServer& server() const { return server_; }
  int max_ads() const { return max_ads_; }

  void reset(Rng& rng, RoleState& advertisers);
  // Starts a period with `sessions` feeds to come.
  void begin_period(const RowBatch& multipliers, const RoleState& advertisers, int sessions);
  // The ads of `user`'s feed of `organic` items (preference: unit, dimension d).
  FeedAdsOutcome serve(int user, std::span<const float> preference, int organic, Rng& rng);
  // Rewards, advertiser churn and entry, observations; the period's metrics.
  FeedAdsPeriodStats end_period(RoleState& advertisers, Rng& rng);

  // The host's ad metrics besides revenue, in this order, and their values.
  static const std::vector<std::string>& metric_names();
  static void write_metrics(const FeedAdsPeriodStats& stats, std::span<double> out);

  // The last feed's ads: feed positions (0-based) and advertisers, in feed order.
  std::span<const int> feed_positions() const { return {positions_.data(), last_ads_}; }
  std::span<const int> feed_advertisers() const {
    return last_ads_ > 0 ? server_.page_ads() : std::span<const int>();
  }
  // For tests: a user's ad interests (unit, topics), exposure stock and diversity.
  std::span<const float> interests_of(std::span<const float> preference);
  double exposure(int user) const { return fatigue_stock(user); }
  double diversity(int user) const;

 private:
  static FeedAdsConfig with_layout(FeedAdsConfig config, int slate_size);
  void advance_interval(int session);
  void remember(int user, std::span<const int> ads);
  double fatigue_stock(int user) const;

  const FeedAdsConfig config_;
  const FloatRows centroids_;
  const int max_ads_;
  const int intervals_;
  const int window_;
  const double decay_per_period_;
  AdServer server_;

  std::vector<float> interests_;  // topics
  std::vector<double> effects_;   // per ad slot of the current feed
  std::vector<int> positions_;
  std::size_t last_ads_ = 0;
  std::vector<double> stock_;  // F per user, as of period last_period_[u]
  std::vector<int> last_period_;
  std::vector<int> ring_;       // users x window: last advertisers seen, -1 empty
  std::vector<int> ring_next_;  // next write position per user
  std::vector<int> ring_count_;

  int period_ = 0;
  int sessions_ = 0;
  int served_ = 0;
  int interval_ = 0;  // current pacing interval; intervals_ when closed
  double organic_ = 0.0, ads_ = 0.0, diversity_sum_ = 0.0, feeds_with_ads_ = 0.0;
  double annoyance_ = 0.0;
};

}  // namespace agora
