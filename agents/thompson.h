// Thompson sampling with a Gaussian model for the stochastic K-armed bandit.
//
// Model: arm a's rewards are N(μ_a, σ²) with known noise std σ and prior μ_a ~ N(m₀, v₀).
// After n_a plays with reward sum S_a the posterior is N(m_a, 1/τ_a) with precision
// τ_a = 1/v₀ + n_a/σ² and mean m_a = (m₀/v₀ + S_a/σ²) / τ_a. Each round the learner draws
// θ_a ~ N(m_a, 1/τ_a) for every arm (Boost normal_distribution) and plays argmax θ_a.
// Gaussian Thompson sampling has logarithmic problem-dependent regret for sub-Gaussian
// rewards (Agrawal & Goyal 2013). Prior and noise are in reward units: scale them to the
// rewards (for auction utilities in [0, 1] the defaults explore generously).
//
// Parameters (the "thompson" agent; plus the grid parameters of grid_learner.h):
//   prior_mean      number, default 0        m₀
//   prior_variance  number > 0, default 1    v₀
//   noise_std       number > 0, default 1    σ
//
// Thompson, "On the likelihood that one unknown probability exceeds another", Biometrika
// (1933); Agrawal & Goyal, "Further optimal regret bounds for Thompson sampling", AISTATS
// (2013); Russo et al., "A tutorial on Thompson sampling", FnT ML (2018).
#pragma once

#include <cstdint>
#include <vector>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class GaussianThompson {
 public:
  static constexpr bool kFullInformation = false;

  GaussianThompson(int arms, double prior_mean, double prior_variance, double noise_std);

  int arms() const { return static_cast<int>(counts_.size()); }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  double posterior_mean(int arm) const { return posterior_means_[arm]; }
  double posterior_std(int arm) const { return posterior_stds_[arm]; }

  int select(Rng& rng);
  void update(int arm, double reward);

  Json to_json() const;

 private:
  double prior_precision_;
  double prior_mean_times_precision_;
  double noise_precision_;
  std::vector<std::int64_t> counts_;
  std::vector<double> sums_;
  std::vector<double> posterior_means_;
  std::vector<double> posterior_stds_;
};

}  // namespace agora
