// The user population of the ad_market env: a fixed set of users, each with an interest vector
// that may drift, an ad-exposure stock that drives fatigue, and an active/churned state.
//
// Model (docs/ad_market.md). Interests: x = (E_1^c, ..., E_d^c) / ||.||, E_k ~ Exp(1), c the
// interest concentration (0: uniform interests). Drift: a Gaussian random walk with std
// `interest_drift` per sqrt(day) per coordinate, applied lazily when a session starts (the
// increments since the user's last session add up exactly before clipping), then clipped at 0
// and renormalised. Fatigue: the exposure stock F grows by one per ad shown and decays
// with half-life h, F(t) = F(t0) 2^{-(t - t0)/h}; the response to ads (click probability) is
// multiplied by the fatigue factor 1 / (1 + kappa F) (Abrams & Vee 2007 and Agarwal et al.
// 2009 model ad fatigue as a decay of the response with recent exposure). Sessions: pages
// until the user stops, continuing after a page with a ads out of K positions with
// probability continue_prob x (1 - ad_aversion x a / K). Churn: at a session's end the user
// leaves with probability clamp(base + c_load x L + c_fatigue x (1 - fatigue factor) -
// c_relevance x R, 0, 1), L the session's ads / (pages x K), R the mean relevance of its ads;
// churned users return at `return_rate` per day (the env draws the returns once per step).
//
// Memory: d + 3 floats and two ints per user (O(users)), nothing per step.
#pragma once

#include <vector>

#include "core/rng.h"
#include "envs/ad_market/ad_market_config.h"

namespace agora {

class UserPopulation {
 public:
  UserPopulation(const UserConfig& config, int topics);

  void reset(Rng& rng);

  int size() const { return static_cast<int>(position_.size()); }
  int active_count() const { return active_; }
  int churned_count() const { return size() - active_; }
  bool is_active(int user) const { return position_[user] < active_; }
  // A uniformly drawn active user (requires active_count() > 0).
  int sample_active(Rng& rng) const;

  // Starts a session of `user` at time `t_hours`: applies the interest drift and the decay of
  // the exposure stock since its last session.
  void begin_session(int user, double t_hours, Rng& rng);
  const float* interests(int user) const {
    return interests_.data() + static_cast<std::ptrdiff_t>(user) * topics_;
  }
  double exposure(int user) const { return stock_[user]; }
  double fatigue_factor(int user) const { return 1.0 / (1.0 + kappa_ * stock_[user]); }
  void expose(int user, int ads) { stock_[user] += static_cast<float>(ads); }

  double continue_probability(int ads, int positions) const {
    return continue_prob_ * (1.0 - ad_aversion_ * ads / positions);
  }
  double churn_hazard(double ad_load, double fatigue, double mean_relevance) const;
  bool churn_possible() const { return churn_possible_; }
  void churn(int user);
  // Each churned user returns with `probability`; returns how many did.
  int return_churned(double probability, Rng& rng);

  // Draws one interest (or targeting) vector into out[0..topics).
  static void draw_interests(double concentration, int topics, Rng& rng, float* out);

 private:
  void swap_positions(int a, int b);

  const UserConfig config_;
  const int topics_;
  const double kappa_;
  const double continue_prob_;
  const double ad_aversion_;
  const double decay_per_hour_;  // ln 2 / half-life
  const double drift_;
  const bool churn_possible_;
  std::vector<float> interests_;  // users x topics
  std::vector<float> stock_;
  std::vector<float> last_seen_;  // hours
  std::vector<int> order_;        // active users in [0, active_), churned after
  std::vector<int> position_;     // index of each user in order_
  int active_ = 0;
};

}  // namespace agora
