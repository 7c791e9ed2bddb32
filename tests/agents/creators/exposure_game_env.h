// A test-only exposure game (Hron et al., ICLR 2023; Ben-Porat & Tennenholtz, NeurIPS 2018)
// implementing the creator role contract of content envs (docs/content_mechanisms.md).
//
// Users are fixed embeddings u with masses m_u (summing to 1). Each creator plays a content
// direction (Box "e0".."e{d-1}" in [-1, 1], normalised by the env; a zero vector keeps the
// previous direction) or, with `topics`, a topic (Discrete "topic"; topic t = the fixed
// embedding topics[t]). User u's recommender score of creator j is <u, s_j>; an optional
// outside item (the platform's other content) scores `outside_score` for every user. The
// exposure rule turns the scores into inclusion probabilities, and creator i's reward is its
// expected exposure sum_u m_u P_u(i in slate) — computed exactly, so the env is deterministic
// given the initial directions, which are drawn from the seed. Feedback::kFull with the exact
// counterfactual oracle. Observations: the current direction (or topic), "exposure" (the
// reward) and "utility" (the same: there are no payments or costs).
#pragma once

#include <Eigen/Core>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/env.h"
#include "mechanisms/content/exposure_rule.h"

namespace agora::testing {

struct ExposureGameConfig {
  std::vector<Eigen::VectorXd> users;
  std::vector<double> masses;  // empty: uniform
  int creators = 2;
  std::shared_ptr<const ExposureRule> rule;
  int slate_size = 1;
  std::optional<double> outside_score;
  std::vector<Eigen::VectorXd> topics;  // non-empty: topic actions
  std::int64_t horizon = 50;
};

class ExposureGameEnv final : public Env, public CounterfactualFeedback {
 public:
  explicit ExposureGameEnv(ExposureGameConfig config)
      : Env(make_roles(config), {"mean_exposure", "mean_pairwise_cosine"}, config.horizon),
        config_(std::move(config)),
        dim_(static_cast<int>(config_.users.front().size())),
        directions_(config_.creators, Eigen::VectorXd::Zero(dim_)),
        previous_(directions_),
        topic_of_(config_.creators, 0),
        scores_(config_.creators + (config_.outside_score ? 1 : 0)),
        inclusion_(scores_.size()) {
    AGORA_CHECK(config_.rule != nullptr);
    if (config_.masses.empty()) {
      config_.masses.assign(config_.users.size(), 1.0 / static_cast<double>(config_.users.size()));
    }
    AGORA_CHECK_EQ(config_.masses.size(), config_.users.size());
  }

  const CounterfactualFeedback* counterfactual_oracle(int /*role*/) const override { return this; }

  void counterfactual_rewards(int agent, const RowBatch& candidates,
                              Eigen::Ref<Eigen::ArrayXd> out) const override {
    std::vector<Eigen::VectorXd> profile = directions_;
    for (Eigen::Index c = 0; c < candidates.rows(); ++c) {
      profile[static_cast<std::size_t>(agent)] = direction_of(candidates.row(c), previous_[agent]);
      out(c) = exposure(profile, agent);
    }
  }

  // Expected exposure of `creator` when the creators play `profile` (unit vectors).
  double exposure(const std::vector<Eigen::VectorXd>& profile, int creator) const {
    double total = 0.0;
    for (std::size_t u = 0; u < config_.users.size(); ++u) {
      for (int j = 0; j < config_.creators; ++j) {
        scores_[static_cast<std::size_t>(j)] = static_cast<float>(config_.users[u].dot(profile[j]));
      }
      if (config_.outside_score) scores_.back() = static_cast<float>(*config_.outside_score);
      config_.rule->inclusion_probabilities(scores_, config_.slate_size, inclusion_);
      total += config_.masses[u] * inclusion_[static_cast<std::size_t>(creator)];
    }
    return total;
  }

  const std::vector<Eigen::VectorXd>& directions() const { return directions_; }
  const std::vector<int>& topics() const { return topic_of_; }

 private:
  static std::vector<RoleSpec> make_roles(const ExposureGameConfig& config) {
    const int d = static_cast<int>(config.users.front().size());
    RoleSpec creator;
    creator.name = "creator";
    creator.pool_size = config.creators;
    creator.feedback = Feedback::kFull;
    std::vector<std::string> labels;
    Eigen::ArrayXd low, high;
    if (config.topics.empty()) {
      for (int k = 0; k < d; ++k) labels.push_back("e" + std::to_string(k));
      creator.action_space =
          Space::box(Eigen::ArrayXd::Constant(d, -1.0), Eigen::ArrayXd::Constant(d, 1.0), labels);
      low = Eigen::ArrayXd::Constant(d + 2, -1.0);
      high = Eigen::ArrayXd::Constant(d + 2, 1.0);
    } else {
      const int n = static_cast<int>(config.topics.size());
      labels.push_back("topic");
      creator.action_space = Space::discrete(n, "topic");
      low = Eigen::ArrayXd::Zero(3);
      high = Eigen::ArrayXd::Constant(3, 1.0);
      high(0) = n - 1;
    }
    labels.push_back("exposure");
    labels.push_back("utility");
    low.tail(2).setZero();
    high.tail(2).setConstant(1.0);
    creator.observation_space = Space::box(low, high, labels);
    return {creator};
  }

  Eigen::VectorXd direction_of(const auto& row, const Eigen::VectorXd& previous) const {
    if (!config_.topics.empty()) {
      return config_.topics[static_cast<std::size_t>(row(0))].normalized();
    }
    Eigen::VectorXd x(dim_);
    for (int k = 0; k < dim_; ++k) x(k) = row(k);
    const double norm = x.norm();
    return norm > 1e-12 ? Eigen::VectorXd(x / norm) : previous;
  }

  void on_reset(Rng& rng, StepResult& result) override {
    boost::random::normal_distribution<double> normal;
    for (int i = 0; i < config_.creators; ++i) {
      if (config_.topics.empty()) {
        Eigen::VectorXd x(dim_);
        do {
          for (int k = 0; k < dim_; ++k) x(k) = normal(rng);
        } while (x.norm() < 1e-6);
        directions_[i] = x.normalized();
      } else {
        topic_of_[i] = boost::random::uniform_int_distribution<int>(
            0, static_cast<int>(config_.topics.size()) - 1)(rng);
        directions_[i] = config_.topics[static_cast<std::size_t>(topic_of_[i])].normalized();
      }
    }
    previous_ = directions_;
    RoleState& role = result.roles[0];
    role.active.setConstant(true);
    role.rewards.setZero();
    observe(result);
  }

  void on_step(const std::vector<RowBatch>& actions, Rng& /*rng*/, StepResult& result) override {
    previous_ = directions_;
    for (int i = 0; i < config_.creators; ++i) {
      directions_[i] = direction_of(actions[0].row(i), previous_[i]);
      if (!config_.topics.empty()) topic_of_[i] = static_cast<int>(actions[0](i, 0));
    }
    RoleState& role = result.roles[0];
    double cosine = 0.0;
    int pairs = 0;
    for (int i = 0; i < config_.creators; ++i) {
      role.rewards(i) = exposure(directions_, i);
      for (int j = i + 1; j < config_.creators; ++j, ++pairs)
        cosine += directions_[i].dot(directions_[j]);
    }
    result.metrics(0) = role.rewards.mean();
    result.metrics(1) = pairs > 0 ? cosine / pairs : 1.0;
    observe(result);
  }

  void observe(StepResult& result) const {
    RoleState& role = result.roles[0];
    for (int i = 0; i < config_.creators; ++i) {
      int column = 0;
      if (config_.topics.empty()) {
        for (int k = 0; k < dim_; ++k) role.observations(i, column++) = directions_[i](k);
      } else {
        role.observations(i, column++) = topic_of_[i];
      }
      role.observations(i, column++) = std::clamp(role.rewards(i), 0.0, 1.0);
      role.observations(i, column++) = std::clamp(role.rewards(i), 0.0, 1.0);
    }
  }

  ExposureGameConfig config_;
  const int dim_;
  std::vector<Eigen::VectorXd> directions_;
  std::vector<Eigen::VectorXd> previous_;
  std::vector<int> topic_of_;
  mutable std::vector<float> scores_;
  mutable std::vector<double> inclusion_;
};

}  // namespace agora::testing
