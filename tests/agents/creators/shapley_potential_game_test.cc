// Best-response dynamics in the Shapley mediator game converge to a pure Nash equilibrium.
//
// Theory (Ben-Porat & Tennenholtz, NeurIPS 2018): creator i's expected exposure from user u
// under the Shapley mediator is P_u(i) = int_0^{sigma_i} dv / m_u(v), m_u(v) = #{j : sigma_j > v}.
// Hence Phi = sum_u int_0^1 H(m_u(v)) dv = sum_u sum_l H_l (sigma_(l) - sigma_(l+1)) with
// H_l = 1 + ... + 1/l is an exact potential: moving sigma_i from s to t changes Phi by
// int_s^t dv / (m_{-i}(v) + 1), exactly creator i's change in exposure. A finite exact
// potential game has pure equilibria, and sequential (round-robin) best responses increase Phi
// at every switch, so they stop at a pure equilibrium (Monderer & Shapley 1996).
// Instance: 7 topics on the unit circle, 9 users with unequal masses, 4 creators; satisfaction
// sigma = max(0, cos(angle between user and topic)) (the "clip" map).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "mechanisms/content/shapley_mediator.h"
#include "tests/agents/creators/creator_play.h"
#include "tests/agents/creators/exposure_game_env.h"

namespace agora::testing {
namespace {

Eigen::VectorXd at_angle(double angle) {
  Eigen::VectorXd v(2);
  v << std::cos(angle), std::sin(angle);
  return v;
}

ExposureGameConfig topic_game(std::int64_t horizon) {
  ExposureGameConfig config;
  const std::vector<double> user_angles = {0.1, 0.3, 0.35, 1.2, 1.5, 2.4, 2.5, 3.9, 5.0};
  const std::vector<double> masses = {3, 1, 1, 2, 2, 1, 4, 1, 2};
  for (double angle : user_angles) config.users.push_back(at_angle(angle));
  double total = 0.0;
  for (double m : masses) total += m;
  for (double m : masses) config.masses.push_back(m / total);
  for (int t = 0; t < 7; ++t) config.topics.push_back(at_angle(0.9 * t));
  config.creators = 4;
  config.rule = make_exposure_rule("shapley_mediator", Json::object(), "rule");
  config.horizon = horizon;
  return config;
}

double potential(const ExposureGameConfig& config, const std::vector<int>& topics) {
  const ShapleyMediator mediator(ShapleyMediator::Satisfaction::kClip, 0.0, 1.0);
  double phi = 0.0;
  for (std::size_t u = 0; u < config.users.size(); ++u) {
    std::vector<double> sigma;
    for (int t : topics) {
      const auto score = static_cast<float>(
          config.users[u].dot(config.topics[static_cast<std::size_t>(t)].normalized()));
      sigma.push_back(mediator.satisfaction(score));
    }
    std::sort(sigma.begin(), sigma.end(), std::greater<>());
    sigma.push_back(0.0);
    double harmonic = 0.0;
    for (std::size_t l = 0; l + 1 < sigma.size(); ++l) {
      harmonic += 1.0 / static_cast<double>(l + 1);
      phi += config.masses[u] * harmonic * (sigma[l] - sigma[l + 1]);
    }
  }
  return phi;
}

std::vector<Eigen::VectorXd> profile_of(const ExposureGameConfig& config,
                                        const std::vector<int>& topics) {
  std::vector<Eigen::VectorXd> profile;
  for (int t : topics) profile.push_back(config.topics[static_cast<std::size_t>(t)].normalized());
  return profile;
}

TEST_CASE("creators shapley game: Phi is an exact potential of the env's exposures") {
  const ExposureGameConfig config = topic_game(1);
  const ExposureGameEnv env(config);
  Rng rng = make_rng(5, "profiles");
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<int> topics(4);
    for (int& t : topics) t = static_cast<int>(rng() % 7);
    const int i = static_cast<int>(rng() % 4);
    std::vector<int> deviated = topics;
    deviated[static_cast<std::size_t>(i)] = static_cast<int>(rng() % 7);
    const double gain =
        env.exposure(profile_of(config, deviated), i) - env.exposure(profile_of(config, topics), i);
    CHECK(potential(config, deviated) - potential(config, topics) ==
          doctest::Approx(gain).epsilon(1e-9).scale(1.0));
  }
}

TEST_CASE("creators shapley game: round-robin best responses climb Phi to a pure equilibrium") {
  int switching_runs = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    CAPTURE(seed);
    const ExposureGameConfig config = topic_game(40);
    CreatorPlay play(std::make_unique<ExposureGameEnv>(config), "creator_best_response",
                     {{"revision", "round_robin"}}, seed);
    const auto& env = static_cast<const ExposureGameEnv&>(*play.env);
    std::vector<int> before = env.topics();
    double phi = potential(config, before);
    const double start = phi;
    int last_switch = -1;
    for (int t = 0; t < 40; ++t) {
      play.step();
      const std::vector<int>& now = env.topics();
      const double next = potential(config, now);
      int changed = 0;
      for (std::size_t i = 0; i < now.size(); ++i) changed += now[i] != before[i];
      CHECK(changed <= 1);  // one creator revises per step
      if (changed == 1) {
        CHECK(next > phi + 1e-12);
        last_switch = t;
      } else {
        CHECK(next == phi);
      }
      phi = next;
      before = now;
    }
    CHECK(last_switch < 40 - 2 * 4);  // stable for two full rounds
    CHECK(phi >= start);
    switching_runs += last_switch >= 0;
    // No creator gains by switching topic: a pure Nash equilibrium.
    const auto profile = profile_of(config, before);
    for (int i = 0; i < 4; ++i) {
      const double current = env.exposure(profile, i);
      for (int t = 0; t < 7; ++t) {
        auto deviated = before;
        deviated[static_cast<std::size_t>(i)] = t;
        CHECK(env.exposure(profile_of(config, deviated), i) <= current + 1e-12);
      }
    }
  }
  CHECK(switching_runs >= 3);  // the random starts are mostly not equilibria
}

}  // namespace
}  // namespace agora::testing
