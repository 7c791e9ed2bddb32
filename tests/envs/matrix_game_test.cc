// The `matrix_game` env: conformance for every preset and a non-square custom game, a
// hand-worked prisoner's dilemma sequence (payoffs, observations, metrics, counterfactuals),
// config errors for malformed matrices, and the theory: values and optimal strategies of
// zero-sum games (von Neumann 1928; Shapley & Snow 1950) checked against closed forms and a
// brute-force maximin for 2 x n games, iterated strict dominance, predicted metrics.
#include "envs/matrix_game.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/env_registry.h"
#include "tests/envs/conformance.h"

namespace agora::testing {
namespace {

std::unique_ptr<Env> make_game(const Json& params, std::int64_t horizon = 20) {
  EnvContext context;
  context.horizon = horizon;
  return make_env("matrix_game", params, context);
}

MatrixGameEnv& as_game(Env& env) { return dynamic_cast<MatrixGameEnv&>(env); }

// The ConfigError path (and message) of building the env with `params`, or "" if none.
std::string error_path(const Json& params, std::string* message = nullptr) {
  try {
    make_game(params);
  } catch (const ConfigError& e) {
    if (message) *message = e.what();
    return e.path();
  }
  return "";
}

const Json kCustom = {{"row_payoffs", {{1.0, -2.5, 0.0}, {3.0, 0.5, -1.0}}},
                      {"column_payoffs", {{0.0, 2.0, 1.0}, {-1.0, 0.25, 4.0}}}};

TEST_CASE("matrix_game passes the conformance harness") {
  ConformanceOptions options;
  options.expect_seed_dependence = false;  // no randomness: payoffs are deterministic
  options.invalid_action_agents = 1;
  std::vector<Json> setups;
  for (const auto& game : MatrixGameEnv::preset_names()) {
    for (const char* feedback : {"full", "bandit"}) {
      for (const char* observation : {"actions", "profile"}) {
        setups.push_back({{"game", game}, {"feedback", feedback}, {"observation", observation}});
      }
    }
  }
  for (const char* observation : {"actions", "profile"}) {
    Json params = kCustom;
    params["observation"] = observation;
    setups.push_back(params);
  }
  setups.push_back({{"row_payoffs", {{1, 2, 3, 4}}}});  // 1 x 4, zero-sum
  for (const Json& params : setups) {
    INFO(params.dump());
    for (std::int64_t horizon : {1, 40}) {
      check_env_conformance([&] { return make_game(params, horizon); }, options);
    }
  }
}

TEST_CASE("prisoner's dilemma: hand-worked payoffs, observations, metrics and counterfactuals") {
  auto env = make_game({{"game", "prisoners_dilemma"}}, 4);
  REQUIRE(env->roles().size() == 2);
  CHECK(env->roles()[0].name == "row");
  CHECK(env->roles()[1].name == "column");
  CHECK(env->roles()[0].feedback == Feedback::kFull);
  CHECK(env->roles()[0].action_space.kind() == Space::Kind::kDiscrete);
  CHECK(env->roles()[0].action_space.n() == 2);
  CHECK(env->roles()[0].observation_space.labels() ==
        std::vector<std::string>{"opponent_last_action", "own_last_action"});
  CHECK(env->metric_names() == std::vector<std::string>{"row_payoff", "column_payoff", "welfare",
                                                        "row_action_0", "row_action_1",
                                                        "column_action_0", "column_action_1"});

  const StepResult& first = env->reset(5);
  CHECK(first.roles[0].observations(0, 0) == -1.0);
  CHECK(first.roles[0].observations(0, 1) == -1.0);
  CHECK(first.roles[1].active(0));

  // (C, C), (C, D), (D, C), (D, D) with C = 0, D = 1: payoffs (3,3), (0,5), (5,0), (1,1).
  const int profiles[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const double expected[4][2] = {{3, 3}, {0, 5}, {5, 0}, {1, 1}};
  // Counterfactuals [C, D] against the opponent's action: row A(., j), column B(i, .).
  const double row_cf[4][2] = {{3, 5}, {0, 1}, {3, 5}, {0, 1}};
  const double col_cf[4][2] = {{3, 5}, {3, 5}, {0, 1}, {0, 1}};
  RowBatch candidates(2, 1);
  candidates << 0, 1;
  Eigen::ArrayXd out(2);
  for (int t = 0; t < 4; ++t) {
    const int i = profiles[t][0], j = profiles[t][1];
    std::vector<RowBatch> actions = {RowBatch::Constant(1, 1, i), RowBatch::Constant(1, 1, j)};
    const StepResult& r = env->step(actions);
    INFO("step ", t);
    CHECK(r.roles[0].rewards(0) == expected[t][0]);
    CHECK(r.roles[1].rewards(0) == expected[t][1]);
    CHECK(r.metrics(0) == expected[t][0]);
    CHECK(r.metrics(1) == expected[t][1]);
    CHECK(r.metrics(2) == expected[t][0] + expected[t][1]);
    CHECK(r.metrics(3) == (i == 0));
    CHECK(r.metrics(4) == (i == 1));
    CHECK(r.metrics(5) == (j == 0));
    CHECK(r.metrics(6) == (j == 1));
    CHECK(r.roles[0].observations(0, 0) == j);  // opponent's last action, then own
    CHECK(r.roles[0].observations(0, 1) == i);
    CHECK(r.roles[1].observations(0, 0) == i);
    CHECK(r.roles[1].observations(0, 1) == j);
    env->counterfactuals(0)->counterfactual_rewards(0, candidates, out);
    CHECK(out(0) == row_cf[t][0]);
    CHECK(out(1) == row_cf[t][1]);
    env->counterfactuals(1)->counterfactual_rewards(0, candidates, out);
    CHECK(out(0) == col_cf[t][0]);
    CHECK(out(1) == col_cf[t][1]);
    CHECK(r.episode_over == (t == 3));
  }
}

TEST_CASE("a non-square custom game: spaces, profile observations, zero-sum default") {
  Json params = kCustom;
  params["observation"] = "profile";
  auto env = make_game(params, 10);
  CHECK(env->roles()[0].action_space.n() == 2);
  CHECK(env->roles()[1].action_space.n() == 3);
  CHECK(env->roles()[0].observation_space.kind() == Space::Kind::kDiscrete);
  CHECK(env->roles()[0].observation_space.n() == 7);  // 2 x 3 profiles + "none yet"
  CHECK(env->metric_names().size() == 3 + 2 + 3);
  CHECK(env->metric_names().back() == "column_action_2");
  CHECK(env->reset(1).roles[1].observations(0, 0) == 0.0);
  const StepResult& r = env->step({RowBatch::Constant(1, 1, 1), RowBatch::Constant(1, 1, 2)});
  CHECK(r.roles[0].observations(0, 0) == 1 + 1 * 3 + 2);
  CHECK(r.roles[1].observations(0, 0) == 6.0);
  CHECK(r.roles[0].rewards(0) == -1.0);
  CHECK(r.roles[1].rewards(0) == 4.0);
  CHECK(r.metrics(2) == 3.0);

  auto zero_sum = make_game({{"row_payoffs", {{1, 2}, {3, 4}}}});
  CHECK(as_game(*zero_sum).payoffs(1).isApprox(-as_game(*zero_sum).payoffs(0)));
  // Box observations: bounds [-1, K-1] for the opponent's and own action.
  CHECK(zero_sum->roles()[0].observation_space.high()(0) == 1.0);

  auto actions_env = make_game(kCustom);
  CHECK(actions_env->roles()[0].observation_space.high()(0) == 2.0);  // column has 3 actions
  CHECK(actions_env->roles()[0].observation_space.high()(1) == 1.0);
  CHECK(actions_env->roles()[1].observation_space.high()(0) == 1.0);
  CHECK(actions_env->roles()[1].observation_space.high()(1) == 2.0);
}

TEST_CASE("bandit feedback hides the counterfactuals from learners, not from diagnostics") {
  auto env = make_game({{"game", "matching_pennies"}, {"feedback", "bandit"}});
  CHECK(env->roles()[0].feedback == Feedback::kBandit);
  CHECK(env->counterfactuals(0) == nullptr);
  CHECK(env->counterfactuals(1) == nullptr);
  CHECK(env->counterfactual_oracle(0) != nullptr);
  CHECK(env->counterfactual_oracle(1) != nullptr);
}

TEST_CASE("malformed payoff matrices are ConfigErrors naming the path") {
  std::string message;
  CHECK(error_path({{"row_payoffs", {{1, 2}, {3}}}}, &message) == "env.params.row_payoffs[1]");
  CHECK(message.find("rectangular") != std::string::npos);
  CHECK(error_path({{"row_payoffs", Json::array()}}) == "env.params.row_payoffs");
  CHECK(error_path({{"row_payoffs", {Json::array()}}}) == "env.params.row_payoffs[0]");
  CHECK(error_path({{"row_payoffs", {{1, 2}, {3, "x"}}}}) == "env.params.row_payoffs[1][1]");
  CHECK(error_path({{"row_payoffs", 3}}) == "env.params.row_payoffs");
  CHECK(error_path({{"row_payoffs", {1, 2}}}) == "env.params.row_payoffs[0]");
  CHECK(error_path({{"row_payoffs", {{1, std::nan("")}}}}, &message) ==
        "env.params.row_payoffs[0][1]");
  CHECK(message.find("not finite") != std::string::npos);
  CHECK(error_path({{"row_payoffs", {{1, 2}}},
                    {"column_payoffs", {{1, std::numeric_limits<double>::infinity()}}}}) ==
        "env.params.column_payoffs[0][1]");
  CHECK(error_path({{"row_payoffs", {{1, 2}, {3, 4}}}, {"column_payoffs", {{1, 2, 3}, {4, 5, 6}}}},
                   &message) == "env.params.column_payoffs");
  CHECK(message.find("2 x 3 but row_payoffs is 2 x 2") != std::string::npos);
  CHECK(error_path({{"column_payoffs", {{1}}}}) == "env.params.game");  // no row payoffs
  CHECK(error_path(Json::object(), &message) == "env.params.game");
  CHECK(message.find("row_payoffs") != std::string::npos);
  CHECK(error_path({{"game", "shapley"}, {"row_payoffs", {{1}}}}) == "env.params.row_payoffs");
  CHECK(error_path({{"game", "shapley"}, {"column_payoffs", {{1}}}}) ==
        "env.params.column_payoffs");
  CHECK(error_path({{"game", "shapely"}}, &message) == "env.params.game");
  CHECK(message.find("did you mean 'shapley'") != std::string::npos);
  CHECK(error_path({{"game", "shapley"}, {"feedback", "partial"}}) == "env.params.feedback");
  CHECK(error_path({{"game", "shapley"}, {"payoffs", 1}}) == "env.params.payoffs");
}

// ---------------------------------------------------------------------------------------------
// Theory.

Eigen::MatrixXd mat(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.begin()->size()));
  int i = 0;
  for (const auto& row : rows) {
    int j = 0;
    for (double x : row) m(i, j++) = x;
    ++i;
  }
  return m;
}

void check_optimal(const Eigen::MatrixXd& a, const MatrixGameSolution& s) {
  for (const auto& x : s.row_strategies) {
    CHECK(x.minCoeff() >= 0.0);
    CHECK(x.sum() == doctest::Approx(1.0));
    CHECK((a.transpose() * x).minCoeff() >= s.value - 1e-9);  // guarantees v against any column
  }
  for (const auto& y : s.column_strategies) {
    CHECK(y.minCoeff() >= 0.0);
    CHECK(y.sum() == doctest::Approx(1.0));
    CHECK((a * y).maxCoeff() <= s.value + 1e-9);
  }
}

TEST_CASE("solve_zero_sum: closed forms of 2x2 games, saddle points, non-unique optima") {
  SUBCASE("matching pennies: value 0, (1/2, 1/2)") {
    const auto s = solve_zero_sum(mat({{1, -1}, {-1, 1}}));
    REQUIRE(s);
    CHECK(s->value == doctest::Approx(0.0));
    REQUIRE(s->row_unique());
    REQUIRE(s->column_unique());
    CHECK(s->row_strategies[0](0) == doctest::Approx(0.5));
    CHECK(s->column_strategies[0](0) == doctest::Approx(0.5));
  }
  SUBCASE("no saddle point: v = (ad − bc) / (a + d − b − c), x = (d − c) / (a + d − b − c)") {
    const Eigen::MatrixXd a = mat({{2, -1}, {-1, 1}});
    const auto s = solve_zero_sum(a);
    REQUIRE(s);
    CHECK(s->value == doctest::Approx(0.2));
    REQUIRE(s->row_unique());
    CHECK(s->row_strategies[0](0) == doctest::Approx(0.4));
    CHECK(s->column_strategies[0](0) == doctest::Approx(0.4));
    check_optimal(a, *s);
  }
  SUBCASE("saddle point (1, 1) with value 2") {
    const auto s = solve_zero_sum(mat({{3, 1}, {4, 2}}));
    REQUIRE(s);
    CHECK(s->value == doctest::Approx(2.0));
    REQUIRE(s->row_unique());
    REQUIRE(s->column_unique());
    CHECK(s->row_strategies[0](1) == doctest::Approx(1.0));
    CHECK(s->column_strategies[0](1) == doctest::Approx(1.0));
  }
  SUBCASE("column indifferent: its optimal set is the whole simplex (two extreme points)") {
    const Eigen::MatrixXd a = mat({{1, 1}, {0, 0}});
    const auto s = solve_zero_sum(a);
    REQUIRE(s);
    CHECK(s->value == doctest::Approx(1.0));
    REQUIRE(s->row_unique());
    CHECK(s->row_strategies[0](0) == doctest::Approx(1.0));
    CHECK(s->column_strategies.size() == 2);
    check_optimal(a, *s);
  }
  SUBCASE("rock-paper-scissors and a weighted variant") {
    const auto s = solve_zero_sum(mat({{0, -1, 1}, {1, 0, -1}, {-1, 1, 0}}));
    REQUIRE(s);
    CHECK(s->value == doctest::Approx(0.0));
    REQUIRE(s->row_unique());
    for (int k = 0; k < 3; ++k) CHECK(s->row_strategies[0](k) == doctest::Approx(1.0 / 3));
    // Rock beating scissors pays 2: the indifference conditions x^T w = v 1 and w y = v 1 give
    // v = 1/12, x = (1/4, 5/12, 1/3), y = (1/3, 5/12, 1/4).
    const Eigen::MatrixXd w = mat({{0, -1, 2}, {1, 0, -1}, {-1, 1, 0}});
    const auto sw = solve_zero_sum(w);
    REQUIRE(sw);
    CHECK(sw->value == doctest::Approx(1.0 / 12));
    REQUIRE(sw->row_unique());
    REQUIRE(sw->column_unique());
    CHECK(sw->row_strategies[0](0) == doctest::Approx(1.0 / 4));
    CHECK(sw->row_strategies[0](1) == doctest::Approx(5.0 / 12));
    CHECK(sw->column_strategies[0](0) == doctest::Approx(1.0 / 3));
    CHECK(sw->column_strategies[0](2) == doctest::Approx(1.0 / 4));
    check_optimal(w, *sw);
  }
  SUBCASE("too many submatrices: no answer") {
    CHECK_FALSE(solve_zero_sum(Eigen::MatrixXd::Ones(10, 10), 1000));
  }
}

// max_p min_j [p a(0, j) + (1 − p) a(1, j)]: the maximum of the lower envelope of n lines on
// [0, 1] is at an end or where two lines cross.
double maximin_2xn(const Eigen::MatrixXd& a) {
  std::vector<double> candidates = {0.0, 1.0};
  for (int j = 0; j < a.cols(); ++j) {
    for (int k = j + 1; k < a.cols(); ++k) {
      const double sj = a(0, j) - a(1, j), sk = a(0, k) - a(1, k);
      if (sj == sk) continue;
      const double p = (a(1, k) - a(1, j)) / (sj - sk);
      if (p > 0.0 && p < 1.0) candidates.push_back(p);
    }
  }
  double best = -std::numeric_limits<double>::infinity();
  for (double p : candidates) {
    best = std::max(best, (p * a.row(0) + (1.0 - p) * a.row(1)).minCoeff());
  }
  return best;
}

TEST_CASE("solve_zero_sum: random games against brute force and the definition") {
  Rng rng(11);
  boost::random::uniform_real_distribution<double> payoff(-3.0, 3.0);
  boost::random::uniform_int_distribution<int> small(-2, 2);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + trial % 5;
    Eigen::MatrixXd a(2, n);
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < n; ++j) a(i, j) = trial % 2 ? payoff(rng) : small(rng);  // ties too
    }
    const auto s = solve_zero_sum(a);
    REQUIRE(s);
    INFO(a);
    CHECK(s->value == doctest::Approx(maximin_2xn(a)).epsilon(1e-9));
    check_optimal(a, *s);
  }
  for (int trial = 0; trial < 50; ++trial) {
    const int m = 2 + trial % 4, n = 2 + (trial / 4) % 4;
    Eigen::MatrixXd a(m, n);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) a(i, j) = trial % 2 ? payoff(rng) : small(rng);
    }
    const auto s = solve_zero_sum(a);
    REQUIRE(s);
    INFO(a);
    check_optimal(a, *s);  // optimal for both sides: the value is the game's value
  }
}

TEST_CASE("dominance_solution: iterated strict dominance") {
  const auto pd = dominance_solution(mat({{3, 0}, {5, 1}}), mat({{3, 5}, {0, 1}}));
  REQUIRE(pd);
  CHECK(pd->first == 1);
  CHECK(pd->second == 1);
  // Column 2 is dominated by column 1 for the column player; then row 0 dominates row 1 (not
  // before: 0 < 5 in column 2); then the column player picks column 0 against row 0.
  const Eigen::MatrixXd a = mat({{1, 3, 0}, {0, 2, 5}});
  const Eigen::MatrixXd b = mat({{3, 1, 0}, {0, 2, 1}});
  const auto solved = dominance_solution(a, b);
  REQUIRE(solved);
  CHECK(solved->first == 0);
  CHECK(solved->second == 0);
  const Eigen::MatrixXd rps = mat({{0, -1, 1}, {1, 0, -1}, {-1, 1, 0}});
  CHECK_FALSE(dominance_solution(rps, -rps));
}

TEST_CASE("predicted metrics and strategies") {
  SUBCASE("rock-paper-scissors: value 0, uniform play") {
    auto env = make_game({{"game", "rock_paper_scissors"}});
    const Json p = env->predicted_metrics();
    CHECK(p.at("row_payoff").get<double>() == doctest::Approx(0.0));
    CHECK(p.at("welfare").get<double>() == doctest::Approx(0.0));
    for (int k = 0; k < 3; ++k) {
      CHECK(p.at("row_action_" + std::to_string(k)).get<double>() == doctest::Approx(1.0 / 3));
      CHECK(p.at("column_action_" + std::to_string(k)).get<double>() == doctest::Approx(1.0 / 3));
    }
    CHECK(p.at("note").get<std::string>().find("zero-sum") != std::string::npos);
    const Json s = env->predicted_strategies();
    CHECK(s.at("equilibrium").at("row").size() == 3);
  }
  SUBCASE("prisoner's dilemma: (defect, defect), payoffs (1, 1)") {
    const Json p = make_game({{"game", "prisoners_dilemma"}})->predicted_metrics();
    CHECK(p.at("row_payoff").get<double>() == 1.0);
    CHECK(p.at("welfare").get<double>() == 2.0);
    CHECK(p.at("row_action_1").get<double>() == 1.0);
    CHECK(p.at("column_action_0").get<double>() == 0.0);
  }
  SUBCASE("shapley: the uniform equilibrium, payoffs 1/3") {
    auto env = make_game({{"game", "shapley"}});
    const Json p = env->predicted_metrics();
    CHECK(p.at("row_payoff").get<double>() == doctest::Approx(1.0 / 3));
    CHECK(p.at("column_action_2").get<double>() == doctest::Approx(1.0 / 3));
    // Uniform is an equilibrium: every action earns 1/3 against it, for both players.
    const MatrixGameEnv& g = as_game(*env);
    const Eigen::VectorXd u = Eigen::VectorXd::Constant(3, 1.0 / 3);
    CHECK((g.payoffs(0) * u).isApprox(u));
    CHECK((g.payoffs(1).transpose() * u).isApprox(u));
  }
  SUBCASE("coordination: only a note (several equilibria)") {
    const Json p = make_game({{"game", "coordination"}})->predicted_metrics();
    CHECK(p.size() == 1);
    CHECK(p.contains("note"));
  }
  SUBCASE("constant-sum custom game: welfare is the constant") {
    const Json p =
        make_game({{"row_payoffs", {{1, 0}, {0, 1}}}, {"column_payoffs", {{0, 1}, {1, 0}}}})
            ->predicted_metrics();
    CHECK(p.at("row_payoff").get<double>() == doctest::Approx(0.5));
    CHECK(p.at("column_payoff").get<double>() == doctest::Approx(0.5));
    CHECK(p.at("welfare").get<double>() == doctest::Approx(1.0));
  }
  SUBCASE("non-unique optimal strategies: frequencies only where unique") {
    const Json p = make_game({{"row_payoffs", {{1, 1}, {0, 0}}}})->predicted_metrics();
    CHECK(p.at("row_payoff").get<double>() == doctest::Approx(1.0));
    CHECK(p.at("row_action_0").get<double>() == doctest::Approx(1.0));
    CHECK_FALSE(p.contains("column_action_0"));
  }
  SUBCASE("a general game without a prediction") {
    auto env = make_game({{"row_payoffs", {{2, 0}, {0, 1}}}, {"column_payoffs", {{1, 0}, {0, 2}}}});
    CHECK(env->predicted_metrics().empty());
    CHECK(env->predicted_strategies().empty());
  }
}

}  // namespace
}  // namespace agora::testing
