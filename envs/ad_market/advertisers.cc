#include "envs/ad_market/advertisers.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "envs/ad_market/users.h"

namespace agora {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> budget_caps(const AdvertiserConfig& config) {
  std::vector<double> caps;
  for (const auto& d : config.budget) {
    caps.push_back(std::isfinite(d.upper()) ? d.upper() : d.quantile(0.9999));
  }
  return caps;
}

double largest(const std::vector<double>& x) {
  return x.empty() ? 0.0 : *std::max_element(x.begin(), x.end());
}

}  // namespace

AdvertiserPool::AdvertiserPool(const AdvertiserConfig& config, int topics)
    : config_(config),
      pool_(config.pool()),
      topics_(topics),
      max_budget_(largest(budget_caps(config))),
      budget_cap_(budget_caps(config)),
      budget_(static_cast<std::size_t>(pool_)),
      value_per_click_(budget_.size()),
      value_per_conversion_(budget_.size()),
      conversion_rate_(budget_.size()),
      quality_(budget_.size()),
      objective_(config.objective),
      targeting_(budget_.size() * static_cast<std::size_t>(topics)),
      active_(budget_.size()),
      judged_(budget_.size()),
      remaining_(budget_.size()),
      day_spend_(budget_.size()),
      day_value_(budget_.size()),
      day_conversions_(budget_.size()),
      bad_days_(budget_.size()) {}

void AdvertiserPool::reset(Rng& rng) {
  for (int i = 0; i < pool_; ++i) {
    const auto s = static_cast<std::size_t>(i);
    budget_[s] = config_.has_budgets ? std::min(config_.budget[s].draw(rng), budget_cap_[s]) : 0.0;
    value_per_click_[s] = config_.value_per_click[s].draw(rng);
    value_per_conversion_[s] = config_.value_per_conversion[s].draw(rng);
    conversion_rate_[s] = config_.conversion_rate[s].draw(rng);
    quality_[s] = config_.quality[s].draw(rng);
    UserPopulation::draw_interests(config_.interest_concentration, topics_, rng,
                                   targeting_.data() + static_cast<std::ptrdiff_t>(i) * topics_);
  }
  std::fill(active_.begin(), active_.end(), 0);
  std::fill(active_.begin(), active_.begin() + config_.initial, 1);
  std::fill(bad_days_.begin(), bad_days_.end(), 0);
  next_fresh_ = config_.initial;
  start_day();
}

void AdvertiserPool::start_day() {
  for (int i = 0; i < pool_; ++i) {
    remaining_[i] = budget_[i] > 0.0 ? budget_[i] : kInf;
    day_spend_[i] = day_value_[i] = day_conversions_[i] = 0.0;
    judged_[i] = active_[i];
  }
}

std::vector<int> AdvertiserPool::admit(int count) {
  std::vector<int> admitted;
  while (count-- > 0 && next_fresh_ < pool_) {
    active_[next_fresh_] = 1;
    admitted.push_back(next_fresh_++);
  }
  return admitted;
}

bool AdvertiserPool::end_day(int i) {
  if (!active_[i] || !judged_[i]) return false;
  const double spend = day_spend_[i];
  const double value = day_value_[i];
  bool bad = false;
  if (spend > 0.0) {
    const double roas = config_.target_roas[i];
    const double cpa = config_.target_cpa[i];
    if (roas > 0.0) bad = bad || value < roas * spend;
    if (cpa > 0.0) bad = bad || spend > cpa * day_conversions_[i];
    if (roas == 0.0 && cpa == 0.0) bad = bad || value < config_.min_roi * spend;
  }
  if (budget_[i] > 0.0) bad = bad || budget_[i] - spend > config_.unspent_fraction * budget_[i];
  bad_days_[i] = bad ? bad_days_[i] + 1 : 0;
  if (config_.churn_patience > 0 && bad_days_[i] >= config_.churn_patience) {
    active_[i] = 0;
    return true;
  }
  return false;
}

int AdvertiserPool::active_count() const {
  return static_cast<int>(std::count(active_.begin(), active_.end(), 1));
}

}  // namespace agora
