// AdServer: the ad side of a platform, shared by the envs that show ads (`ad_market`, the
// content feed's ads in envs/content_ecosystem/feed_ads.h). It owns the advertiser pool
// (advertisers.h) and their agents' bid multipliers, platform pacing (budget_pacing.h), click
// and conversion predictions (click_predictor.h), retrieval of candidates for a viewer, the
// auction of a page's ad positions by a position auction from the mechanism library, clicks,
// conversions and per-click prices charged to daily budgets, the per-step accounts of every
// advertiser, the role "advertiser" (observations, rewards: the contract of
// docs/autobidding.md), advertiser churn and entry, and the step's ad metrics.
//
// The host env owns the users and the traffic. It tells the server when steps, days, pacing
// intervals, sessions and pages happen and who views a page (AdViewer: interests as a unit
// vector over the advertisers' topics, the exposure stock F and the fatigue factor
// 1 / (1 + κF) at the page's start), and it updates its user's fatigue from the ads shown.
//
// Model of a page (relevance, bids, retrieval, ranking, prices, budget guard): the header of
// envs/ad_market/ad_market.h and docs/ad_market.md. Parameters: ad_server_config.h.
//
// Calling sequence, every random draw from the host's Rng in this order:
//   reset(rng, state, clock)
//   per step:     begin_step(multipliers, state, new_day) [set_reserve(r)]
//     per pacing interval: begin_interval() ... end_interval(share, share_left)
//       per session: begin_session(viewer); serve_page(viewer, slots, rng) per page;
//                    end_session()
//   end_step(step_share, step_hours, next, state, rng) -> AdStepStats
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "envs/ad_market/ad_server_config.h"
#include "envs/ad_market/advertisers.h"
#include "envs/ad_market/budget_pacing.h"
#include "envs/ad_market/click_predictor.h"
#include "envs/env.h"
#include "mechanisms/mechanism.h"
#include "mechanisms/position_auction.h"

namespace agora {

// The user who views a page, as the ad server sees it.
struct AdViewer {
  const float* interests;  // unit vector of AdServerConfig::topics entries, >= 0
  double exposure;         // exposure stock F (an input of the learned click model)
  double fatigue_factor;   // 1 / (1 + κF): multiplies every click probability
};

// The host's clock as the advertisers see it at the start of the next step.
struct AdDayClock {
  bool day_starts;           // the next step opens a day (budgets are full again)
  double day_fraction_left;  // share of the day's hours still to come
  double next_share;         // the next step's share of the day's traffic
};

// The ad metrics of one step (docs/ad_market.md, "Metrics").
struct AdStepStats {
  double revenue = 0.0;
  double value = 0.0;
  double spend_over_budget = 0.0;
  double clicks = 0.0;
  double conversions = 0.0;
  double impressions = 0.0;
  double mean_fatigue = 0.0;
  double calibration_error = 0.0;
  double prediction_error = 0.0;
  double pacing_factor = 1.0;
  int active_advertisers = 0;
  double advertiser_retention = 0.0;
  int entries = 0;
  int exits = 0;
  double surplus() const { return value - revenue; }
  double roi() const { return revenue > 0.0 ? value / revenue : 0.0; }
  double ctr() const { return impressions > 0.0 ? clicks / impressions : 0.0; }
};

// Throws ConfigError unless `mechanism` is a position auction pricing per click without
// per-bidder reserves or declared values (gsp, vcg, first_price, second_price); `host` names
// the env in the message.
const PositionAuction& checked_ad_auction(const std::shared_ptr<const Mechanism>& mechanism,
                                          const std::string& host);

class AdServer {
 public:
  AdServer(AdServerConfig config, std::shared_ptr<const Mechanism> mechanism,
           const std::string& host);

  // The role "advertiser": pool = count + max_entrants, Box ["multiplier"], the observation
  // labels of docs/autobidding.md, bandit feedback.
  static RoleSpec advertiser_role(const AdServerConfig& config);

  const AdServerConfig& config() const { return config_; }
  const AdvertiserPool& advertisers() const { return advertisers_; }
  int positions() const { return positions_; }

  void reset(Rng& rng, RoleState& state, const AdDayClock& clock);
  // Reads every active advertiser's multiplier (column 0) and clears the step's accounts;
  // `new_day` resets the daily budgets first.
  void begin_step(const RowBatch& multipliers, const RoleState& state, bool new_day);
  // A hard reserve per click on every auction from now on (BatchTerms::reserve).
  void set_reserve(double reserve) { terms_.reserve = reserve; }
  void begin_interval();
  // share: the interval's share of the day's traffic; share_left: from its start to midnight.
  void end_interval(double share, double share_left);

  // Retrieval for a session of `viewer` (whose interests must stay valid until end_session);
  // returns false when no advertiser is a candidate.
  bool begin_session(const AdViewer& viewer);
  // One page with `slots` ad positions (the first `slots` position effects): candidates, the
  // auction, clicks, conversions, prices. Returns the ads shown; the host then adds them to
  // the viewer's exposure stock.
  int serve_page(const AdViewer& viewer, int slots, Rng& rng);
  // The same with the page's own position effects (non-increasing, each in (0, 1], at most
  // positions() of them), for hosts whose layout varies from page to page.
  int serve_page(const AdViewer& viewer, std::span<const double> position_ctr, Rng& rng);
  // The advertisers shown on the last page, in position order.
  std::span<const int> page_ads() const { return page_shown_; }
  // Mean relevance of the ads shown since begin_session (0 without ads).
  double session_relevance(int session_ads) const {
    return session_ads > 0 ? (relevance_ - session_relevance_start_) / session_ads : 0.0;
  }
  void end_session();

  // Rewards (value - spend), the day's end (advertiser churn: terminated, inactive),
  // entrants (Poisson(entry_rate x step_hours / 24)), the next observations; step_share: the
  // step's share of the day's traffic, step_hours: its length.
  AdStepStats end_step(double step_share, double step_hours, const AdDayClock& next,
                       RoleState& state, Rng& rng);

 private:
  struct Candidate {
    double score;
    double bid;
    double relevance;
    int ad;
  };
  // Retrieval order: coarse score, then the advertiser's index (a function object, so that
  // the sorts inline it).
  struct RetrievalOrder {
    bool operator()(const Candidate& a, const Candidate& b) const {
      return a.score > b.score || (a.score == b.score && a.ad < b.ad);
    }
  };
  static constexpr RetrievalOrder retrieved_before{};

  // The active advertisers' targeting, bid bases and coarse qualities for retrieval: built at
  // the step's start, bids refreshed at every pacing interval.
  void pack_active();
  void refresh_bids();
  // Retrieval for the session's viewer: fills head_ with the best candidates in retrieval
  // order, or with `everyone`, retrieved_ with all of them unordered; returns how many.
  int retrieve(bool everyone);
  // The r-th candidate of the session in retrieval order, null past the end (retrieves and
  // sorts everyone the first time r passes the head).
  const Candidate* retrieved_at(int r);
  // Walks the retrieval order and fills page_* with the page's candidates; returns how many.
  int select_candidates(Rng& rng);
  int show_page(const AdViewer& viewer, std::span<const double> ctr, int m, Rng& rng);
  void record_click(int ad, double relevance, double price, Rng& rng);
  AuctionOutcome& outcome_for(int slots, int bidders);
  void fill_observations(RoleState& state, const AdDayClock& clock) const;

  const AdServerConfig config_;
  const RoleSpec role_;
  const std::shared_ptr<const Mechanism> mechanism_;
  const bool use_additive_;
  const int positions_;
  const int max_candidates_;
  const bool throttling_;
  const int head_capacity_;  // candidates kept in order per session (more when throttling)
  AdvertiserPool advertisers_;
  ClickPredictor predictor_;
  BudgetPacer pacer_;

  // Per step.
  std::vector<double> multiplier_;
  std::vector<int> active_ads_;
  std::vector<float> active_targeting_;  // active ads x topics
  std::vector<float> dots_;              // per active ad, for the session's viewer
  std::vector<double> base_bid_;         // m β v (x p̂CVR per unit relevance), per active ad
  std::vector<double> coarse_quality_;   // per active ad
  std::vector<char> bid_scales_;         // the bid is proportional to relevance (CVR-based)
  std::vector<double> spend_, value_, clicks_, conversions_, impressions_;
  double revenue_ = 0.0, fatigue_ = 0.0, predicted_ = 0.0, abs_error_ = 0.0;
  double relevance_ = 0.0;  // summed over the step's impressions
  BatchTerms terms_;
  // Per session and page, sized once.
  const float* session_interests_ = nullptr;
  bool session_has_candidates_ = false;
  double session_relevance_start_ = 0.0;
  std::vector<Candidate> retrieved_;
  std::vector<Candidate> head_;
  int head_size_ = 0;
  int tail_start_ = 0;
  int tail_size_ = 0;        // -1: not retrieved yet
  int retrieved_count_ = 0;  // throttling: everyone is retrieved, ordered up to sorted_upto_
  int sorted_upto_ = 0;
  std::vector<int> frequency_;
  std::vector<int> touched_;
  std::vector<int> page_ad_, page_shown_;
  std::vector<double> page_bid_, page_quality_, page_additive_, page_truth_, page_relevance_;
  std::vector<std::unique_ptr<AuctionOutcome>> outcomes_;  // by (slots - 1) x C + bidders - 1
};

}  // namespace agora
