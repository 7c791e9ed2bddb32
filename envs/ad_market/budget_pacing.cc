#include "envs/ad_market/budget_pacing.h"

#include <algorithm>
#include <cmath>

namespace agora {

namespace {

constexpr double kMaxMu = 1e6;
constexpr double kMinParticipation = 1e-3;

}  // namespace

BudgetPacer::BudgetPacer(const PlatformConfig& config, int advertisers)
    : mode_(config.pacing),
      rate_(config.pacing_rate),
      mu_(static_cast<std::size_t>(advertisers)),
      bid_factor_(mu_.size()),
      participation_(mu_.size()),
      remaining_at_start_(mu_.size()) {}

void BudgetPacer::reset() {
  std::fill(mu_.begin(), mu_.end(), 0.0);
  std::fill(bid_factor_.begin(), bid_factor_.end(), 1.0);
  std::fill(participation_.begin(), participation_.end(), 1.0);
}

void BudgetPacer::begin_interval(const AdvertiserPool& pool) {
  if (mode_ == PacingMode::kNone) return;
  for (int i = 0; i < pool.pool(); ++i) remaining_at_start_[i] = pool.remaining(i);
}

void BudgetPacer::end_interval(const AdvertiserPool& pool, double share, double share_left) {
  if (mode_ == PacingMode::kNone || !(share > 0.0) || !(share_left > 0.0)) return;
  for (int i = 0; i < pool.pool(); ++i) {
    const double budget = pool.budget(i);
    if (!pool.active(i) || budget <= 0.0) continue;
    const double spent = remaining_at_start_[i] - pool.remaining(i);
    const double target = std::max(0.0, remaining_at_start_[i]) * std::min(1.0, share / share_left);
    const double error = (spent - target) / (budget * share);
    mu_[i] = std::clamp(mu_[i] + rate_ * error, 0.0, kMaxMu);
    if (mode_ == PacingMode::kBidModification) {
      bid_factor_[i] = 1.0 / (1.0 + mu_[i]);
    } else {
      participation_[i] = std::max(kMinParticipation, 1.0 / (1.0 + mu_[i]));
    }
  }
}

}  // namespace agora
