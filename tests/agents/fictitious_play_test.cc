// Fictitious play: the cumulative-counterfactual form is the best response to the opponent's
// empirical mixture (Brown 1951); the first steps of self-play on Shapley's game by hand; the
// empirical frequencies converge in zero-sum games (Robinson 1951) and keep cycling on Shapley's
// game with geometrically growing runs (Shapley 1964); tie-breaking rules.
#include "agents/fictitious_play.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "envs/matrix_game.h"
#include "tests/agents/game_fixture.h"

namespace agora {
namespace {

TEST_CASE("fictitious play = best response to the opponent's empirical distribution") {
  // A random 3 x 4 game and an arbitrary opponent sequence: at every step the learner's action
  // maximises A β_t, β_t the empirical distribution of the opponent's actions so far.
  Rng rng(21);
  boost::random::uniform_01<double> uniform;
  boost::random::uniform_int_distribution<int> opponent(0, 3);
  Eigen::MatrixXd a(3, 4);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) a(i, j) = uniform(rng);
  }
  FictitiousPlayLearner learner(3, TieBreak::kLowest);
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(4);
  for (int t = 0; t < 500; ++t) {
    const int action = learner.select(rng);
    if (t > 0) {
      const Eigen::VectorXd value = a * (counts / t);
      Eigen::Index best;
      value.maxCoeff(&best);
      CHECK(action == best);
    } else {
      CHECK(action == 0);  // U_0 = 0: every action ties, the lowest wins
    }
    const int j = (t % 7 == 0) ? 3 : opponent(rng);
    counts(j) += 1.0;
    learner.update(a.col(j).array(), action);
  }
  CHECK(learner.updates() == 500);
  CHECK(learner.empirical_frequencies().sum() == doctest::Approx(1.0));
}

TEST_CASE("fictitious play on Shapley's game: the first steps by hand") {
  // A = I, B(i, j) = 1 iff j = i + 1 mod 3, ties to the lowest index. Step 1: (0, 0); the
  // column's U becomes B(0, .) = (0, 1, 0), the row's A(., 0) = (1, 0, 0). Steps 2-3: (0, 1);
  // the row's U = (1, 1, 0) then (1, 2, 0). Step 4: (1, 1).
  test::GamePlay play({{"game", "shapley"}}, "fictitious_play", Json::object(), "fictitious_play",
                      Json::object(), 10);
  const std::vector<std::pair<int, int>> expected = {{0, 0}, {0, 1}, {0, 1}, {1, 1}};
  for (const auto& profile : expected) CHECK(play.step() == profile);
  const Json row = play.row->strategy()["agents"][0];
  CHECK(test::to_vector(row["cumulative_payoffs"]) == Eigen::Vector3d(1, 3, 0));
  CHECK(test::to_vector(row["average"]) == Eigen::Vector3d(0.75, 0.25, 0));
  CHECK(test::to_vector(row["current"]) == Eigen::Vector3d(0, 1, 0));
}

struct Run {
  Eigen::VectorXd row_frequencies;
  Eigen::VectorXd column_frequencies;
  double late_max_deviation = 0.0;  // max over t in [T/2, T] of |freq_t − uniform|_∞ (row)
  std::vector<int> run_actions;     // the row's maximal runs of one action
  std::vector<int> run_lengths;
};

Run self_play(const std::string& game, int horizon, const Json& params = Json::object()) {
  test::GamePlay play({{"game", game}}, "fictitious_play", params, "fictitious_play", params,
                      horizon);
  const int n = play.env->roles()[0].action_space.n();
  Run run;
  run.row_frequencies = Eigen::VectorXd::Zero(n);
  run.column_frequencies = Eigen::VectorXd::Zero(n);
  for (int t = 1; t <= horizon; ++t) {
    const auto [i, j] = play.step();
    run.row_frequencies(i) += 1.0;
    run.column_frequencies(j) += 1.0;
    if (t >= horizon / 2) {
      run.late_max_deviation =
          std::max(run.late_max_deviation, (run.row_frequencies / t).array().maxCoeff() - 1.0 / n);
    }
    if (!run.run_actions.empty() && run.run_actions.back() == i) {
      ++run.run_lengths.back();
    } else {
      run.run_actions.push_back(i);
      run.run_lengths.push_back(1);
    }
  }
  run.row_frequencies /= horizon;
  run.column_frequencies /= horizon;
  return run;
}

TEST_CASE("fictitious play converges in zero-sum games (Robinson 1951)") {
  for (const char* game : {"matching_pennies", "rock_paper_scissors"}) {
    for (const char* tie_break : {"lowest", "random"}) {
      INFO(game, " ", tie_break);
      EnvContext context;
      auto env = make_env("matrix_game", {{"game", game}}, context);
      const Eigen::MatrixXd a = dynamic_cast<MatrixGameEnv&>(*env).payoffs(0);
      const Run early = self_play(game, 1000, {{"tie_break", tie_break}});
      const Run late = self_play(game, 16000, {{"tie_break", tie_break}});
      const double gap_early =
          test::duality_gap(a, early.row_frequencies, early.column_frequencies);
      const double gap_late = test::duality_gap(a, late.row_frequencies, late.column_frequencies);
      MESSAGE(std::string(game), " (", std::string(tie_break), "): gap ", gap_early,
              " at T = 1000, ", gap_late, " at T = 16000");
      CHECK(gap_late < gap_early / 2.0);
      CHECK(gap_late < 0.03);
      const int n = static_cast<int>(a.rows());
      CHECK(late.row_frequencies.maxCoeff() - 1.0 / n < 0.01);
      CHECK(late.column_frequencies.maxCoeff() - 1.0 / n < 0.01);
      // Play still cycles (no pure equilibrium), with runs growing slowly: many runs (about
      // sqrt(T)), against O(log T) on Shapley's game below.
      CHECK(late.run_lengths.size() > 50);
    }
  }
}

TEST_CASE("fictitious play does not converge on Shapley's game (Shapley 1964)") {
  const Run medium = self_play("shapley", 10000);
  const Run long_run = self_play("shapley", 100000);
  // The empirical frequencies keep swinging: the largest deviation from the uniform equilibrium
  // over the second half of the run does not shrink with the horizon.
  MESSAGE("late max deviation from uniform: ", medium.late_max_deviation, " (T = 1e4), ",
          long_run.late_max_deviation, " (T = 1e5)");
  CHECK(medium.late_max_deviation > 0.2);
  CHECK(long_run.late_max_deviation > 0.9 * medium.late_max_deviation);
  // The best response cycles 0 → 1 → 2 → 0 with run lengths growing geometrically, so only
  // O(log T) runs happen.
  const auto& actions = long_run.run_actions;
  const auto& lengths = long_run.run_lengths;
  CHECK(lengths.size() < 20);
  for (std::size_t k = 1; k < actions.size(); ++k) {
    CHECK(actions[k] == (actions[k - 1] + 1) % 3);
  }
  for (std::size_t k = 3; k + 1 < lengths.size(); ++k) {  // the last run is cut by the horizon
    INFO("run ", k, ": ", lengths[k - 1], " then ", lengths[k]);
    CHECK(lengths[k] > 1.8 * lengths[k - 1]);
  }
  // The play frequencies are far from the equilibrium, unlike the zero-sum games above.
  CHECK((long_run.row_frequencies.array() - 1.0 / 3).abs().maxCoeff() > 0.1);
}

TEST_CASE("fictitious play: tie-breaking rules") {
  Rng rng(3);
  FictitiousPlayLearner lowest(4, TieBreak::kLowest);
  FictitiousPlayLearner random(4, TieBreak::kRandom);
  const Eigen::ArrayXd payoffs = (Eigen::ArrayXd(4) << 0, 2, 1, 2).finished();
  lowest.update(payoffs, 0);
  random.update(payoffs, 0);
  CHECK(lowest.select(rng) == 1);
  std::vector<int> counts(4, 0);
  const int draws = 4000;
  for (int d = 0; d < draws; ++d) ++counts[random.select(rng)];
  CHECK(counts[0] == 0);
  CHECK(counts[2] == 0);
  CHECK(std::abs(counts[1] - draws / 2) < 150);  // ~4.7 standard deviations
  const Json json = random.to_json();
  CHECK(test::to_vector(json["current"]) == Eigen::Vector4d(0, 0.5, 0, 0.5));
  CHECK(test::to_vector(lowest.to_json()["current"]) == Eigen::Vector4d(0, 1, 0, 0));
}

TEST_CASE("fictitious play: same seed, same play; random ties depend on the seed") {
  auto history = [](const std::string& tie_break, std::uint64_t seed) {
    test::GamePlay play({{"game", "matching_pennies"}}, "fictitious_play",
                        {{"tie_break", tie_break}}, "fictitious_play", {{"tie_break", tie_break}},
                        300, seed);
    std::vector<std::pair<int, int>> out;
    for (int t = 0; t < 300; ++t) out.push_back(play.step());
    return out;
  };
  CHECK(history("random", 1) == history("random", 1));
  CHECK(history("random", 1) != history("random", 2));
  CHECK(history("lowest", 1) == history("lowest", 2));  // deterministic dynamic
}

}  // namespace
}  // namespace agora
