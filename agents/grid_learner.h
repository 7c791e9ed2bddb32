// The Policy adapter shared by the grid learners (epsilon_greedy, ucb1, thompson, exp3, hedge).
//
// Model: a bidder discretizes its bid per click — or its shading factor, bid = shade × value —
// into K equally spaced grid points and treats each point as an arm of a K-armed bandit (or an
// expert of Hedge). Optionally it conditions on its value: the value range is split into
// `value_buckets` equal-width buckets and each (agent, bucket) pair owns an independent learner,
// which is chosen by the value observed before acting and updated only with that step's
// feedback. Bandit learners see only their own reward; Hedge sees the counterfactual reward of
// every grid point (full-information feedback), computed at the value observed that step.
//
// Grid points in the env's action units: a bid grid needs a "bid" action space (bid grids in a
// "shade" space are rejected: shade = bid / value is not a fixed arm); a shade grid in a "shade"
// space is played as is; a shade grid in a "bid" space bids shade × value, clipped to the bid
// bounds. Grids must lie inside the action bounds. A role without a "value" observation and a
// one-dimensional Box action labelled anything (e.g. the auction env's platform setting a
// reserve) gets a bid grid in that action's absolute units (bid_action.h); it has no value to
// derive a reward range from, so learners that need one take reward_range.
//
// Parameters (common to all grid learners):
//   grid           "bid" | "shade" | null, default null  null = the action space's units
//   points         integer ≥ 2, default 101              K, grid points including both ends
//   grid_low       number ≥ 0 or null, default null      null: the action's lower bound for a
//                                                        bid grid, 0 for a shade grid
//   grid_high      number ≥ 0 or null, default null      null: the action's upper bound for a
//                                                        bid grid, 1 for a shade grid
//   value_buckets  integer ≥ 1, default 1                equal-width buckets of value_range;
//                                                        values outside go to the end buckets
//   value_range    [low, high] or null, default null     null = the bounds of observation
//                                                        "value" (must be finite if buckets > 1)
//
// Conditioning on a discretized context follows the "one bandit per context" reduction of
// Lattimore & Szepesvári, Bandit Algorithms (2020), ch. 18; learning to bid over a bid grid
// follows Weed, Perchet & Rigollet, "Online learning in repeated auctions", COLT (2016) and
// Feng, Podimata & Syrgkanis, "Learning to bid without knowing your value", EC (2018).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/bid_action.h"
#include "agents/grid_rewards.h"
#include "agents/policy.h"
#include "core/error.h"

namespace agora {

struct RewardRange {
  double low = 0.0;
  double high = 1.0;
  double width() const { return high - low; }
};

// The grid parameters above.
ParamSpecs grid_learner_params();
// A nullable [low, high] parameter named "reward_range".
ParamSpec reward_range_param(std::string doc);
// A number that must be finite and strictly positive.
ParamSpec positive_real(std::string name, Json default_value, std::string doc);
std::optional<RewardRange> declared_reward_range(const Json& params);

class GridSetup {
 public:
  enum class Kind { kBid, kShade };

  // Reads the grid parameters; throws ConfigError naming ctx.path.params.<key>.
  GridSetup(const Json& params, const PolicyContext& ctx);

  Kind kind() const { return kind_; }
  int points() const { return static_cast<int>(grid_.size()); }
  const std::vector<double>& grid() const { return grid_; }
  int value_buckets() const { return value_buckets_; }
  // ceil(horizon / value_buckets): the rounds one learner expects to see.
  std::int64_t rounds_per_learner() const;
  const BidAction& bid_action() const { return bid_action_; }
  bool needs_value() const { return needs_value_; }
  bool actions_depend_on_value() const { return !constant_actions_; }

  int bucket(double value) const {
    if (value_buckets_ == 1) return 0;
    const double position = (value - value_low_) * bucket_scale_;
    if (!(position >= 0.0)) return 0;
    return position >= value_buckets_ ? value_buckets_ - 1 : static_cast<int>(position);
  }
  // The env's action for grid point `point` at `value`.
  double action(int point, double value) const {
    return constant_actions_ ? action_table_[point]
                             : bid_action_.action_for_shade(grid_[point], value);
  }

  // Throws ConfigError at ctx.path.type unless the role gives full-information feedback.
  void require_full_information(const std::string& algorithm) const;
  // The range of one step's reward implied by the spaces (docs/agents.md), if finite.
  std::optional<RewardRange> derived_reward_range() const;
  // params.reward_range, else the derived range; ConfigError at params.reward_range if neither.
  RewardRange required_reward_range(const Json& params) const;

  Json to_json() const;

 private:
  std::string path_;
  std::string role_name_;
  Feedback feedback_;
  std::int64_t horizon_;
  BidAction bid_action_;
  Kind kind_ = Kind::kBid;
  std::vector<double> grid_;
  std::vector<double> action_table_;
  bool constant_actions_ = true;
  bool needs_value_ = false;
  int value_buckets_ = 1;
  double value_low_ = 0.0;
  double value_high_ = 0.0;
  double bucket_scale_ = 0.0;
  double clicks_high_ = 1.0;
};

// A bandit core (epsilon_greedy.h, ucb1.h, thompson.h, exp3.h) offers
//   int select(Rng&); void update(int arm, double reward); Json to_json() const;
// a full-information core (hedge.h) offers update_all(rewards of every arm) instead of update.
template <class Core>
class GridLearner final : public Policy {
 public:
  GridLearner(std::string algorithm, GridSetup setup, const Core& prototype,
              const PolicyContext& ctx)
      : algorithm_(std::move(algorithm)),
        setup_(std::move(setup)),
        agents_(ctx.agents),
        buckets_(setup_.value_buckets()),
        cores_(agents_.size() * buckets_, prototype),
        chosen_arm_(agents_.size(), 0),
        chosen_bucket_(agents_.size(), 0),
        chosen_value_(agents_.size(), 0.0),
        acted_(agents_.size(), 0),
        candidates_(RowBatch::Zero(setup_.points(), ctx.role->action_space.dim())),
        counterfactual_rewards_(Eigen::ArrayXd::Zero(setup_.points())),
        rng_(make_rng(ctx.seed, algorithm_)) {
    for (int k = 0; k < setup_.points(); ++k) {
      setup_.bid_action().write(candidates_, k, setup_.action(k, 0.0));
    }
    const int column = setup_.bid_action().action_column();
    fixed_grid_scale_ = grid_scale(std::span<const double>(
        &candidates_(0, column), static_cast<std::size_t>(setup_.points())));
  }

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override {
    const BidAction& bid_action = setup_.bid_action();
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      const int agent = agents_[i];
      acted_[i] = active(agent);
      if (!acted_[i]) continue;
      const double value = setup_.needs_value() ? bid_action.value(observations, agent) : 0.0;
      const int bucket = setup_.bucket(value);
      const int arm = cores_[i * buckets_ + bucket].select(rng_);
      chosen_arm_[i] = arm;
      chosen_bucket_[i] = bucket;
      chosen_value_[i] = value;
      bid_action.write(actions, agent, setup_.action(arm, value));
    }
  }

  void learn(const Transition& transition) override {
    int rounds = 0;  // the counterfactual rounds of the step, asked once for every agent
    if constexpr (Core::kFullInformation) {
      AGORA_CHECK(transition.counterfactuals != nullptr);
      rounds = transition.counterfactuals->counterfactual_rounds();
    }
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (!acted_[i]) continue;
      const int agent = agents_[i];
      Core& core = cores_[i * buckets_ + chosen_bucket_[i]];
      if constexpr (Core::kFullInformation) {
        if (setup_.actions_depend_on_value()) {
          const int column = setup_.bid_action().action_column();
          for (int k = 0; k < setup_.points(); ++k) {
            candidates_(k, column) = setup_.action(k, chosen_value_[i]);
          }
        }
        if constexpr (requires { core.begin_update(); }) core.begin_update();
        learn_full_information(*transition.counterfactuals, rounds, agent, core);
      } else {
        const double reward = transition.outcome.rewards(agent);
        AGORA_CHECK(std::isfinite(reward));
        core.update(chosen_arm_[i], reward);
      }
      acted_[i] = 0;
    }
  }

  // Full information: evaluates the env's reward profiles on the grid when it offers them
  // (exact, and for one round a range update touching only arms with a non-zero reward),
  // else asks for the counterfactual reward of every grid point.
  template <class C>
  void learn_full_information(const CounterfactualFeedback& feedback, int rounds, int agent,
                              C& core) {
    if (rounds == 0) {
      feedback.counterfactual_rewards(agent, candidates_, counterfactual_rewards_);
      core.update_all(counterfactual_rewards_);
      return;
    }
    const int column = setup_.bid_action().action_column();
    const std::span<const double> x(&candidates_(0, column),
                                    static_cast<std::size_t>(setup_.points()));
    AGORA_CHECK_EQ(candidates_.cols(), 1);
    const double scale = setup_.actions_depend_on_value() ? grid_scale(x) : fixed_grid_scale_;
    if constexpr (requires { core.add_point(0, 0.0); }) {
      if (rounds == 1) {
        feedback.reward_profile(agent, 0, profile_);
        for_each_grid_piece(
            profile_, x, scale,
            [&](int begin, int end, double intercept, double slope) {
              core.add_linear(begin, end, intercept, slope, x.data());
            },
            [&](int k, double value) { core.add_point(k, value); });
        return;
      }
    }
    Eigen::ArrayXd& rewards = counterfactual_rewards_;
    rewards.setZero();
    for (int r = 0; r < rounds; ++r) {
      feedback.reward_profile(agent, r, profile_);
      for_each_grid_piece(
          profile_, x, scale,
          [&](int begin, int end, double intercept, double slope) {
            for (int k = begin; k < end; ++k) rewards(k) += intercept + slope * x[k];
          },
          [&](int k, double value) { rewards(k) += value; });
    }
    if (rounds > 1) rewards /= rounds;
    core.update_all(rewards);
  }

  Json strategy() const override {
    Json out = setup_.to_json();
    out["algorithm"] = algorithm_;
    Json per_agent = Json::array();
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      Json buckets = Json::array();
      for (int b = 0; b < buckets_; ++b) buckets.push_back(cores_[i * buckets_ + b].to_json());
      per_agent.push_back({{"agent", agents_[i]}, {"buckets", std::move(buckets)}});
    }
    out["agents"] = std::move(per_agent);
    return out;
  }

  const GridSetup& setup() const { return setup_; }
  // The learner of the i-th agent of this policy (ctx.agents[i]) for a value bucket.
  const Core& core(int agent_index, int bucket) const {
    return cores_[static_cast<std::size_t>(agent_index) * buckets_ + bucket];
  }

 private:
  const std::string algorithm_;
  const GridSetup setup_;
  const std::vector<int> agents_;
  const int buckets_;
  std::vector<Core> cores_;
  std::vector<int> chosen_arm_;
  std::vector<int> chosen_bucket_;
  std::vector<double> chosen_value_;
  std::vector<char> acted_;
  RowBatch candidates_;
  Eigen::ArrayXd counterfactual_rewards_;
  double fixed_grid_scale_ = 0.0;  // grid_scale of the candidates when they do not move
  PiecewiseLinear profile_;
  Rng rng_;
};

template <class Core>
std::unique_ptr<Policy> make_grid_learner(std::string algorithm, GridSetup setup,
                                          const Core& prototype, const PolicyContext& ctx) {
  return std::make_unique<GridLearner<Core>>(std::move(algorithm), std::move(setup), prototype,
                                             ctx);
}

}  // namespace agora
