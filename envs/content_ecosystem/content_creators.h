// The creators of the `content_ecosystem` env: a fixed pool (the role "creator") with an active
// mask, each with a content direction (unit vector in R^d), quality, production cost, posting
// rate and freshness; entry into fresh slots and exit after a stretch of low utility.
//
// Model. A creator is one current item: its direction c_i (set by its action), quality q_i ~
// U[quality_range] and cost per period k_i ~ U[cost_range], both drawn at entry, and its age a_i
// (periods since it last posted). Each period every active creator flips a posting coin with
// probability posting_rate; the creator posts (a_i <- 0) when the coin comes up or when its
// action changed its direction, and otherwise its item ages (a_i <- a_i + 1). Freshness is
// exp(-a_i / freshness_timescale). The coin is flipped for every active creator whatever its
// action, so a counterfactual action changes nothing but that creator's own direction and age.
// After the period's rewards, a creator whose utility was below outside_option for `patience`
// consecutive periods leaves for good (terminated; never revived). Then Poisson(arrival_rate)
// entrants take the next never-used slots (while any are left), with a direction drawn around a
// topic ~ topic_supply (normalize(centroid + creator_spread z)) and fresh quality and cost.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include "core/rng.h"
#include "envs/content_ecosystem/topic_space.h"
#include "envs/space.h"

namespace agora {

struct ContentCreatorParams {
  int pool = 50;
  int initial = 25;
  double spread = 0.3;
  std::vector<double> topic_weights;  // empty: uniform
  double quality_low = 0.2;
  double quality_high = 1.0;
  double cost_low = 0.0;
  double cost_high = 0.0;
  double posting_rate = 0.5;
  double freshness_timescale = 5.0;
  double arrival_rate = 0.0;
  int patience = 10;
  double outside_option = 0.0;
};

class ContentCreators {
 public:
  ContentCreators(const ContentCreatorParams& params, const TopicSpace& space);

  int pool() const { return params_.pool; }
  const ContentCreatorParams& params() const { return params_; }
  const FloatRows& directions() const { return directions_; }
  const Eigen::ArrayXd& quality() const { return quality_; }
  const Eigen::ArrayXd& cost() const { return cost_; }
  const Eigen::ArrayXd& freshness() const { return freshness_; }
  const BoolArray& active() const { return active_; }
  const Eigen::ArrayXi& below_streak() const { return below_streak_; }
  int entered() const { return next_fresh_; }

  // Activates the initial creators; the caller sets active/terminated flags from active().
  void reset(Rng& rng);
  // Starts a period: remembers every active creator's direction and age, then applies the
  // proposed directions (rows of `proposed`, normalised; a zero row keeps the direction) and
  // flips the posting coins.
  void start_period(const FloatRows& proposed, Rng& rng);
  // What creator i's age and freshness would be this period with direction `direction`.
  double freshness_if(int creator, std::span<const float> direction) const;
  // Ends a period: updates the low-utility streaks from `utility` and marks leavers in
  // `terminated` (they become inactive); returns the number of leavers.
  int settle(std::span<const double> utility, BoolArray& terminated);
  // Draws the period's entrants into fresh slots; returns how many entered.
  int enter(Rng& rng);
  // The direction a proposed row maps to for creator i: the normalised row, or the direction
  // in force before this period when the row is zero.
  void resolve_direction(int creator, std::span<const float> proposed, std::span<float> out) const;
  // For tests: overwrite a creator's direction (normalised).
  void set_direction(int creator, std::span<const float> direction);

 private:
  void activate(int slot, Rng& rng);
  double freshness_of_age(double age) const;

  const ContentCreatorParams params_;
  const TopicSpace& space_;
  std::vector<double> topic_cdf_;
  FloatRows directions_;
  FloatRows previous_directions_;
  Eigen::ArrayXd quality_, cost_, age_, previous_age_, freshness_;
  BoolArray active_, posted_;
  Eigen::ArrayXi below_streak_;
  int next_fresh_ = 0;
};

}  // namespace agora
