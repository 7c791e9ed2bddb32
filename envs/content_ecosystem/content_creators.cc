#include "envs/content_ecosystem/content_creators.h"

#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>

#include "core/error.h"
#include "envs/content_ecosystem/content_users.h"

namespace agora {

ContentCreators::ContentCreators(const ContentCreatorParams& params, const TopicSpace& space)
    : params_(params),
      space_(space),
      topic_cdf_(topic_cdf(params.topic_weights, space.topics())),
      directions_(FloatRows::Zero(params.pool, space.dim())),
      previous_directions_(FloatRows::Zero(params.pool, space.dim())),
      quality_(Eigen::ArrayXd::Zero(params.pool)),
      cost_(Eigen::ArrayXd::Zero(params.pool)),
      age_(Eigen::ArrayXd::Zero(params.pool)),
      previous_age_(Eigen::ArrayXd::Zero(params.pool)),
      freshness_(Eigen::ArrayXd::Zero(params.pool)),
      active_(BoolArray::Constant(params.pool, false)),
      posted_(BoolArray::Constant(params.pool, false)),
      below_streak_(Eigen::ArrayXi::Zero(params.pool)) {
  AGORA_CHECK(params.initial >= 1 && params.initial <= params.pool);
}

double ContentCreators::freshness_of_age(double age) const {
  return std::exp(-age / params_.freshness_timescale);
}

void ContentCreators::activate(int slot, Rng& rng) {
  const int topic = draw_topic(topic_cdf_, rng);
  space_.sample_around(
      topic, params_.spread, rng,
      std::span<float>(directions_.row(slot).data(), static_cast<std::size_t>(space_.dim())));
  quality_(slot) = params_.quality_high > params_.quality_low
                       ? boost::random::uniform_real_distribution<double>(params_.quality_low,
                                                                          params_.quality_high)(rng)
                       : params_.quality_low;
  cost_(slot) = params_.cost_high > params_.cost_low
                    ? boost::random::uniform_real_distribution<double>(params_.cost_low,
                                                                       params_.cost_high)(rng)
                    : params_.cost_low;
  age_(slot) = 0.0;
  freshness_(slot) = 1.0;
  below_streak_(slot) = 0;
  active_(slot) = true;
}

void ContentCreators::reset(Rng& rng) {
  directions_.setZero();
  quality_.setZero();
  cost_.setZero();
  age_.setZero();
  freshness_.setZero();
  active_.setConstant(false);
  below_streak_.setZero();
  for (int i = 0; i < params_.initial; ++i) activate(i, rng);
  next_fresh_ = params_.initial;
  previous_directions_ = directions_;
  previous_age_ = age_;
}

void ContentCreators::resolve_direction(int creator, std::span<const float> proposed,
                                        std::span<float> out) const {
  std::copy(proposed.begin(), proposed.end(), out.begin());
  if (!normalize_in_place(out)) {
    const float* previous = previous_directions_.row(creator).data();
    std::copy(previous, previous + out.size(), out.begin());
  }
}

void ContentCreators::start_period(const FloatRows& proposed, Rng& rng) {
  AGORA_CHECK_EQ(proposed.rows(), params_.pool);
  previous_directions_ = directions_;
  previous_age_ = age_;
  boost::random::uniform_01<double> unit;
  const auto dim = static_cast<std::size_t>(space_.dim());
  for (int i = 0; i < params_.pool; ++i) {
    if (!active_(i)) continue;
    posted_(i) = unit(rng) < params_.posting_rate;
    resolve_direction(i, std::span<const float>(proposed.row(i).data(), dim),
                      std::span<float>(directions_.row(i).data(), dim));
    freshness_(i) = freshness_if(i, std::span<const float>(directions_.row(i).data(), dim));
    const bool changed = directions_.row(i) != previous_directions_.row(i);
    age_(i) = (posted_(i) || changed) ? 0.0 : previous_age_(i) + 1.0;
  }
}

double ContentCreators::freshness_if(int creator, std::span<const float> direction) const {
  bool changed = false;
  for (std::size_t k = 0; k < direction.size(); ++k) {
    changed |= direction[k] != previous_directions_(creator, static_cast<Eigen::Index>(k));
  }
  return freshness_of_age((posted_(creator) || changed) ? 0.0 : previous_age_(creator) + 1.0);
}

int ContentCreators::settle(std::span<const double> utility, BoolArray& terminated) {
  int left = 0;
  for (int i = 0; i < params_.pool; ++i) {
    if (!active_(i)) continue;
    below_streak_(i) =
        utility[static_cast<std::size_t>(i)] < params_.outside_option ? below_streak_(i) + 1 : 0;
    if (below_streak_(i) >= params_.patience) {
      active_(i) = false;
      terminated(i) = true;
      ++left;
    }
  }
  return left;
}

int ContentCreators::enter(Rng& rng) {
  if (params_.arrival_rate <= 0.0) return 0;
  const int arrivals = boost::random::poisson_distribution<int, double>(params_.arrival_rate)(rng);
  int entered = 0;
  for (int a = 0; a < arrivals && next_fresh_ < params_.pool; ++a) {
    activate(next_fresh_++, rng);
    ++entered;
  }
  return entered;
}

void ContentCreators::set_direction(int creator, std::span<const float> direction) {
  for (std::size_t k = 0; k < direction.size(); ++k) {
    directions_(creator, static_cast<Eigen::Index>(k)) = direction[k];
  }
  normalize_in_place(std::span<float>(directions_.row(creator).data(), direction.size()));
}

}  // namespace agora
