// LinUCB with disjoint linear models: a contextual bandit over a grid of one-dimensional actions.
//
// Model: arms a = 1..K are `points` equally spaced actions in [grid_low, grid_high] (in the
// action's units: a bid, a shading factor, a multiplier; contextual.h finds the dimension).
// The context x ∈ R^d is the agent's observation row before acting (contextual.h: chosen
// `features`, optionally normalized to [0, 1], plus a bias feature 1). Each arm has its own
// linear model E[r | x, a] = θ_aᵀx, estimated by ridge regression:
//   A_a = λI + Σ x xᵀ,  b_a = Σ r x,  θ_a = A_a⁻¹ b_a   (sums over the rounds a was played).
// A_a⁻¹ is kept directly and updated by the Sherman–Morrison formula,
//   A⁻¹ ← A⁻¹ − u uᵀ / (1 + xᵀu),  u = A⁻¹x,
// O(d²) per update instead of an O(d³) inversion. LinUCB plays
//   argmax_a θ_aᵀx + α sqrt(xᵀ A_a⁻¹ x)
// (ties uniformly at random). α must cover the prior scale of θ as well as the noise: an arm never
// played scores α‖x‖/sqrt(λ), so with α too small for the rewards it is never tried (the
// confidence radius is ≈ σ sqrt(d log T) + sqrt(λ)‖θ‖, Abbasi-Yadkori et al. 2011).
// Bandit feedback: only the own reward is used. One independent learner per agent. With a bid
// grid and the value as feature the model is well specified for a single-round auction against
// rivals independent of the own value: E[r | v, b] = v P(win | b) − E[price · 1{win} | b] is
// linear in v for every bid b.
//
// Parameters (the "lin_ucb" agent; linear_thompson shares all but alpha):
//   points     integer ≥ 2, default 21      K, grid points including both ends
//   grid_low   number or null, default null  lowest action; null = the action's lower bound
//   grid_high  number or null, default null  highest action; null = the action's upper bound
//   features   labels or null, default null  context dimensions (contextual.h)
//   normalize  bool, default true            map bounded features to [0, 1]
//   bias       bool, default true            append a constant feature 1
//   ridge      number > 0, default 1         λ
//   alpha      number ≥ 0, default 1         width of the confidence bonus, in reward units
//
// Li, Chu, Langford & Schapire, "A contextual-bandit approach to personalized news article
// recommendation", WWW (2010), Algorithm 1; Abbasi-Yadkori, Pál & Szepesvári, "Improved
// algorithms for linear stochastic bandits", NeurIPS (2011); Lattimore & Szepesvári, Bandit
// Algorithms (2020), ch. 19–20.
#pragma once

#include <Eigen/Core>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "agents/contextual.h"
#include "agents/policy.h"
#include "core/error.h"

namespace agora {

// Disjoint ridge regressions, one per arm, with inverses maintained by Sherman–Morrison.
class LinearArms {
 public:
  LinearArms(int arms, int dim, double ridge);

  int arms() const { return arms_; }
  int dim() const { return dim_; }
  double ridge() const { return ridge_; }
  std::int64_t count(int arm) const { return counts_[static_cast<std::size_t>(arm)]; }

  // Adds the observation (x, reward) to arm's regression: O(d²), no allocation.
  void update(int arm, const Eigen::Ref<const Eigen::VectorXd>& x, double reward);

  // A_a⁻¹, θ_a and b_a = Σ r x.
  auto inverse(int arm) const { return inverse_.middleCols(arm * dim_, dim_); }
  auto theta(int arm) const { return theta_.col(arm); }
  auto response(int arm) const { return b_.col(arm); }

  // θ_aᵀx
  double mean(int arm, const Eigen::Ref<const Eigen::VectorXd>& x) const {
    return theta_.col(arm).dot(x);
  }
  // xᵀ A_a⁻¹ x (≥ 0), the ridge estimate's variance along x in units of the noise variance
  // (allocates a temporary; the decision path uses evaluate()).
  double variance(int arm, const Eigen::Ref<const Eigen::VectorXd>& x) const {
    const double v = x.dot(inverse(arm) * x);
    return v > 0.0 ? v : 0.0;
  }
  // Evaluates θ_aᵀx and xᵀA_a⁻¹x (≥ 0) for every arm at once (two matrix-vector products, no
  // allocation), readable through means() and variances() until the next call or update.
  void evaluate(const Eigen::Ref<const Eigen::VectorXd>& x);
  const Eigen::VectorXd& means() const { return means_; }
  const Eigen::VectorXd& variances() const { return variances_; }

  // argmax_a θ_aᵀx, ties to the lowest index.
  int greedy(const Eigen::Ref<const Eigen::VectorXd>& x) const;

  Json to_json() const;

 private:
  const int arms_;
  const int dim_;
  const double ridge_;
  Eigen::MatrixXd inverse_;  // dim x (arms · dim): block a is A_a⁻¹
  Eigen::MatrixXd b_;        // dim x arms
  Eigen::MatrixXd theta_;    // dim x arms
  Eigen::VectorXd scratch_;
  Eigen::VectorXd projected_;  // (arms · dim): the blocks of xᵀ A_a⁻¹
  Eigen::VectorXd means_;
  Eigen::VectorXd variances_;
  std::vector<std::int64_t> counts_;
};

// argmax over arms of score(a), exact ties broken uniformly at random (draws only on ties).
template <typename Score>
int argmax_random_ties(int arms, Score&& score, Rng& rng) {
  int best = 0;
  int ties = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int a = 0; a < arms; ++a) {
    const double s = score(a);
    if (s > best_score) {
      best_score = s;
      best = a;
      ties = 1;
    } else if (s == best_score) {
      ++ties;
      if (boost::random::uniform_int_distribution<int>(0, ties - 1)(rng) == 0) best = a;
    }
  }
  return best;
}

class LinUcbRule {
 public:
  static constexpr const char* kName = "lin_ucb";
  explicit LinUcbRule(double alpha) : alpha_(alpha) {}
  int select(LinearArms& arms, const Eigen::Ref<const Eigen::VectorXd>& x, Rng& rng) const {
    arms.evaluate(x);
    const Eigen::VectorXd& means = arms.means();
    const Eigen::VectorXd& variances = arms.variances();
    return argmax_random_ties(
        arms.arms(), [&](int a) { return means(a) + alpha_ * std::sqrt(variances(a)); }, rng);
  }
  Json to_json() const { return {{"alpha", alpha_}}; }

 private:
  double alpha_;
};

// The parameters shared by lin_ucb and linear_thompson (all but the rule's own).
ParamSpecs linear_bandit_params();

// Equally spaced actions over [grid_low, grid_high] (default: the action bounds).
class ActionGrid {
 public:
  ActionGrid(const Json& params, const PolicyContext& ctx, const ScalarAction& action);
  int points() const { return static_cast<int>(points_.size()); }
  double point(int k) const { return points_[static_cast<std::size_t>(k)]; }
  const std::vector<double>& values() const { return points_; }

 private:
  std::vector<double> points_;
};

// The Policy adapter: one LinearArms learner per agent over an ActionGrid. A Rule offers
// int select(LinearArms&, x, Rng&) const and Json to_json() const.
template <class Rule>
class ContextualBandit final : public Policy {
 public:
  ContextualBandit(const Json& params, const PolicyContext& ctx, Rule rule)
      : rule_(std::move(rule)),
        action_(ctx),
        features_(params, ctx, params.at("bias").get<bool>(), ObservationFeatures::Scale::kUnit),
        grid_(params, ctx, action_),
        agents_(ctx.agents),
        learners_(agents_.size(),
                  LinearArms(grid_.points(), features_.dim(), params.at("ridge").get<double>())),
        contexts_(
            Eigen::MatrixXd::Zero(features_.dim(), static_cast<Eigen::Index>(agents_.size()))),
        chosen_(agents_.size(), 0),
        acted_(agents_.size(), 0),
        rng_(make_rng(ctx.seed, Rule::kName)) {}

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      const int agent = agents_[i];
      acted_[i] = active(agent);
      if (!acted_[i]) continue;
      auto x = contexts_.col(static_cast<Eigen::Index>(i));
      features_.compute(observations, agent, x);
      chosen_[i] = rule_.select(learners_[i], x, rng_);
      action_.write(actions, agent, grid_.point(chosen_[i]));
    }
  }

  void learn(const Transition& transition) override {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (!acted_[i]) continue;
      const double reward = transition.outcome.rewards(agents_[i]);
      AGORA_CHECK(std::isfinite(reward));
      learners_[i].update(chosen_[i], contexts_.col(static_cast<Eigen::Index>(i)), reward);
      acted_[i] = 0;
    }
  }

  Json strategy() const override {
    Json out = rule_.to_json();
    out["algorithm"] = Rule::kName;
    out["action"] = action_.label();
    out["points"] = grid_.values();
    out["features"] = features_.names();
    out["normalize"] = features_.normalized();
    out["ridge"] = learners_.empty() ? 0.0 : learners_[0].ridge();
    Json per_agent = Json::array();
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      Json agent = learners_[i].to_json();
      agent["agent"] = agents_[i];
      per_agent.push_back(std::move(agent));
    }
    out["agents"] = std::move(per_agent);
    return out;
  }

  const LinearArms& learner(int agent_index) const {
    return learners_[static_cast<std::size_t>(agent_index)];
  }
  const ActionGrid& grid() const { return grid_; }
  const ObservationFeatures& features() const { return features_; }

 private:
  Rule rule_;
  const ScalarAction action_;
  const ObservationFeatures features_;
  const ActionGrid grid_;
  const std::vector<int> agents_;
  std::vector<LinearArms> learners_;
  Eigen::MatrixXd contexts_;  // features x agents, the context each agent last acted on
  std::vector<int> chosen_;
  std::vector<char> acted_;
  Rng rng_;
};

}  // namespace agora
