// Creator agents in exposure games against the equilibria theory predicts.
//
// Game (Hron et al., ICLR 2023, with an outside item): two user clusters of mass 1/2 at
// a = (cos α, sin α) and b = (cos α, -sin α), α = 60°, mean direction m = (1, 0); two creators
// choose unit directions s_1, s_2; a non-strategic outside item scores c0 = 0.7 for everybody;
// K = 1 softmax exposure at temperature τ. Creator i's reward is
//   f_i = 1/2 sum_{u in {a, b}} exp(u.s_i / τ) / (exp(u.s_1 / τ) + exp(u.s_2 / τ) + exp(c0 / τ)).
//
// High τ: at consensus s_1 = s_2 = m both clusters give a creator the same share p, so the
// gradient of f_1 in s_1 is p(1-p)/τ (a + b)/2, parallel to m: consensus is a critical point.
// With s_1 at angle φ from m, x_a = cos(α - φ), x_b = cos(α + φ) and σ(x) = the share,
// σ' = p(1-p)/τ, σ'' = p(1-p)(1-2p)/τ², so
//   f''(0) = p(1-p)/τ [ (1-2p) sin²α / τ - cos α ] < 0  iff  τ > (1-2p) sin²α / cos α,
// which holds for τ >= 1.5 (since 1 - 2p < 1, sin²α / cos α = 1.5): consensus is a strict
// local best response; the test checks on a grid of 3600 deviations that it is the global one,
// i.e. consensus at the mean user direction is the equilibrium for τ = 3.
// Low τ: at consensus each user's scores are cos α = 0.5 < c0, so a creator gets
// ~ e^{-4} while the deviation s_1 = a gets ~ 1/2: consensus is no equilibrium. At the
// specialised profile (a, b) creator 1 keeps cluster a (score 1 against cos 2α = -0.5 and
// c0) and cannot gain cluster b without losing a; moving towards b gains at most
// O(e^{-(1 - cos 2α)/τ}) = O(e^{-30}) at τ = 0.05: (a, b) is an equilibrium up to 1e-12 (1e-7 with
// float scores).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "tests/agents/creators/creator_play.h"
#include "tests/agents/creators/exposure_game_env.h"
#include "tests/envs/conformance.h"

namespace agora::testing {
namespace {

constexpr double kAlpha = std::numbers::pi / 3.0;

Eigen::VectorXd at_angle(double angle) {
  Eigen::VectorXd v(2);
  v << std::cos(angle), std::sin(angle);
  return v;
}

ExposureGameConfig two_clusters(double tau, std::int64_t horizon) {
  ExposureGameConfig config;
  config.users = {at_angle(kAlpha), at_angle(-kAlpha)};
  config.creators = 2;
  config.rule = make_exposure_rule("softmax", {{"temperature", tau}}, "rule");
  config.outside_score = 0.7;
  config.horizon = horizon;
  return config;
}

// Largest gain of creator i from a unilateral deviation to any of `grid` equally spaced
// directions, the others fixed at `profile`.
double best_deviation_gain(const ExposureGameEnv& env, std::vector<Eigen::VectorXd> profile, int i,
                           int grid = 3600) {
  const double current = env.exposure(profile, i);
  double best = -1.0;
  for (int g = 0; g < grid; ++g) {
    profile[i] = at_angle(2.0 * std::numbers::pi * g / grid);
    best = std::max(best, env.exposure(profile, i));
  }
  return best - current;
}

double angle_between(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  return std::acos(std::clamp(x.normalized().dot(y.normalized()), -1.0, 1.0));
}

TEST_CASE("creators exposure game env passes the conformance harness") {
  check_env_conformance([] { return std::make_unique<ExposureGameEnv>(two_clusters(0.5, 20)); });
  check_env_conformance([] {
    ExposureGameConfig config = two_clusters(0.5, 20);
    config.rule = make_exposure_rule("shapley_mediator", Json::object(), "rule");
    config.creators = 4;  // 7^4 initial topic profiles: two episodes start apart
    for (int t = 0; t < 7; ++t) config.topics.push_back(at_angle(0.9 * t));
    return std::make_unique<ExposureGameEnv>(config);
  });
}

TEST_CASE("creators high temperature: creator_gradient reaches consensus at the mean user") {
  const double tau = 3.0;
  const ExposureGameEnv probe(two_clusters(tau, 1));
  const std::vector<Eigen::VectorXd> consensus = {at_angle(0.0), at_angle(0.0)};
  // The derived equilibrium: no deviation on the grid gains; the sufficient local condition.
  CHECK(best_deviation_gain(probe, consensus, 0) <= 1e-7);  // scores are floats
  const double p = probe.exposure(consensus, 0);
  CHECK(tau > (1.0 - 2.0 * p) * std::pow(std::sin(kAlpha), 2) / std::cos(kAlpha));
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    CreatorPlay play(std::make_unique<ExposureGameEnv>(two_clusters(tau, 400)), "creator_gradient",
                     {{"step_size", 10.0}}, seed);
    const auto& env = static_cast<const ExposureGameEnv&>(*play.env);
    const double start = std::max(angle_between(env.directions()[0], consensus[0]),
                                  angle_between(env.directions()[1], consensus[0]));
    for (int t = 0; t < 400; ++t) play.step();
    CHECK(start > 0.05);
    CHECK(angle_between(env.directions()[0], consensus[0]) < 1e-3);
    CHECK(angle_between(env.directions()[1], consensus[0]) < 1e-3);
    CHECK(play.env->last().metrics(1) == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("creators high temperature: creator_best_response also reaches consensus") {
  // Random-search best responses move only on strict gains, so they approach the
  // equilibrium up to the resolution of their local candidates (local_scale 0.01).
  const Eigen::VectorXd m = at_angle(0.0);
  for (std::uint64_t seed : {4u, 5u}) {
    CAPTURE(seed);
    CreatorPlay play(std::make_unique<ExposureGameEnv>(two_clusters(3.0, 300)),
                     "creator_best_response", {{"revision", "round_robin"}, {"local_scale", 0.01}},
                     seed);
    const auto& env = static_cast<const ExposureGameEnv&>(*play.env);
    for (int t = 0; t < 300; ++t) play.step();
    CHECK(angle_between(env.directions()[0], m) < 0.02);
    CHECK(angle_between(env.directions()[1], m) < 0.02);
  }
}

TEST_CASE("creators low temperature: creator_best_response specialises on the clusters") {
  const double tau = 0.05;
  const ExposureGameEnv probe(two_clusters(tau, 1));
  const Eigen::VectorXd a = at_angle(kAlpha);
  const Eigen::VectorXd b = at_angle(-kAlpha);
  // Consensus is not an equilibrium; the specialised profile is (up to e^{-30}).
  CHECK(best_deviation_gain(probe, {at_angle(0.0), at_angle(0.0)}, 0) > 0.4);
  CHECK(best_deviation_gain(probe, {a, b}, 0) < 1e-7);
  CHECK(best_deviation_gain(probe, {a, b}, 1) < 1e-7);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    CreatorPlay play(
        std::make_unique<ExposureGameEnv>(two_clusters(tau, 60)), "creator_best_response",
        {{"revision", "round_robin"}, {"candidates", 128}, {"local_scale", 0.02}}, seed);
    const auto& env = static_cast<const ExposureGameEnv&>(*play.env);
    for (int t = 0; t < 60; ++t) play.step();
    const auto& s = env.directions();
    const bool first_on_a = angle_between(s[0], a) < angle_between(s[0], b);
    const Eigen::VectorXd& mine = first_on_a ? a : b;
    const Eigen::VectorXd& theirs = first_on_a ? b : a;
    CHECK(angle_between(s[0], mine) < 0.05);
    CHECK(angle_between(s[1], theirs) < 0.05);
    CHECK(env.exposure(s, 0) == doctest::Approx(0.5).epsilon(0.01));
    CHECK(env.exposure(s, 1) == doctest::Approx(0.5).epsilon(0.01));
  }
}

}  // namespace
}  // namespace agora::testing
