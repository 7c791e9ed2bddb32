// Discrete-time replicator dynamics over the K actions of a Discrete action space, with
// full-information feedback.
//
// Model: the learner's mixed strategy x follows the replicator equation
// ẋ(k) = x(k) (u(k) − x·u) (Taylor & Jonker 1978), with u(k) the payoff action k would have
// earned in the last step (the env's counterfactual), discretised with step size η_t:
//   "exponential" (default): x_{t+1}(k) ∝ x_t(k) exp(η_t u_t(k)) — multiplicative weights /
//       Hedge; x(k) ∝ exp(Σ_s η_s u_s(k)) stays in the interior and any η > 0 is valid;
//   "linear": x_{t+1}(k) = x_t(k) (1 + η_t (u_t(k) − x_t·u_t)) — the Euler step of the
//       replicator equation (the sum stays 1); needs 1 + η_t (u_t(k) − x_t·u_t) > 0, i.e.
//       η_t < 1 / (payoff range), else a ConfigError at params.step_size.
// η_t = step_size ("constant") or step_size / sqrt(t) ("inverse_sqrt", t = 1, 2, ...). Both
// maps agree with the equation to first order in η; x starts uniform. The action is drawn from
// x_t each step with the policy's stream.
//
// Theory: an action strictly dominated by another (u(k) ≤ u(k') − δ whatever the opponents do)
// dies out: with "exponential", ln(x(k)/x(k')) falls by at least η δ per step (so the strict
// dominant strategy of the prisoner's dilemma takes over). The exponential map with
// η = sqrt(8 ln K / T) / Δ has regret ≤ Δ sqrt(T ln K / 2) (Cesa-Bianchi & Lugosi 2006, Thm.
// 2.2), so time averages approach equilibrium in zero-sum self-play, while the last iterate
// spirals away from an interior equilibrium (Bailey & Piliouras 2018).
//
// Parameters ("replicator_dynamics" agent):
//   update     "exponential" | "linear", default "exponential"
//   step_size  number > 0, default 0.1        η
//   schedule   "constant" | "inverse_sqrt", default "constant"
//
// strategy(): per agent {"current": x_{T+1}, "average": (1/T) Σ_t x_t}.
//
// Taylor & Jonker, "Evolutionarily stable strategies and game dynamics", Mathematical
// Biosciences 40 (1978); Weibull, Evolutionary Game Theory (1995), ch. 3–4; Freund & Schapire,
// "Adaptive game playing using multiplicative weights", GEB 29 (1999); Arora, Hazan & Kale,
// "The multiplicative weights update method", Theory of Computing 8 (2012); Bailey & Piliouras,
// "Multiplicative weights update in zero-sum games", EC (2018).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class ReplicatorLearner {
 public:
  enum class Update { kExponential, kLinear };
  enum class Schedule { kConstant, kInverseSqrt };

  // `step_size_path` names the parameter in the ConfigError of a too-large linear step.
  ReplicatorLearner(int actions, Update update, double step_size,
                    Schedule schedule = Schedule::kConstant,
                    std::string step_size_path = "step_size");

  int actions() const { return static_cast<int>(strategy_.size()); }
  const Eigen::ArrayXd& strategy() const { return strategy_; }
  Eigen::ArrayXd average_strategy() const;
  std::int64_t updates() const { return updates_; }
  double step_size(std::int64_t t) const;  // η_t, t >= 1

  int select(Rng& rng) const;
  // payoffs(k) = what k would have earned in the last step. A linear step that would make a
  // probability non-positive throws ConfigError at step_size_path (the strategy unchanged).
  void update(const Eigen::ArrayXd& payoffs, int played = -1);

  Json to_json() const;

 private:
  Update update_;
  double step_size_;
  Schedule schedule_;
  std::string step_size_path_;
  Eigen::ArrayXd strategy_;
  Eigen::ArrayXd log_weights_;  // exponential: Σ η_s u_s, shifted to max 0
  Eigen::ArrayXd factors_;      // scratch
  Eigen::ArrayXd strategy_sum_;
  std::int64_t updates_ = 0;
};

}  // namespace agora
