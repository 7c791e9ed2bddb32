// Environment `auction`: repeated sealed-bid auctions with private values.
//
// Model. n bidders compete for k slots with click-through rates ctr[0] >= ... >= ctr[k-1].
// Each round every bidder has a private value per click drawn from its own distribution
// (uniform, exponential, lognormal or constant; iid or asymmetric), either redrawn every round
// or drawn once per episode (persistent_values). One env step is `rounds_per_step` rounds
// (R): the per-auction learning setting with R = 1, or a batch for day-level strategy. The
// bidder's action is its bid per click ("bid" mode, the same bid in all R rounds) or a shading
// factor applied to each round's value ("shade" mode). The mechanism (any registered one from
// mechanisms/: first or second price, GSP, VCG, all-pay, Myerson) allocates the slots and sets
// prices.
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
// Theory (predicted_strategies): in the same structural setting (one slot, iid non-constant
// values with cdf F, unit quality, no additive term, a common hard reserve r, n bidders,
// G = F^{n-1}) the symmetric Bayes-Nash equilibrium bid on 101 values from the lowest type that
// bids to the top of the support (its 0.99 quantile when unbounded), in the units the
// mechanism receives:
//   second price, GSP, VCG, Myerson with the true prior: b(v) = v for v >= r (dominant).
//   first price: b(v) = v - ∫_{v0}^v G(x)/G(v) dx for v >= v0 = max(low, r), i.e.
//     E[max(Y, r) | Y < v] with Y the highest other value (Krishna, Auction Theory, 2nd ed.,
//     Prop. 2.2, and §2.5 with a reserve); (n-1)/n v on U[0,1] without reserve.
//   all-pay (bid per auction, ctr c): b(v) = r + c (v G(v) - v0 G(v0) - ∫_{v0}^v G(x) dx) for
//     v >= v0, the lowest type that bids: c v0 G(v0) = r when r > 0 (bidding r it just breaks
//     even; types in [r, v0) stay out), v0 = low when r = 0. From the revenue equivalence
//     principle (Krishna Prop. 3.1, applied to the all-pay auction in §3.2) with the reserve
//     acting as an entry fee with screening type v0 (Krishna §2.5); c v^2/2 for n = 2 on U[0,1].
// Integrals by adaptive Gauss-Kronrod quadrature (Boost.Math).
//
// Platform (optional, param `platform`; docs/platform_learning.md). With it the env has a
// second role "platform" (pool 1) whose action sets, for the step's R auctions, the terms the
// mechanism applies on top of its own parameters (BatchTerms): "reserve", a hard reserve on
// bids for every bidder (bidder i's reserve becomes max(r_i, reserve)), and/or
// "quality_exponent", the α of the score b q^α + w e (not with Myerson). Its observation is
// the last step's "revenue", "welfare", "efficiency" and "sold" (share of auctions with a
// winner); its reward the objective, a weighted sum of the step's revenue, welfare,
// bidder_utility and efficiency (bandit feedback). Bidders' counterfactuals use the terms in
// force. Metrics add "sold" and the controlled terms. Theory with a platform: only for a pure
// revenue objective, at the platform's optimal reserve — Myerson's monopoly reserve
// φ^{-1}(0) (Myerson 1981) clamped to the platform's range (revenue is unimodal in the
// reserve for regular values) — with bidders at the Bayes-Nash equilibrium for it, which by
// revenue equivalence is the optimal commitment in first and second price alike; otherwise {}.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "envs/env.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"
#include "mechanisms/position_auction.h"
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
  // Theory: envs/auction_theory.cc.
  Json predicted_metrics() const override;
  // {"bid_function": {"value": [...], "bid": [...], "note": "..."}} (see the header comment);
  // empty outside the setting above or for constant values.
  Json predicted_strategies() const override;

  static std::vector<RoleSpec> make_roles(const Json& params, const std::string& path);

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  // One slot, iid values, unit quality, no additive term, per-click pricing, one common hard
  // reserve (no personalized reserves, no effective soft floor) and a PositionAuction — Myerson
  // only with the true prior and no score reserve: the setting of the equilibrium predictions.
  struct SymmetricSetting {
    const ValueDistribution* values;
    double reserve;  // the least eligible bid (score reserve and Myerson's reserve included)
    PriceRule rule;
    std::optional<double> platform_reserve;  // the platform's optimal action, when unique
  };
  std::optional<SymmetricSetting> symmetric_setting() const;
  // The least eligible bid the revenue-maximizing platform puts in force given the
  // mechanism's own `least` (max(least, the platform's optimal reserve)) and, in `action`,
  // the platform's optimal reserve when it is unique.
  double platform_optimal_reserve(const ValueDistribution& d, double least, PriceRule rule,
                                  std::optional<double>& action) const;
  void draw_values(Rng& rng);
  void fill_observations(StepResult& result) const;
  double optimal_welfare(int round) const;
  void draw_round_inputs(Rng& rng);
  double mean_ex_post_regret(const RowBatch& actions) const;
  // The other eligible bidders' scores in a round, decreasing: the ctr.size() highest and every
  // further score tied with the last kept; returns how many were written.
  int top_other_scores(int round, int agent, std::span<double> out) const;
  // The round's k + 1 highest eligible scores and their bidders (among tied bidders, which
  // ones are listed is unspecified: with one slot, the mechanism's winner and runner-up), and
  // how many bidders score exactly the k-th and the (k+1)-th of them, once per step and round;
  // returns how many scores are listed.
  int round_top_scores(int round) const {
    const int count = round_top_count_[static_cast<std::size_t>(round)];
    return count != kStale ? count : find_round_top_scores(round);
  }
  int find_round_top_scores(int round) const;  // round_top_scores the first time in a step

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
  // The platform role: its action columns (-1: not controlled), objective weights on revenue,
  // welfare, bidder_utility and efficiency, and the first of its metrics.
  const bool platform_;
  const int reserve_column_;
  const int quality_exponent_column_;
  const std::array<double, 4> objective_;
  const int platform_metrics_;
  BatchTerms terms_;  // in force in the last step

  Eigen::ArrayXd next_values_;
  RowBatch values_;    // rounds x bidders, last step
  RowBatch bids_;      // rounds x bidders, last step
  RowBatch quality_;   // rounds x bidders, last step (empty when all 1)
  RowBatch additive_;  // rounds x bidders, last step (empty when all 0)
  AuctionOutcome outcome_;
  Eigen::ArrayXd utility_, clicks_, payment_, highest_other_;
  double winning_bid_ = 0.0;
  mutable std::vector<double> others_scratch_;
  mutable std::vector<double> round_top_score_;  // rounds x (k + 1)
  mutable std::vector<int> round_top_bidder_;    // rounds x (k + 1)
  mutable std::vector<int> round_top_ties_;      // rounds x 2
  mutable std::vector<int> round_top_count_;     // per round; kStale until computed
  static constexpr int kStale = -2;
  mutable std::vector<double> top_values_scratch_;
  mutable PiecewiseLinear utility_scratch_;
  mutable PiecewiseLinear regret_scratch_;
  mutable PiecewiseLinear counterfactual_scratch_;
};

}  // namespace agora
