// Best response to the last step (Cournot adjustment): hand-worked dynamics — the period-4 cycle
// of matching pennies, immediate defection in the prisoner's dilemma, perpetual miscoordination
// in a coordination game started off the diagonal, absorbing strict equilibria — plus
// tie-breaking, the random first action and config errors.
#include "agents/best_response.h"

#include <doctest/doctest.h>

#include <vector>

#include "core/error.h"
#include "tests/agents/game_fixture.h"

namespace agora {
namespace {

std::vector<std::pair<int, int>> play(const std::string& game, const Json& row_params,
                                      const Json& column_params, int steps,
                                      std::uint64_t seed = 1) {
  test::GamePlay game_play({{"game", game}}, "best_response", row_params, "best_response",
                           column_params, steps, seed);
  std::vector<std::pair<int, int>> out;
  for (int t = 0; t < steps; ++t) out.push_back(game_play.step());
  return out;
}

TEST_CASE("best response in matching pennies: the period-4 cycle") {
  // Row wants to match, column to mismatch. From (0, 0): the column switches to 1; the row
  // follows to 1; the column switches to 0; the row follows to 0: (0,0) (0,1) (1,1) (1,0) ...
  const auto history =
      play("matching_pennies", {{"initial_action", 0}}, {{"initial_action", 0}}, 12);
  const std::vector<std::pair<int, int>> cycle = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
  for (int t = 0; t < 12; ++t) CHECK(history[t] == cycle[t % 4]);
}

TEST_CASE("best response in the prisoner's dilemma: defect from the second step on") {
  for (int start : {0, 1}) {
    const auto history =
        play("prisoners_dilemma", {{"initial_action", start}}, {{"initial_action", 0}}, 20);
    CHECK(history[0] == std::make_pair(start, 0));
    for (int t = 1; t < 20; ++t) CHECK(history[t] == std::make_pair(1, 1));
  }
}

TEST_CASE("best response in a coordination game") {
  SUBCASE("started off the diagonal: the players swap and miscoordinate forever") {
    const auto history = play("coordination", {{"initial_action", 0}}, {{"initial_action", 1}}, 10);
    for (int t = 0; t < 10; ++t) {
      CHECK(history[t] == (t % 2 ? std::make_pair(1, 0) : std::make_pair(0, 1)));
    }
  }
  SUBCASE("a strict equilibrium is absorbing") {
    for (int a : {0, 1}) {
      const auto history =
          play("coordination", {{"initial_action", a}}, {{"initial_action", a}}, 10);
      for (const auto& profile : history) CHECK(profile == std::make_pair(a, a));
    }
  }
}

TEST_CASE("best response: tie-breaking, the random first action, strategy report") {
  Rng rng(9);
  BestResponseLearner lowest(3, TieBreak::kLowest, 2);
  BestResponseLearner random(3, TieBreak::kRandom);
  CHECK(lowest.select(rng) == 2);  // initial_action
  std::vector<int> first(3, 0);
  for (int d = 0; d < 3000; ++d) ++first[random.select(rng)];
  for (int k = 0; k < 3; ++k) CHECK(std::abs(first[k] - 1000) < 130);  // ~4.5 sd
  const Eigen::ArrayXd payoffs = (Eigen::ArrayXd(3) << 1, 0, 1).finished();
  lowest.update(payoffs, 2);
  random.update(payoffs, 1);
  CHECK(lowest.select(rng) == 0);
  std::vector<int> counts(3, 0);
  for (int d = 0; d < 3000; ++d) ++counts[random.select(rng)];
  CHECK(counts[1] == 0);
  CHECK(std::abs(counts[0] - 1500) < 130);
  const Json json = random.to_json();
  CHECK(test::to_vector(json["current"]) == Eigen::Vector3d(0.5, 0, 0.5));
  CHECK(test::to_vector(json["average"]) == Eigen::Vector3d(0, 1, 0));
  // The first action with initial_action null depends on the seed, and only on it.
  std::vector<int> starts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto h = play("rock_paper_scissors", Json::object(), Json::object(), 1, seed);
    CHECK(h == play("rock_paper_scissors", Json::object(), Json::object(), 1, seed));
    starts.push_back(h[0].first);
  }
  CHECK(std::count(starts.begin(), starts.end(), starts[0]) < 20);
}

TEST_CASE("best response: initial_action outside the action space is a ConfigError") {
  EnvContext context;
  auto env = make_env("matrix_game", {{"game", "matching_pennies"}}, context);
  try {
    make_policy("best_response", {{"initial_action", 2}}, test::game_context(*env, 0, 10, 1));
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "agents.row[0].params.initial_action");
  }
  CHECK_THROWS_AS(
      make_policy("best_response", {{"initial_action", -1}}, test::game_context(*env, 0, 10, 1)),
      ConfigError);
  CHECK_THROWS_AS(
      make_policy("best_response", {{"tie_break", "first"}}, test::game_context(*env, 0, 10, 1)),
      ConfigError);
}

}  // namespace
}  // namespace agora
