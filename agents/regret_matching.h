// Regret matching and regret matching+ over the K actions of a Discrete action space, with
// full-information feedback.
//
// Model: after each step the learner adds to every action's cumulative regret the instantaneous
// regret r_t(k) = u_t(k) − σ_t · u_t, where u_t(k) is the payoff k would have earned against the
// others' actual play (the env's counterfactual) and σ_t the mixed strategy it played from (the
// expected-payoff form of the update: it does not depend on the sampled action). It plays k with
// probability σ_{t+1}(k) = R⁺(k) / Σ_b R⁺(b) (uniform when no regret is positive). Regret
// matching (Hart & Mas-Colell 2000) keeps R_t = Σ_s r_s; RM+ (`plus`, Tammelin 2014) keeps
// Q_t = max(0, Q_{t−1} + r_t). With payoffs in an interval of width Δ both guarantee
//   max_k Σ_t u_t(k) − Σ_t σ_t · u_t ≤ Δ sqrt(K T)
// against any (adaptive) sequence: ‖R_T⁺‖² ≤ Σ_t ‖r_t‖² because σ_t ⊥ r_t (Blackwell's
// condition; the polynomially weighted forecaster with p = 2, Cesa-Bianchi & Lugosi 2006,
// Corollary 2.1; for RM+ the same argument on Q, which dominates R). In self-play on a
// two-player zero-sum game the time-averaged strategies σ̄_T form a 2 Δ sqrt(K/T)-equilibrium
// (Freund & Schapire 1999). `averaging`: "uniform" (σ̄_T = (1/T) Σ σ_t) or "linear" (weights t,
// as in CFR+).
//
// Parameters ("regret_matching" agent):
//   plus       bool, default false                RM+ instead of regret matching
//   averaging  "uniform" | "linear", default "uniform"  weights of the time-averaged strategy
//
// strategy(): per agent {"current": σ_{T+1}, "average": σ̄_T, "regrets": R_T (or Q_T)}.
//
// Hart & Mas-Colell, "A simple adaptive procedure leading to correlated equilibrium",
// Econometrica 68 (2000); Tammelin, "Solving large imperfect information games using CFR+",
// arXiv:1407.5042 (2014); Tammelin, Burch, Johanson & Bowling, IJCAI (2015); Cesa-Bianchi &
// Lugosi, Prediction, Learning, and Games (2006), §2.1; Freund & Schapire, "Adaptive game
// playing using multiplicative weights", GEB 29 (1999).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class RegretMatchingLearner {
 public:
  enum class Averaging { kUniform, kLinear };

  RegretMatchingLearner(int actions, bool plus, Averaging averaging = Averaging::kUniform);

  int actions() const { return static_cast<int>(regrets_.size()); }
  // σ: the strategy the next action is drawn from.
  const Eigen::ArrayXd& strategy() const { return strategy_; }
  // σ̄ over the updates so far (uniform before the first).
  Eigen::ArrayXd average_strategy() const;
  const Eigen::ArrayXd& regrets() const { return regrets_; }
  std::int64_t updates() const { return updates_; }

  int select(Rng& rng) const;
  // payoffs(k) = what action k would have earned in the step just played (from strategy()).
  void update(const Eigen::ArrayXd& payoffs, int played = -1);

  Json to_json() const;

 private:
  void normalise();

  bool plus_;
  Averaging averaging_;
  Eigen::ArrayXd regrets_;
  Eigen::ArrayXd strategy_;
  Eigen::ArrayXd strategy_sum_;
  double weight_sum_ = 0.0;
  std::int64_t updates_ = 0;
};

}  // namespace agora
