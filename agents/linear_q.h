// Q-learning with linear function approximation (agent type "linear_q").
//
// Model: Q(s, a) = w_a · φ(s) for each of the K points a of a bid or shading grid
// (grid_learner.h), with features φ(s) = (x_1, ..., x_d, 1): the observation dimensions
// (all, or those named in `features`), each mapped to [0, 1] by its observation bounds when
// `normalize` is set and both bounds are finite, plus a bias. The agent acts ε-greedily (ties
// uniformly at random; the ε schedules of tabular_td.h) and after each step applies the
// semi-gradient Q-learning update
//   w_a ← w_a + α (r + γ max_a' w_a' · φ(s') − w_a · φ(s)) φ(s)
// (Sutton & Barto 2018, §9.3, §10.1 and §11.1; the target is not differentiated). B = 0 after
// the agent left the env. With γ = 0 this is per-arm least-mean-squares regression of the
// reward on φ (a linear contextual bandit with ε-greedy exploration); with γ > 0 off-policy
// bootstrapping with function approximation can diverge (the "deadly triad", ch. 11): a
// non-finite Q value raises a ConfigError naming learning_rate.
//
// Parameters (plus grid, points, grid_low, grid_high of grid_learner.h):
//   features       list of observation labels or null, default null (all dimensions)
//   normalize      bool, default true        map features to [0, 1] by the observation bounds
//   learning_rate  α ≥ 0, default 0.05
//   discount       γ in [0, 1), default 0.95
//   initial_q      number, default 0         the initial bias weight of every action
//   schedule, epsilon, epsilon_beta, epsilon_decay, epsilon_min   as in tabular_td.h
//
// Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018), ch. 9–11;
// Watkins & Dayan, "Q-learning", Machine Learning 8 (1992); Melo, Meyn & Ribeiro, "An analysis
// of reinforcement learning with function approximation", ICML (2008).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/contextual.h"
#include "agents/grid_learner.h"
#include "agents/policy.h"
#include "agents/tabular_td.h"

namespace agora {

class LinearQ final : public Policy {
 public:
  LinearQ(const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  const GridSetup& setup() const { return setup_; }
  int actions() const { return actions_; }
  int features() const { return features_; }  // including the bias
  // The weights of the i-th agent of this policy: K rows, one per grid point.
  Eigen::Ref<const RowBatch> weights(int agent_index) const {
    return weights_.middleRows(static_cast<Eigen::Index>(agent_index) * actions_, actions_);
  }
  double q(int agent_index, int action, const Eigen::ArrayXd& phi) const;
  // φ of an observation row of `agent`.
  void features_of(const RowBatch& observations, int agent, Eigen::Ref<Eigen::ArrayXd> out) const;
  double epsilon(int agent_index) const { return clocks_[agent_index].epsilon(); }

 private:
  int choose(int agent_index);

  const GridSetup setup_;
  const std::vector<int> agents_;
  const int actions_;
  const ObservationFeatures observation_features_;  // φ(s): the observation, normalised, + bias
  const int features_;
  const double alpha_;
  const double gamma_;
  const EpsilonSchedule schedule_;
  const std::string learning_rate_path_;

  RowBatch weights_;         // (agents × K) × features
  RowBatch phi_;             // agents × features: φ(s) the last action was chosen on
  Eigen::ArrayXd q_;         // K, scratch
  Eigen::ArrayXd next_phi_;  // features, scratch
  std::vector<EpsilonClock> clocks_;
  std::vector<int> chosen_action_;
  std::vector<char> acted_;
  Rng rng_;
};

ParamSpecs linear_q_params();

}  // namespace agora
