// Environment `ad_market`: an ads marketplace over months — advertisers with budgets and
// targets, users who tire of ads and may leave, and a platform that retrieves, ranks and
// auctions ads page by page (docs/ad_market.md has the decisions and every formula).
//
// Model. Time runs in hours; an env step is one period of `period_hours` (a divisor of 24), in
// which every active advertiser's agent sets a bid multiplier m_i and the env simulates all
// traffic of the period, pacing interval by interval (pacing_intervals_per_hour). Sessions in
// an interval: Poisson (or randomly rounded) with mean active users x sessions_per_day x the
// interval's share of the day's traffic (intensity 1 + a cos(2π(h - 20)/24)); each session
// belongs to a uniformly drawn active user and is a run of pages. Each page has K ad positions
// with position effects ctr_1 >= ... >= ctr_K (position_ctr) and shows K x ad_load ads (rounded
// at random). Relevance of ad i to user u: r = floor + (1 - floor) x_u·a_i (unit interest and
// targeting vectors, envs/ad_market/users.h). True click probability in position s:
//   P(click) = ctr_s q_i r / (1 + κ F_u)          (q_i the creative quality, F_u the exposure
//                                                 stock, envs/ad_market/users.h)
// and a click converts with probability c_i r (c_i the conversion rate).
// Platform, per page (envs/ad_market/click_predictor.h, budget_pacing.h):
//   retrieval  the advertisers targeting u (x_u·a_i >= targeting_threshold) ordered once per
//              session by the coarse score bid x q̂_coarse x r; walking that order, the first C
//              (candidates) that are not frequency capped, whose remaining daily budget covers
//              their bid, and that pass the pacing throttle enter the auction;
//   bids       b_i = m_i x β_i x v_i(u), v_i = value_per_click ("clicks") or
//              value_per_conversion x p̂CVR_i(u) ("conversions", "value"), β_i the pacing
//              factor (1 without bid_modification); bids of 0 are not candidates;
//   ranking    the mechanism (gsp, vcg, first_price, second_price: mechanisms/position_auction.h)
//              with quality q̂ (the predicted CTR) and additive term e = r - fatigue_penalty x
//              (1 - 1/(1 + κF)) weighted by its additive_weight: score b q̂^α + w e;
//   pricing    per click: a click on the ad in position s costs the mechanism's price per
//              click, charged to the advertiser's day budget.
// Budgets (budget_guard): with "positive" an advertiser takes part in an auction while some of
// its daily budget remains; it takes at most one position and pays at most its bid per click,
// so a day's spend exceeds the budget by less than the price of its last click. With "bid" it
// takes part only while the remaining budget covers its bid, and the budget is never
// exceeded. Budgets reset at midnight.
//
// Role "advertiser" (pool = count + max_entrants, bandit feedback). Action: Box
// ["multiplier"] in [0, max_multiplier]. Observation (Box, finite bounds): "budget" (0 =
// unlimited), "spend", "budget_remaining" (at the start of the next step; 0 when unlimited),
// "day_fraction_left", "value_obtained", "clicks", "conversions", "impressions" (last step),
// "target_cpa", "target_roas" (0 = none), "expected_spend_share" (the next step's share of the
// day's traffic). Counts and money are bounded by 1e15 (never reached). Reward: the step's
// surplus value - spend for every objective (value: clicks x value_per_click, conversions x
// value_per_conversion, or the sum of the conversions' drawn values for "value").
//
// Metrics per step: revenue; spend_over_budget (spend of budgeted advertisers / (their
// budgets x the step's traffic share): 1 = on pace); advertiser_value; advertiser_surplus;
// roi (value / spend); clicks; conversions; impressions; page_views; sessions; ctr; ad_load
// (impressions / (page views x K)); engagement (page views per active user); mean_fatigue
// (mean 1 - 1/(1 + κF) at impressions); active_users; user_retention (share of users
// active); user_churns; user_returns; active_advertisers; advertiser_retention (active / ever
// active); advertiser_entries; advertiser_exits; calibration_error (mean predicted minus mean
// realized click probability per impression); prediction_error (mean |predicted - true click
// probability| per impression); pacing_factor (mean β x participation over active budgeted
// advertisers).
//
// Platform agent (optional, param `platform_agent`): a second role "platform" (pool 1, bandit
// feedback) whose action sets, for every auction of the period, "reserve" (a hard reserve per
// click, BatchTerms::reserve, on top of the mechanism's own) and/or "ad_load" (replacing
// platform.ad_load). It observes the last period's "revenue", "advertiser_surplus",
// "engagement", "user_retention" and "ad_load"; its reward is a weighted sum of the period's
// metrics (objective). Metrics then add "platform_reserve" / "platform_ad_load".
//
// Parameters: envs/ad_market/ad_market_config.cc (`agora describe ad_market`).
// Sources: Edelman, Ostrovsky & Schwarz (2007) and Varian (2007) for position auctions;
// Balseiro & Gur (2019) and Balseiro et al. (2017) for pacing; McMahan et al. (2013) for
// online CTR prediction; Abrams & Vee (2007) for ad fatigue in position auctions.
#pragma once

#include <memory>
#include <vector>

#include "envs/ad_market/ad_market_config.h"
#include "envs/ad_market/advertisers.h"
#include "envs/ad_market/budget_pacing.h"
#include "envs/ad_market/click_predictor.h"
#include "envs/ad_market/users.h"
#include "envs/env.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {

class AdMarketEnv final : public Env {
 public:
  AdMarketEnv(const Json& params, const EnvContext& ctx);

  const AdMarketConfig& config() const { return config_; }
  const UserPopulation& users() const { return users_; }
  const AdvertiserPool& advertisers() const { return advertisers_; }

  // The traffic share of hours [h0, h1) of a day (h in [0, 24]) under the diurnal curve.
  double traffic_share(double h0, double h1) const;

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  struct Candidate {
    double score;
    double bid;
    double relevance;
    int ad;
  };
  struct StepTotals;
  // Retrieval order: coarse score, then the advertiser's index (a function object, so that
  // the sorts inline it).
  struct RetrievalOrder {
    bool operator()(const Candidate& a, const Candidate& b) const {
      return a.score > b.score || (a.score == b.score && a.ad < b.ad);
    }
  };
  static constexpr RetrievalOrder retrieved_before{};

  AdMarketEnv(AdMarketConfig config, const EnvContext& ctx);

  void run_interval(double start_hour, double hours, double share, Rng& rng, StepTotals& totals);
  void run_session(int user, double t_hours, Rng& rng, StepTotals& totals);
  void start_retrieval(int user);
  // Walks the retrieval order and fills page_* with the page's auction candidates; returns
  // how many.
  int select_candidates(int user, Rng& rng);
  // Runs the page's auction over `m` candidates and `slots` ad positions, draws clicks and
  // conversions; returns the ads shown.
  int show_page(int user, int slots, int m, Rng& rng, StepTotals& totals);
  void record_click(int ad, double relevance, double price, Rng& rng);
  // The active advertisers' targeting, bid bases and coarse qualities for retrieval: built at
  // the step's start, bids refreshed at every pacing interval.
  void pack_active();
  void refresh_bids();
  // Retrieval for `user`: fills head_ with the best candidates in retrieval order, or with
  // `everyone`, retrieved_ with all of them unordered; returns how many there are.
  int retrieve(int user, bool everyone);
  // The r-th candidate of the session in retrieval order, null past the end (retrieves and
  // sorts everyone the first time r passes the head).
  const Candidate* retrieved_at(int r, int user);
  AuctionOutcome& outcome_for(int slots, int bidders);
  void fill_observations(RoleState& state) const;

  const AdMarketConfig config_;
  const std::vector<std::pair<int, double>> objective_;  // platform role: metric, weight
  const std::shared_ptr<const Mechanism> mechanism_;
  const bool use_additive_;
  const int positions_;
  const int max_candidates_;
  const bool throttling_;
  const int head_capacity_;  // candidates kept in order per session (more when throttling)
  UserPopulation users_;
  AdvertiserPool advertisers_;
  ClickPredictor predictor_;
  BudgetPacer pacer_;

  // Per step.
  std::vector<double> multiplier_;
  std::vector<int> active_ads_;
  std::vector<float> active_targeting_;  // active ads x topics
  std::vector<float> dots_;              // per active ad, for the session's user
  std::vector<double> base_bid_;         // m β v (x p̂CVR per unit relevance), per active ad
  std::vector<double> coarse_quality_;   // per active ad
  std::vector<char> bid_scales_;         // the bid is proportional to relevance (CVR-based)
  std::vector<double> spend_, value_, clicks_, conversions_, impressions_;
  // Per session and page, sized once.
  std::vector<Candidate> retrieved_;
  std::vector<Candidate> head_;
  int head_size_ = 0;
  int tail_start_ = 0;
  int tail_size_ = 0;        // -1: not retrieved yet
  int retrieved_count_ = 0;  // throttling: everyone is retrieved, ordered up to sorted_upto_
  int sorted_upto_ = 0;
  std::vector<int> frequency_;
  std::vector<int> touched_;
  std::vector<int> page_ad_;
  std::vector<double> page_bid_, page_quality_, page_additive_, page_truth_, page_relevance_;
  std::vector<std::unique_ptr<AuctionOutcome>> outcomes_;  // by (slots - 1) x C + bidders - 1
  double hour_ = 0.0;  // hours since the episode start at the step's start
  BatchTerms terms_;   // the period's reserve (the platform agent's, else none)
  double ad_load_ = 1.0;
};

}  // namespace agora
