#include "envs/ad_market/users.h"

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

UserPopulation::UserPopulation(const UserConfig& config, int topics)
    : config_(config),
      topics_(topics),
      kappa_(config.fatigue_strength),
      continue_prob_(config.continue_prob),
      ad_aversion_(config.ad_aversion),
      decay_per_hour_(std::log(2.0) / config.fatigue_half_life_hours),
      drift_(config.interest_drift),
      churn_possible_(config.churn_base > 0.0 || config.churn_ad_load > 0.0 ||
                      config.churn_fatigue > 0.0),
      interests_(static_cast<std::size_t>(config.count) * static_cast<std::size_t>(topics)),
      stock_(static_cast<std::size_t>(config.count)),
      last_seen_(static_cast<std::size_t>(config.count)),
      order_(static_cast<std::size_t>(config.count)),
      position_(static_cast<std::size_t>(config.count)) {}

void UserPopulation::draw_interests(double concentration, int topics, Rng& rng, float* out) {
  boost::random::exponential_distribution<double> exponential(1.0);
  double norm = 0.0;
  for (int k = 0; k < topics; ++k) {
    out[k] = static_cast<float>(std::pow(exponential(rng), concentration));
    norm += static_cast<double>(out[k]) * out[k];
  }
  const double scale = norm > 0.0 ? 1.0 / std::sqrt(norm) : 0.0;
  for (int k = 0; k < topics; ++k) out[k] = static_cast<float>(out[k] * scale);
  if (norm == 0.0) out[0] = 1.0f;
}

void UserPopulation::reset(Rng& rng) {
  for (int u = 0; u < size(); ++u) {
    draw_interests(config_.interest_concentration, topics_, rng,
                   interests_.data() + static_cast<std::ptrdiff_t>(u) * topics_);
    order_[u] = u;
    position_[u] = u;
  }
  std::fill(stock_.begin(), stock_.end(), 0.0f);
  std::fill(last_seen_.begin(), last_seen_.end(), 0.0f);
  active_ = size();
}

int UserPopulation::sample_active(Rng& rng) const {
  AGORA_CHECK(active_ > 0);
  boost::random::uniform_int_distribution<int> pick(0, active_ - 1);
  return order_[pick(rng)];
}

void UserPopulation::begin_session(int user, double t_hours, Rng& rng) {
  const double elapsed = t_hours - last_seen_[user];
  last_seen_[user] = static_cast<float>(t_hours);
  if (elapsed <= 0.0) return;
  if (stock_[user] > 0.0f) {
    stock_[user] = static_cast<float>(stock_[user] * std::exp(-decay_per_hour_ * elapsed));
  }
  if (drift_ > 0.0) {
    boost::random::normal_distribution<double> normal(0.0, drift_ * std::sqrt(elapsed / 24.0));
    float* x = interests_.data() + static_cast<std::ptrdiff_t>(user) * topics_;
    double norm = 0.0;
    for (int k = 0; k < topics_; ++k) {
      x[k] = static_cast<float>(std::max(0.0, x[k] + normal(rng)));
      norm += static_cast<double>(x[k]) * x[k];
    }
    if (norm > 0.0) {
      const double scale = 1.0 / std::sqrt(norm);
      for (int k = 0; k < topics_; ++k) x[k] = static_cast<float>(x[k] * scale);
    } else {
      x[0] = 1.0f;  // every coordinate clipped: the walk restarts from one topic
    }
  }
}

double UserPopulation::churn_hazard(double ad_load, double fatigue, double mean_relevance) const {
  const double h = config_.churn_base + config_.churn_ad_load * ad_load +
                   config_.churn_fatigue * fatigue - config_.churn_relevance * mean_relevance;
  return std::clamp(h, 0.0, 1.0);
}

void UserPopulation::swap_positions(int a, int b) {
  const int ua = order_[a];
  const int ub = order_[b];
  order_[a] = ub;
  order_[b] = ua;
  position_[ub] = a;
  position_[ua] = b;
}

void UserPopulation::churn(int user) {
  AGORA_CHECK(is_active(user));
  swap_positions(position_[user], active_ - 1);
  --active_;
}

int UserPopulation::return_churned(double probability, Rng& rng) {
  const int churned = churned_count();
  if (churned == 0 || probability <= 0.0) return 0;
  boost::random::binomial_distribution<int> count(churned, std::min(1.0, probability));
  const int returning = count(rng);
  for (int r = 0; r < returning; ++r) {
    boost::random::uniform_int_distribution<int> pick(active_, size() - 1);
    swap_positions(pick(rng), active_);
    ++active_;
  }
  return returning;
}

}  // namespace agora
