// Budget pacing as a platform service in the ad_market env. The day is cut into pacing
// intervals (pacing_intervals_per_hour); traffic is generated interval by interval, and after
// each interval the platform compares every budgeted advertiser's spend z in the interval with
// its target ρ = R s / S, R the budget left at the interval's start, s the interval's share of
// the day's expected traffic and S the share still to come at its start (spending the rest
// evenly over the remaining traffic). With the normalised error e = (z - ρ) / (B s), B the
// daily budget:
//   "bid_modification"  a dual variable μ >= 0 scales the bid by 1 / (1 + μ) and follows
//                       μ <- max(0, μ + η e) (Balseiro & Gur 2019, "Learning in repeated
//                       auctions with budgets: regret minimization and equilibrium").
//   "throttling"        the same dual variable sets a participation probability instead:
//                       the advertiser takes part in each auction with probability
//                       π = max(0.001, 1 / (1 + μ)) and bids unscaled (probabilistic
//                       throttling, Balseiro, Kim, Mahdian & Mirrokni 2017, "Budget
//                       management strategies in repeated auctions").
//   "none"              factor 1, participation 1: pacing is left to the advertisers' agents.
// μ and π carry over from day to day. Independently of pacing, the env never lets an
// advertiser bid more than its remaining budget (envs/ad_market/ad_market.h).
#pragma once

#include <vector>

#include "envs/ad_market/ad_market_config.h"
#include "envs/ad_market/advertisers.h"

namespace agora {

class BudgetPacer {
 public:
  BudgetPacer(const PlatformConfig& config, int advertisers);

  void reset();
  PacingMode mode() const { return mode_; }
  double bid_factor(int i) const { return bid_factor_[i]; }
  double participation(int i) const { return participation_[i]; }

  void begin_interval(const AdvertiserPool& pool);
  // share: the interval's share of the day's traffic; share_left: the share from the
  // interval's start to the end of the day.
  void end_interval(const AdvertiserPool& pool, double share, double share_left);

 private:
  const PacingMode mode_;
  const double rate_;
  std::vector<double> mu_, bid_factor_, participation_, remaining_at_start_;
};

}  // namespace agora
