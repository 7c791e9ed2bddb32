// The advertiser pool of the ad_market env: a fixed pool of campaign slots with an active
// mask. Slots [0, count) are active at reset; entrants take the next fresh slots; an advertiser
// that churns never comes back (its slot stays inactive).
//
// Each slot's campaign is drawn at reset from the configured distributions (one for all slots
// or one per slot): a daily budget (or none), a value per click or per conversion, a
// conversion rate, a creative quality, an objective ("clicks", "conversions", "value"),
// optional CPA / ROAS targets and a targeting vector on the interest simplex (drawn like a
// user's interests). Unbounded budget draws are capped at the 0.9999 quantile.
//
// Churn (docs/ad_market.md): at the end of every day an active advertiser's day is "bad" when
// it spent something and (with a ROAS target) value < target_roas x spend, (with a CPA target)
// spend > target_cpa x conversions, or (without targets) value < min_roi x spend; a day is also
// bad when more than `unspent_fraction` of a budget went unspent. After `churn_patience`
// consecutive bad days (0: never) the advertiser leaves. The day an entrant arrives mid-day is
// not judged.
#pragma once

#include <vector>

#include "core/rng.h"
#include "envs/ad_market/ad_market_config.h"

namespace agora {

class AdvertiserPool {
 public:
  AdvertiserPool(const AdvertiserConfig& config, int topics);

  void reset(Rng& rng);

  int pool() const { return pool_; }
  int topics() const { return topics_; }
  bool active(int i) const { return active_[i] != 0; }
  bool has_budgets() const { return config_.has_budgets; }
  // The largest budget any slot can draw (0 without budgets), for observation bounds.
  double max_budget() const { return max_budget_; }

  // Campaign attributes, fixed for the episode (budget 0 = unlimited).
  double budget(int i) const { return budget_[i]; }
  double value_per_click(int i) const { return value_per_click_[i]; }
  double value_per_conversion(int i) const { return value_per_conversion_[i]; }
  double conversion_rate(int i) const { return conversion_rate_[i]; }
  double quality(int i) const { return quality_[i]; }
  Objective objective(int i) const { return objective_[i]; }
  double target_cpa(int i) const { return config_.target_cpa[i]; }
  double target_roas(int i) const { return config_.target_roas[i]; }
  // pool x topics, row-major, unit norm rows.
  const std::vector<float>& targeting() const { return targeting_; }
  double targeting_threshold() const { return config_.targeting_threshold; }

  // The day's budget left (+inf without a budget).
  double remaining(int i) const { return remaining_[i]; }
  const double* remaining_data() const { return remaining_.data(); }
  void charge(int i, double price) { remaining_[i] -= price; }
  void record_day(int i, double spend, double value, double conversions) {
    day_spend_[i] += spend;
    day_value_[i] += value;
    day_conversions_[i] += conversions;
  }
  double day_spend(int i) const { return day_spend_[i]; }

  void start_day();
  // Activates up to `count` fresh slots; returns the slots activated.
  std::vector<int> admit(int count);
  int fresh_slots() const { return pool_ - next_fresh_; }
  // Judges advertiser i's day (see above) and returns true when it leaves now.
  bool end_day(int i);
  int active_count() const;
  int ever_active() const { return next_fresh_; }

 private:
  const AdvertiserConfig config_;
  const int pool_;
  const int topics_;
  const double max_budget_;
  std::vector<double> budget_cap_;  // per slot: the largest budget it can draw
  std::vector<double> budget_, value_per_click_, value_per_conversion_, conversion_rate_, quality_;
  std::vector<Objective> objective_;
  std::vector<float> targeting_;
  std::vector<char> active_;
  std::vector<char> judged_;  // active for the whole current day
  std::vector<double> remaining_, day_spend_, day_value_, day_conversions_;
  std::vector<int> bad_days_;
  int next_fresh_ = 0;
};

}  // namespace agora
