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
// Code: the users and the traffic (sessions, pages, diurnal curve, platform role) are this
// env's; everything about advertisers, bids, pacing, retrieval, the page auction, clicks,
// prices and the advertiser role is the AdServer's (envs/ad_market/ad_server.h), which other
// envs host with their own users.
//
// Parameters: envs/ad_market/ad_market_config.cc (`agora describe ad_market`).
// Sources: Edelman, Ostrovsky & Schwarz (2007) and Varian (2007) for position auctions;
// Balseiro & Gur (2019) and Balseiro et al. (2017) for pacing; McMahan et al. (2013) for
// online CTR prediction; Abrams & Vee (2007) for ad fatigue in position auctions.
#pragma once

#include <utility>
#include <vector>

#include "envs/ad_market/ad_market_config.h"
#include "envs/ad_market/ad_server.h"
#include "envs/ad_market/users.h"
#include "envs/env.h"
#include "envs/env_registry.h"

namespace agora {

class AdMarketEnv final : public Env {
 public:
  AdMarketEnv(const Json& params, const EnvContext& ctx);

  const AdMarketConfig& config() const { return config_; }
  const UserPopulation& users() const { return users_; }
  const AdvertiserPool& advertisers() const { return server_.advertisers(); }

  // The traffic share of hours [h0, h1) of a day (h in [0, 24]) under the diurnal curve.
  double traffic_share(double h0, double h1) const;

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  struct Traffic {
    double page_views = 0.0;
    double sessions = 0.0;
    int user_churns = 0;
  };

  AdMarketEnv(AdMarketConfig config, const EnvContext& ctx);

  void run_interval(double start_hour, double hours, double share, Rng& rng, Traffic& traffic);
  void run_session(int user, double t_hours, Rng& rng, Traffic& traffic);
  AdViewer viewer(int user) const {
    return {users_.interests(user), users_.exposure(user), users_.fatigue_factor(user)};
  }
  // The advertisers' view of the clock at hour_.
  AdDayClock day_clock() const;
  void fill_metrics(const AdStepStats& ads, const Traffic& traffic, int users_at_start, int returns,
                    Eigen::ArrayXd& m) const;

  const AdMarketConfig config_;
  const std::vector<std::pair<int, double>> objective_;  // platform role: metric, weight
  const int positions_;
  UserPopulation users_;
  AdServer server_;
  double hour_ = 0.0;  // hours since the episode start at the step's start
  double ad_load_ = 1.0;
};

}  // namespace agora
