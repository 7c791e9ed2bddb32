// The platform's click and conversion predictions in the ad_market env. The ranking stage
// needs q̂, the predicted click probability of an ad for a user in the top position with
// position effect 1 (the separable model: P(click in position s) = ctr_s x q); the truth is
// q = quality x relevance x fatigue factor (envs/ad_market/ad_market.h).
//
//   "truth"    q̂ = q, p̂CVR = conversion_rate x relevance.
//   "noisy"    q̂ = min(1, q exp(σ ε - σ²/2)), ε ~ N(0, 1) fresh per prediction: mean-one
//              lognormal noise, so E[q̂ | q] = q (calibrated) unless the cap at 1 binds.
//              p̂CVR = conversion_rate x relevance x η_i with η_i ~ LN(-σ²/2, σ) drawn once
//              per advertiser and episode (a per-campaign bias that is calibrated on average
//              over campaigns), capped at 1.
//   "learned"  online logistic regression on logged clicks (McMahan et al. 2013, "Ad click
//              prediction: a view from the trenches"): q̂ = σ(z), z = b_i + θ·(log r,
//              log(1 + F)), b_i a per-ad intercept (initial logit(prior_ctr)), r the relevance,
//              F the user's exposure stock; the known position effect enters the likelihood
//              as P(click | s) = ctr_s σ(z), and each impression takes one SGD step on its
//              log-likelihood. p̂CVR = ĉ_i x relevance with ĉ_i = (conversions + 10 prior_cvr)
//              / (Σ relevance over clicks + 10), the posterior-mean-like ratio estimator of
//              the advertiser's conversion rate.
// Retrieval uses a coarse, user-independent quality per ad: the true quality ("truth",
// "noisy") or σ(b_i) ("learned").
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.h"
#include "envs/ad_market/ad_market_config.h"

namespace agora {

class ClickPredictor {
 public:
  ClickPredictor(const PlatformConfig& config, int advertisers);

  void reset(Rng& rng);
  ClickModel model() const { return model_; }

  double coarse_quality(int ad, double true_quality) const;
  // q̂ for one impression; `truth` = quality x relevance x fatigue factor.
  double predict(int ad, double truth, double relevance, double exposure, Rng& rng) const;
  // One SGD step after an impression in a position with effect `position_ctr` ("learned").
  void learn(int ad, double relevance, double exposure, double position_ctr, double predicted,
             bool clicked);

  double predict_cvr(int ad, double conversion_rate, double relevance) const;
  void learn_conversion(int ad, double relevance, bool converted);

 private:
  double logit(int ad, double relevance, double exposure) const {
    return bias_[ad] + theta_(0) * std::log(std::max(relevance, 1e-6)) +
           theta_(1) * std::log1p(exposure);
  }

  const ClickModel model_;
  const double sigma_;
  const double learning_rate_;
  const double prior_logit_;
  const double prior_cvr_;
  std::vector<double> bias_;
  Eigen::Vector2d theta_;
  std::vector<double> cvr_noise_;
  std::vector<double> conversions_, relevance_clicks_;
};

}  // namespace agora
