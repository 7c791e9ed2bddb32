#include "envs/ad_market/click_predictor.h"

#include <algorithm>
#include <boost/random/lognormal_distribution.hpp>
#include <cmath>

namespace agora {

namespace {

constexpr double kPriorClicks = 10.0;
constexpr double kMaxLogit = 15.0;

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

ClickPredictor::ClickPredictor(const PlatformConfig& config, int advertisers)
    : model_(config.click_model),
      sigma_(config.noise_sigma),
      learning_rate_(config.learning_rate),
      prior_logit_(config.prior_ctr > 0.0 && config.prior_ctr < 1.0
                       ? std::log(config.prior_ctr / (1.0 - config.prior_ctr))
                       : 0.0),
      prior_cvr_(config.prior_cvr),
      bias_(static_cast<std::size_t>(advertisers)),
      cvr_noise_(static_cast<std::size_t>(advertisers), 1.0),
      conversions_(static_cast<std::size_t>(advertisers)),
      relevance_clicks_(static_cast<std::size_t>(advertisers)) {}

void ClickPredictor::reset(Rng& rng) {
  std::fill(bias_.begin(), bias_.end(), prior_logit_);
  theta_.setZero();
  std::fill(conversions_.begin(), conversions_.end(), 0.0);
  std::fill(relevance_clicks_.begin(), relevance_clicks_.end(), 0.0);
  std::fill(cvr_noise_.begin(), cvr_noise_.end(), 1.0);
  if (model_ == ClickModel::kNoisy && sigma_ > 0.0) {
    boost::random::lognormal_distribution<double> noise(-0.5 * sigma_ * sigma_, sigma_);
    for (double& eta : cvr_noise_) eta = noise(rng);
  }
}

double ClickPredictor::coarse_quality(int ad, double true_quality) const {
  return model_ == ClickModel::kLearned ? sigmoid(bias_[ad]) : true_quality;
}

double ClickPredictor::predict(int ad, double truth, double relevance, double exposure,
                               Rng& rng) const {
  switch (model_) {
    case ClickModel::kTruth:
      return truth;
    case ClickModel::kNoisy: {
      if (sigma_ == 0.0) return truth;
      boost::random::lognormal_distribution<double> noise(-0.5 * sigma_ * sigma_, sigma_);
      return std::min(1.0, truth * noise(rng));
    }
    case ClickModel::kLearned:
      return sigmoid(std::clamp(logit(ad, relevance, exposure), -kMaxLogit, kMaxLogit));
  }
  return truth;
}

void ClickPredictor::learn(int ad, double relevance, double exposure, double position_ctr,
                           double predicted, bool clicked) {
  if (model_ != ClickModel::kLearned) return;
  // d/dz of log P(y | s) with P(click | s) = ctr_s σ(z).
  const double p = position_ctr * predicted;
  const double gradient =
      clicked ? 1.0 - predicted : -p * (1.0 - predicted) / std::max(1e-12, 1.0 - p);
  const double step = learning_rate_ * gradient;
  bias_[ad] = std::clamp(bias_[ad] + step, -kMaxLogit, kMaxLogit);
  theta_ += step * Eigen::Vector2d(std::log(std::max(relevance, 1e-6)), std::log1p(exposure));
}

double ClickPredictor::predict_cvr(int ad, double conversion_rate, double relevance) const {
  switch (model_) {
    case ClickModel::kTruth:
      return conversion_rate * relevance;
    case ClickModel::kNoisy:
      return std::min(1.0, conversion_rate * relevance * cvr_noise_[ad]);
    case ClickModel::kLearned:
      return std::min(1.0, (conversions_[ad] + kPriorClicks * prior_cvr_) /
                               (relevance_clicks_[ad] + kPriorClicks) * relevance);
  }
  return conversion_rate * relevance;
}

void ClickPredictor::learn_conversion(int ad, double relevance, bool converted) {
  if (model_ != ClickModel::kLearned) return;
  conversions_[ad] += converted ? 1.0 : 0.0;
  relevance_clicks_[ad] += relevance;
}

}  // namespace agora
