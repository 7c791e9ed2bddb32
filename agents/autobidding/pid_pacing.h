// PID budget pacing ("pid_pacing").
//
// Model: a feedback controller on the spend rate, acting on the log of the bid multiplier as in
// the bid-adjustment actuator of Zhang et al. (2016), b = m · v with m = exp(φ). With the
// normalised spend error of step t (positive when underspending)
//   e_t = (ρ_t − z_t) / (B s_t),
// ρ_t the step's spend target (advertiser_signals.h), z_t its spend and B s_t its nominal spend,
// the controller sets
//   I_t = I_{t−1} + e_t,   φ_{t+1} = ln m_0 + k_p e_t + k_i I_t + k_d (e_t − e_{t−1}),
//   m_{t+1} = clamp(exp φ_{t+1}, m_min, m_max),
// (e_0 = 0). Anti-windup by conditional integration: when the output is saturated and e_t
// pushes it further out, I is not updated, so the controller leaves a bound as soon as the
// error changes sign. The integral term removes steady-state error: in a stationary market
// where spend rises with m and the target is reachable, the mean spend converges to ρ, i.e. m
// to the multiplier that makes the budget bind. Linearising spend ≈ ρ (m / m*)^γ around the
// fixed point (γ = 2 for second price with uniform values and competing bids) gives
// δ_{t+1} = (1 − γ(k_p + k_i)) δ_t + γ k_p δ_{t−1} for δ = ln m − ln m* (k_d = 0): the
// defaults (k_p = 0.1, k_i = 0.2) have roots 0.69 and −0.29 at γ = 2 and are stable for
// elasticities up to γ ≈ 3.3. An advertiser without a budget plays m_0.
//
// Parameters:
//   kp, ki, kd          numbers ≥ 0, defaults 0.1, 0.2, 0     the gains
//   initial_multiplier  number > 0, default 1                 m_0
//   min_multiplier      number > 0, default 0.01              m_min (also capped by the action)
//   max_multiplier      number > 0 or null, default null      m_max; null = the action's bound
//   target              "remaining" | "even", default "remaining"   ρ_t
//   budget_fraction     number in (0, 1], default 1   φ: aim at φ × the budget
//   (advertiser_signals.h)
//
// Zhang, Rong, Wang, Zhu & Wang, "Feedback control of real-time display advertising", WSDM
// (2016); Åström & Hägglund, Advanced PID Control (2006), ch. 3 (integrator windup).
#pragma once

#include <vector>

#include "agents/autobidding/advertiser_signals.h"
#include "agents/autobidding/agent_turns.h"
#include "agents/policy.h"

namespace agora {

struct PidPacingConfig {
  double kp = 0.1;
  double ki = 0.2;
  double kd = 0.0;
  double initial_multiplier = 1.0;
  double min_multiplier = 0.01;
  double max_multiplier = 1.0;  // already capped by the action bound
  SpendTargetMode target = SpendTargetMode::kRemaining;
  double budget_fraction = 1.0;
};

class PidPacing : public Policy {
 public:
  PidPacing(const PolicyContext& ctx, const PidPacingConfig& config);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  double multiplier(int i) const { return multiplier_[static_cast<std::size_t>(i)]; }
  double integral(int i) const { return integral_[static_cast<std::size_t>(i)]; }

 private:
  const AdvertiserSignals signals_;
  const PidPacingConfig config_;
  const double log_initial_;
  const double log_min_;
  const double log_max_;
  AgentTurns turns_;
  std::vector<double> multiplier_;
  std::vector<double> integral_;
  std::vector<double> last_error_;
};

}  // namespace agora
