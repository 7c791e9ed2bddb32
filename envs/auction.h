// Environment `auction`: repeated sealed-bid auctions with private values.
//
// Model. n bidders compete for k slots with click-through rates ctr[0] >= ... >= ctr[k-1].
// Each round every bidder has a private value per click drawn from its own distribution
// (uniform, exponential, lognormal or constant; iid or asymmetric), either redrawn every round
// or drawn once per episode (persistent_values). One env step is `rounds_per_step` rounds
// (R): the per-auction learning setting with R = 1, or a batch for day-level strategy. The
// bidder's action is its bid per click ("bid" mode, the same bid in all R rounds) or a shading
// factor applied to each round's value ("shade" mode). The mechanism (first or second price,
// from mechanisms/) allocates the slots and sets prices.
//
// Observation of bidder i (labels in the observation space): "value" — its value for the
// first round of the next step; "clicks" and "payment" — its mean expected clicks and payment
// per round in the last step; with feedback "winning_bid" or "full" also "winning_bid" (mean
// of the top slot's winning bid, 0 when unsold); with "full" also "highest_other_bid" (mean
// over rounds) and counterfactual rewards for any action (Env::counterfactuals).
// Reward: mean utility per round, value * clicks - payment (expected clicks = ctr).
// Metrics per step (means per auction): revenue, welfare, optimal_welfare, bidder_utility, and
// efficiency = welfare / optimal welfare over the step's rounds.
//
// Parameters: see the registration in auction.cc (`agora describe auction`).
// Theory (predicted_metrics): for iid uniform values, one slot, first or second price with a
// reserve, the equilibrium revenue is Myerson's n ∫_r^1 (2x-1) x^{n-1} dx on U[0,1] scaled to
// [low, high] (Myerson 1981; Krishna, Auction Theory, 2nd ed., §2.5), (n-1)/(n+1) without
// reserve; for iid exponential values without reserve, E[second highest] = (H_n - 1)/rate.
#pragma once

#include <memory>
#include <vector>

#include "envs/env.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"
#include "mechanisms/value_distribution.h"

namespace agora {

class AuctionEnv final : public Env, public CounterfactualFeedback {
 public:
  enum class FeedbackLevel { kOwn, kWinningBid, kFull };

  AuctionEnv(const Json& params, const EnvContext& ctx);

  const CounterfactualFeedback* counterfactual_oracle(int role) const override {
    return role == 0 ? this : nullptr;
  }
  void counterfactual_rewards(int agent, const RowBatch& candidates,
                              Eigen::Ref<Eigen::ArrayXd> out) const override;
  int counterfactual_rounds() const override { return rounds_; }
  void reward_profile(int agent, int round, PiecewiseLinear& out) const override;
  Json predicted_metrics() const override;

  static std::vector<RoleSpec> make_roles(const Json& params, const std::string& path);

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  void draw_values(Rng& rng);
  void fill_observations(StepResult& result) const;
  double optimal_welfare(int round) const;
  void draw_round_inputs(Rng& rng);
  double mean_ex_post_regret(const RowBatch& actions) const;
  // The other eligible bidders' scores in a round, decreasing: the ctr.size() highest and every
  // further score tied with the last kept; returns how many were written.
  int top_other_scores(int round, int agent, std::span<double> out) const;
  // The round's k + 2 highest eligible scores and their bidders, once per step and round;
  // returns how many there are, or -1 when two of them tie (the caller then scans).
  int round_top_scores(int round) const;

  const int n_;
  const int rounds_;
  const std::vector<double> ctr_;
  const std::vector<ValueDistribution> values_dist_;
  const std::vector<ValueDistribution> quality_dist_;   // empty: every quality is 1
  const std::vector<ValueDistribution> additive_dist_;  // empty: every additive term is 0
  const bool identical_;  // all bidders draw values from the same distribution
  const bool persistent_;
  const bool shade_mode_;
  const FeedbackLevel feedback_;
  const bool report_regret_;
  const std::shared_ptr<const Mechanism> mechanism_;

  Eigen::ArrayXd next_values_;
  RowBatch values_;    // rounds x bidders, last step
  RowBatch bids_;      // rounds x bidders, last step
  RowBatch quality_;   // rounds x bidders, last step (empty when all 1)
  RowBatch additive_;  // rounds x bidders, last step (empty when all 0)
  AuctionOutcome outcome_;
  Eigen::ArrayXd utility_, clicks_, payment_, highest_other_;
  double winning_bid_ = 0.0;
  mutable std::vector<double> others_scratch_;
  mutable std::vector<double> round_top_score_;  // rounds x (k + 2)
  mutable std::vector<int> round_top_bidder_;    // rounds x (k + 2)
  mutable std::vector<int> round_top_count_;     // per round; kStale until computed
  static constexpr int kStale = -2;
  mutable std::vector<double> top_values_scratch_;
  mutable DeviationProfile profile_scratch_;
  mutable PiecewiseLinear utility_scratch_;
  mutable PiecewiseLinear regret_scratch_;
  mutable PiecewiseLinear counterfactual_scratch_;
};

}  // namespace agora
