// Regret matching and RM+: the update by hand, the regret bound Δ sqrt(K T) on adversarial and
// stochastic sequences (Cesa-Bianchi & Lugosi 2006, Cor. 2.1 with p = 2; Tammelin et al. 2015
// for RM+), and self-play in the matrix_game env: the time-averaged strategies approach the
// equilibrium of matching pennies and rock-paper-scissors with a duality gap shrinking like
// 1/sqrt(T) (Hart & Mas-Colell 2000; Freund & Schapire 1999).
#include "agents/regret_matching.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <functional>

#include "agents/discrete_learner.h"
#include "core/error.h"
#include "envs/matrix_game.h"
#include "tests/agents/bidder_fixture.h"
#include "tests/agents/game_fixture.h"

namespace agora {
namespace {

using Averaging = RegretMatchingLearner::Averaging;

Eigen::ArrayXd array(std::initializer_list<double> values) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(values.size()));
  Eigen::Index k = 0;
  for (double v : values) a(k++) = v;
  return a;
}

TEST_CASE("regret matching: the update by hand, RM vs RM+") {
  RegretMatchingLearner rm(3, false);
  RegretMatchingLearner plus(3, true);
  CHECK(rm.strategy().isApprox(Eigen::ArrayXd::Constant(3, 1.0 / 3)));
  // From uniform, payoffs (1, 0, 0): σ·u = 1/3, regrets (2/3, −1/3, −1/3); RM+ clips to 0.
  for (auto* learner : {&rm, &plus}) learner->update(array({1, 0, 0}));
  CHECK(rm.regrets().isApprox(array({2.0 / 3, -1.0 / 3, -1.0 / 3})));
  CHECK(plus.regrets().isApprox(array({2.0 / 3, 0, 0})));
  CHECK(rm.strategy().isApprox(array({1, 0, 0})));
  CHECK(plus.strategy().isApprox(array({1, 0, 0})));
  // Playing (1, 0, 0), payoffs (0, 1, 0): σ·u = 0; RM regrets (2/3, 2/3, −1/3) → (1/2, 1/2, 0);
  // RM+ (2/3, 1, 0) → (2/5, 3/5, 0).
  for (auto* learner : {&rm, &plus}) learner->update(array({0, 1, 0}));
  CHECK(rm.strategy().isApprox(array({0.5, 0.5, 0})));
  CHECK(plus.strategy().isApprox(array({0.4, 0.6, 0})));
  // Averages of the strategies played: uniform weights (1/3,1/3,1/3) and (1,0,0).
  CHECK(rm.average_strategy().isApprox(array({2.0 / 3, 1.0 / 6, 1.0 / 6})));
  RegretMatchingLearner linear(3, false, Averaging::kLinear);
  linear.update(array({1, 0, 0}));
  linear.update(array({0, 1, 0}));
  // Weights 1 and 2: (1/3 + 2, 1/3, 1/3) / 3.
  CHECK(linear.average_strategy().isApprox(array({7.0 / 9, 1.0 / 9, 1.0 / 9})));
  // No positive regret: uniform.
  RegretMatchingLearner flat(2, false);
  flat.update(array({1, 1}));
  CHECK(flat.strategy().isApprox(array({0.5, 0.5})));
}

// The expected external regret max_k Σ u_t(k) − Σ σ_t·u_t of a learner on `payoffs(t, σ_t)`.
double regret(RegretMatchingLearner learner, int horizon,
              const std::function<Eigen::ArrayXd(int, const Eigen::ArrayXd&)>& payoffs) {
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(learner.actions());
  double earned = 0.0;
  for (int t = 0; t < horizon; ++t) {
    const Eigen::ArrayXd u = payoffs(t, learner.strategy());
    earned += (learner.strategy() * u).sum();
    cumulative += u;
    learner.update(u);
  }
  return cumulative.maxCoeff() - earned;
}

TEST_CASE("regret matching and RM+: regret within Δ sqrt(K T) on adversarial sequences") {
  const int arms = 5;
  const int horizon = 4000;
  for (bool plus : {false, true}) {
    INFO("plus = ", plus);
    const RegretMatchingLearner learner(arms, plus);
    SUBCASE("adaptive adversary pays the least likely action") {
      const double r = regret(learner, horizon, [&](int, const Eigen::ArrayXd& p) {
        Eigen::ArrayXd u = Eigen::ArrayXd::Zero(arms);
        Eigen::Index least;
        p.minCoeff(&least);
        u(least) = 1.0;
        return u;
      });
      CHECK(r <= std::sqrt(arms * horizon));
      CHECK(r >= 0.0);
    }
    SUBCASE("the best action switches at T/2 and 3T/4 (RM's slow recovery)") {
      const double r = regret(learner, horizon, [&](int t, const Eigen::ArrayXd&) {
        Eigen::ArrayXd u = Eigen::ArrayXd::Constant(arms, 0.3);
        u(t < horizon / 2 ? 0 : (t < 3 * horizon / 4 ? 1 : 2)) = 1.0;
        return u;
      });
      CHECK(r <= std::sqrt(arms * horizon));
    }
    SUBCASE("stochastic payoffs in [−2, 3]: Δ = 5") {
      Rng rng(5);
      boost::random::uniform_01<double> uniform;
      const double r = regret(learner, horizon, [&](int, const Eigen::ArrayXd&) {
        Eigen::ArrayXd u(arms);
        for (int k = 0; k < arms; ++k) u(k) = -2.0 + 5.0 * uniform(rng) * (0.9 + 0.025 * k);
        return u;
      });
      CHECK(r <= 5.0 * std::sqrt(arms * horizon));
    }
    SUBCASE("the best action alternates every step") {
      const double r =
          regret(RegretMatchingLearner(2, plus), horizon, [&](int t, const Eigen::ArrayXd&) {
            return t % 2 ? array({0, 1}) : array({1, 0});
          });
      CHECK(r <= std::sqrt(2.0 * horizon));
    }
  }
}

TEST_CASE("regret matching: ConfigErrors for bandit feedback and Box actions") {
  const RoleSpec box = test::bidder_role(1, "bid", 1.0, 0.0, 1.0, Feedback::kFull);
  try {
    make_policy("regret_matching", Json::object(), test::context(box, {0}));
    FAIL("a Box action space was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "agents.bidder[0].type");
    CHECK(std::string(e.what()).find("Discrete") != std::string::npos);
  }
  EnvContext context;
  auto env =
      make_env("matrix_game", {{"game", "matching_pennies"}, {"feedback", "bandit"}}, context);
  for (const char* type :
       {"regret_matching", "fictitious_play", "replicator_dynamics", "best_response"}) {
    INFO(type);
    try {
      make_policy(type, Json::object(), test::game_context(*env, 0, 10, 1));
      FAIL("bandit feedback was accepted");
    } catch (const ConfigError& e) {
      CHECK(e.path() == "agents.row[0].type");
      CHECK(std::string(e.what()).find("full-information") != std::string::npos);
    }
  }
  auto full = make_env("matrix_game", {{"game", "matching_pennies"}}, context);
  CHECK_THROWS_AS(
      make_policy("regret_matching", {{"plus", 1}}, test::game_context(*full, 0, 10, 1)),
      ConfigError);
}

// Mean over seeds of the duality gap of the time-averaged strategies after `horizon` steps of
// self-play.
double self_play_gap(const std::string& game, bool plus, int horizon, int seeds) {
  double total = 0.0;
  for (int seed = 1; seed <= seeds; ++seed) {
    test::GamePlay play({{"game", game}}, "regret_matching", {{"plus", plus}}, "regret_matching",
                        {{"plus", plus}}, horizon, static_cast<std::uint64_t>(seed));
    for (int t = 0; t < horizon; ++t) play.step();
    const Eigen::VectorXd x = test::to_vector(play.row->strategy()["agents"][0]["average"]);
    const Eigen::VectorXd y = test::to_vector(play.column->strategy()["agents"][0]["average"]);
    total += test::duality_gap(dynamic_cast<MatrixGameEnv&>(*play.env).payoffs(0), x, y);
  }
  return total / seeds;
}

TEST_CASE("regret matching self-play: average strategies approach equilibrium at ~1/sqrt(T)") {
  // Each player's regret is at most Δ sqrt(K T) against the realised play, so the averages
  // form a (2 Δ sqrt(K / T) + sampling noise)-equilibrium: the gap shrinks like 1/sqrt(T), a
  // factor 4 from T to 16 T. Mean over 12 seeds; the factor is checked within [2.5, 6.5].
  const int seeds = 12;
  const int short_horizon = 1000;
  const int long_horizon = 16000;
  for (const char* game : {"matching_pennies", "rock_paper_scissors"}) {
    const int k = std::string(game) == "matching_pennies" ? 2 : 3;
    const double delta = 2.0;  // payoffs in [−1, 1]
    for (bool plus : {false, true}) {
      const std::string name = std::string(game) + (plus ? " RM+" : " RM");
      INFO(name);
      const double early = self_play_gap(game, plus, short_horizon, seeds);
      const double late = self_play_gap(game, plus, long_horizon, seeds);
      MESSAGE(name, ": gap ", early, " at T = 1000, ", late, " at T = 16000 (ratio ", early / late,
              ")");
      CHECK(early / late > 2.5);
      CHECK(early / late < 6.5);
      CHECK(late <= 2.0 * delta * std::sqrt(k / static_cast<double>(long_horizon)));
      CHECK(early <= 2.0 * delta * std::sqrt(k / static_cast<double>(short_horizon)));
    }
  }
}

TEST_CASE("regret matching in the env: strategy report, determinism, uniform start") {
  auto run = [](std::uint64_t seed) {
    test::GamePlay play({{"game", "rock_paper_scissors"}}, "regret_matching",
                        {{"plus", true}, {"averaging", "linear"}}, "regret_matching",
                        Json::object(), 200, seed);
    std::vector<std::pair<int, int>> history;
    for (int t = 0; t < 200; ++t) history.push_back(play.step());
    return std::make_pair(history, play.row->strategy());
  };
  const auto [history, strategy] = run(3);
  CHECK(run(3).first == history);
  CHECK(run(4).first != history);
  CHECK(strategy["algorithm"] == "regret_matching");
  CHECK(strategy["actions"] == 3);
  const Json& agent = strategy["agents"][0];
  CHECK(agent["agent"] == 0);
  const Eigen::VectorXd current = test::to_vector(agent["current"]);
  CHECK(current.sum() == doctest::Approx(1.0));
  CHECK(test::to_vector(agent["average"]).sum() == doctest::Approx(1.0));
  CHECK(test::to_vector(agent["regrets"]).minCoeff() >= 0.0);  // RM+
}

}  // namespace
}  // namespace agora
