// One-step advantage actor-critic with a Gaussian policy for a one-dimensional continuous action
// (a bid, a shading factor, a multiplier: contextual.h finds the dimension).
//
// Policy: x = the agent's observation features (contextual.h; bounded features normalized to
// [−1, 1]); the action is drawn as u ~ N(μ(x), σ²) with
//   μ(x) = low + (high − low) · sigmoid(m(x)),
// m an MLP (mlp.h) with one output, σ = exp(log σ) one learned parameter per agent, and
// clip(u, low, high) is played (the env never sees an action outside its space; learning uses the
// unclipped u). log σ is kept in [log(min_std · (high − low)), log(high − low)]. The output layer
// starts with weights scaled by 0.1 and the bias at logit((initial_mean − low) / (high − low)),
// so the initial policy is nearly the same N(initial_mean, σ₀²) for every observation.
//
// Learning (Sutton & Barto 2018, §13.5, one-step actor-critic with a state-value baseline):
// after each step, with reward r and next features x',
//   δ = r + γ V(x') − V(x)        (V(x') = 0 when the agent terminated; truncation bootstraps),
//   critic: descend ½ (V(x) − (r + γ V(x')))² (semi-gradient),
//   actor:  ascend  δ ∇ log π(u | x) + β ∇ H[π],
// with ∂ log π/∂μ = (u − μ)/σ², ∂ log π/∂ log σ = ((u − μ)/σ)² − 1, ∂H/∂ log σ = 1, and ∂μ/∂m =
// (high − low) s (1 − s), s = sigmoid(m), back-propagated through the MLP. Gradients are
// averaged over `batch_size` transitions per learner and applied with Adam (mlp.h). With
// discount 0 (the default) this is a policy-gradient contextual bandit with a learned baseline —
// right when actions do not move later observations, as in the auction env, whose next value is
// drawn independently of the bid; set discount > 0 otherwise. With normalize_rewards, rewards are
// divided by the running standard deviation of the rewards seen so far (Welford), so learning
// rates need not follow the reward scale.
//
// Parameters (the "actor_critic" agent):
//   features               labels or null, default null   context dimensions (contextual.h)
//   normalize              bool, default true             bounded features to [−1, 1]
//   hidden                 list of integers ≥ 1, default [32]   hidden layer sizes (both nets)
//   activation             "tanh" | "relu", default "tanh"
//   actor_learning_rate    number > 0, default 0.003      Adam step of the policy and log σ
//   critic_learning_rate   number > 0, default 0.01       Adam step of the value function
//   discount               number in [0, 1], default 0    γ
//   initial_mean           number or null, default null   initial μ; null = middle of the bounds
//   initial_std            number > 0, default 0.1        σ₀ as a fraction of high − low
//   min_std                number > 0, default 0.005      least σ as a fraction of high − low
//   entropy_coefficient    number ≥ 0, default 0          β
//   batch_size             integer ≥ 1, default 8         transitions per update and learner
//   normalize_rewards      bool, default false            divide rewards by their running std
//   share_parameters       bool, default false            one network pair for all the agents
//
// Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018), ch. 13; Williams,
// "Simple statistical gradient-following algorithms", Machine Learning 8 (1992); Mnih et al.,
// "Asynchronous methods for deep reinforcement learning", ICML (2016) (A2C/A3C).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "agents/contextual.h"
#include "agents/mlp.h"
#include "agents/policy.h"

namespace agora {

// π(u | x) = N(μ(x), σ²) with μ(x) = low + (high − low) sigmoid(m(x)).
class GaussianActor {
 public:
  GaussianActor(int inputs, const std::vector<int>& hidden, Activation activation, double low,
                double high, double initial_mean, double initial_std, double min_std,
                std::uint64_t seed);

  double low() const { return low_; }
  double high() const { return high_; }
  double mean(const Eigen::Ref<const Eigen::VectorXd>& x);
  double std() const;
  double log_std() const { return log_std_(0); }
  double log_prob(const Eigen::Ref<const Eigen::VectorXd>& x, double u);
  // Adds coefficient · ∇ log π(u | x) to the gradients of the network and of log σ.
  void add_log_prob_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, double u,
                             double coefficient);

  Mlp& network() { return network_; }
  const Mlp& network() const { return network_; }
  Eigen::VectorXd& log_std_parameter() { return log_std_; }
  Eigen::VectorXd& log_std_gradient() { return log_std_gradient_; }
  void zero_gradients();
  // Keeps log σ within its bounds (after an optimizer step).
  void clamp_log_std();

 private:
  const double low_;
  const double high_;
  const double min_log_std_;
  const double max_log_std_;
  Mlp network_;
  Eigen::VectorXd log_std_;
  Eigen::VectorXd log_std_gradient_;
  Eigen::VectorXd output_gradient_;
};

class ActorCritic final : public Policy {
 public:
  ActorCritic(const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  // Per agent σ, the mean at the last observation acted on and, when the context is one bounded
  // feature, "mean_function": the mean action at 11 points over the feature's bounds.
  Json strategy() const override;

  // For tests and diagnostics: the learner of the i-th agent of this policy (ctx.agents[i]).
  GaussianActor& actor(int agent_index) { return learner(agent_index).actor; }
  double value(int agent_index, const Eigen::Ref<const Eigen::VectorXd>& x) {
    return learner(agent_index).critic.forward(x)(0);
  }
  const ObservationFeatures& features() const { return features_; }

 private:
  struct Learner {
    GaussianActor actor;
    Mlp critic;
    Adam actor_optimizer;
    Adam log_std_optimizer;
    Adam critic_optimizer;
    int pending = 0;
  };
  Learner& learner(int agent_index) {
    return learners_[share_ ? 0 : static_cast<std::size_t>(agent_index)];
  }
  void update(Learner& learner);

  const ScalarAction action_;
  const Space observation_space_;
  const ObservationFeatures features_;
  const std::vector<int> agents_;
  const bool share_;
  const double discount_;
  const double entropy_coefficient_;
  const int batch_size_;
  const bool normalize_rewards_;
  std::vector<Learner> learners_;
  Eigen::MatrixXd contexts_;  // features x agents: what each agent last acted on
  Eigen::VectorXd next_context_;
  Eigen::VectorXd critic_gradient_;
  std::vector<double> sampled_;  // unclipped actions u
  std::vector<double> means_;    // μ at the last action, for strategy()
  std::vector<char> acted_;
  std::int64_t reward_count_ = 0;
  double reward_mean_ = 0.0;
  double reward_m2_ = 0.0;
  Rng rng_;
};

}  // namespace agora
