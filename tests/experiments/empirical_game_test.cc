// Meta-games: solvers on games with known equilibria, the role-symmetric deviation payoffs, and
// an empirical auction game whose payoffs are known in closed form.
#include "experiments/empirical_game.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/error.h"

namespace agora {
namespace {

using Method = MetaSolverOptions::Method;

MetaSolution solve(const MetaGame& game, Method method, int iterations = 20000) {
  MetaSolverOptions options;
  options.method = method;
  options.iterations = iterations;
  return solve_meta_game(game, options);
}

TEST_CASE("meta-game solvers find the mixed equilibrium of matching pennies") {
  Eigen::MatrixXd row(2, 2);
  row << 1, -1, -1, 1;
  const MetaGame game = MetaGame::bimatrix(row, -row);
  CHECK(game.profile_count() == 4);
  CHECK(game.complete());
  const MetaSolution exact = solve(game, Method::kSupportEnumeration);
  CHECK(exact.method == "support_enumeration");
  for (const auto& x : exact.mixture) {
    CHECK(x(0) == doctest::Approx(0.5));
    CHECK(x(1) == doctest::Approx(0.5));
  }
  CHECK(std::fabs(exact.nash_conv) < 1e-12);
  CHECK(solve(game, Method::kAuto).method == "support_enumeration");
  // Iterative solvers: time averages converge in zero-sum games.
  for (const Method method : {Method::kReplicatorDynamics, Method::kRegretMatching}) {
    const MetaSolution approx = solve(game, method);
    CAPTURE(approx.method);
    CHECK(approx.nash_conv < 0.02);
    CHECK(std::fabs(approx.mixture[0](0) - 0.5) < 0.02);
    CHECK(std::fabs(approx.mixture[1](0) - 0.5) < 0.02);
  }
  // A pure profile of matching pennies: the loser gains 2 by switching.
  CHECK(game.nash_conv({Eigen::Vector2d(1, 0), Eigen::Vector2d(1, 0)}) == doctest::Approx(2.0));
}

TEST_CASE("meta-game solvers: prisoner's dilemma, rock-paper-scissors, a 3x3 bimatrix game") {
  SUBCASE("prisoner's dilemma: defect/defect, the only equilibrium") {
    Eigen::MatrixXd row(2, 2);
    row << 3, 0, 5, 1;  // strategies: cooperate, defect
    const MetaGame game = MetaGame::bimatrix(row, row.transpose());
    for (const Method method :
         {Method::kSupportEnumeration, Method::kReplicatorDynamics, Method::kRegretMatching}) {
      const MetaSolution s = solve(game, method, 5000);
      CAPTURE(s.method);
      CHECK(s.mixture[0](1) > 0.99);
      CHECK(s.mixture[1](1) > 0.99);
      CHECK(s.nash_conv < 0.02);
    }
  }
  SUBCASE("rock-paper-scissors as a symmetric two-player game: (1/3, 1/3, 1/3)") {
    Eigen::MatrixXd payoff(3, 3);
    payoff << 0, -1, 1, 1, 0, -1, -1, 1, 0;
    const MetaGame game = MetaGame::symmetric(payoff);
    CHECK(game.profile_count() == 6);  // multisets of size 2 from 3
    const MetaSolution exact = solve(game, Method::kSupportEnumeration);
    for (int k = 0; k < 3; ++k) CHECK(exact.mixture[0](k) == doctest::Approx(1.0 / 3.0));
    CHECK(std::fabs(exact.nash_conv) < 1e-12);
    const MetaSolution approx = solve(game, Method::kReplicatorDynamics);
    CHECK(approx.nash_conv < 0.02);
  }
  SUBCASE("a third row strategy dominated only by a mixture is never played") {
    // Matching pennies plus a row strategy earning -0.2 against both columns: no pure
    // strategy dominates it, the 50/50 mix (earning 0) does. Zero-sum, unique equilibrium
    // ((1/2, 1/2, 0), (1/2, 1/2)); the support {0, 2} gives y = (0.4, 0.6), which row 1 beats.
    Eigen::MatrixXd row(3, 2);
    row << 1, -1, -1, 1, -0.2, -0.2;
    const MetaGame game = MetaGame::bimatrix(row, -row);
    const MetaSolution s = solve(game, Method::kSupportEnumeration);
    CHECK(s.mixture[0](0) == doctest::Approx(0.5));
    CHECK(s.mixture[0](2) == doctest::Approx(0.0));
    CHECK(s.mixture[1](0) == doctest::Approx(0.5));
    CHECK(std::fabs(s.nash_conv) < 1e-12);
  }
  SUBCASE("coordination: pure equilibria come first (smallest supports first)") {
    Eigen::MatrixXd row(2, 2), column(2, 2);
    row << 2, 0, 0, 1;
    column << 1, 0, 0, 2;
    const MetaSolution s = solve(MetaGame::bimatrix(row, column), Method::kSupportEnumeration);
    CHECK(s.mixture[0](0) == 1.0);
    CHECK(s.mixture[1](0) == 1.0);
  }
}

TEST_CASE("role-symmetric games: deviation payoffs weigh profiles by multinomial probabilities") {
  // Three players, two strategies; a player earns the number of others playing its strategy:
  // against two others drawn from x, u_k(x) = 2 x_k.
  MetaGame::Role role;
  role.name = "player";
  role.players = 3;
  role.strategies = {"a", "b"};
  MetaGame game({role});
  CHECK(game.profile_count() == 4);  // (3,0), (2,1), (1,2), (0,3)
  for (int p = 0; p < game.profile_count(); ++p) {
    for (int k = 0; k < 2; ++k) {
      const int c = game.counts(p)[0][static_cast<std::size_t>(k)];
      if (c > 0) game.set_payoff(p, 0, k, c - 1.0);
    }
  }
  const MetaGame::Mixture x{Eigen::Vector2d(0.3, 0.7)};
  const MetaGame::Mixture u = game.deviation_payoffs(x);
  CHECK(u[0](0) == doctest::Approx(0.6));
  CHECK(u[0](1) == doctest::Approx(1.4));
  // NashConv = 3 (max_k u_k - x.u) = 3 (1.4 - (0.18 + 0.98)).
  CHECK(game.nash_conv(x) == doctest::Approx(3.0 * (1.4 - 1.16)));
  // Not a two-player game: support enumeration does not apply, auto uses replicator dynamics,
  // which reaches a pure (coordinated) equilibrium.
  CHECK_THROWS_AS(solve(game, Method::kSupportEnumeration), ConfigError);
  const MetaSolution s = solve(game, Method::kAuto, 2000);
  CHECK(s.method.find("replicator_dynamics") == 0);
  CHECK(s.nash_conv < 0.05);
  // Extending keeps the known payoffs.
  const MetaGame extended = game.with_strategy(0, "c");
  CHECK(extended.profile_count() == 10);
  CHECK_FALSE(extended.complete());
  const int p = extended.profile_index({{2, 1, 0}});
  CHECK(extended.payoff(p, 0, 0) == 1.0);
  CHECK(std::isnan(extended.payoff(p, 0, 2)));
}

Json auction_base(int horizon, int seeds) {
  return Json{{"env",
               {{"name", "auction"},
                {"params", {{"n_bidders", 2}, {"rounds_per_step", 10}, {"bid_mode", "shade"}}}}},
              {"mechanism", {{"name", "first_price"}}},
              {"horizon", horizon},
              {"seeds", {{"first", 1}, {"count", seeds}}}};
}

TEST_CASE(
    "empirical game of truthful and equilibrium bidding in a two-bidder first-price auction") {
  // Values iid U[0,1]. Truthful bidders earn 0 whenever they win (they pay their value). Two
  // equilibrium bidders (b = v/2) each earn E[(v - v/2) 1{v' < v}] = E[v^2 / 2] = 1/6. An
  // equilibrium bidder against a truthful one wins when v/2 > v', earning E[(v/2)(v/2)] = 1/12;
  // the truthful one earns 0. So equilibrium bidding strictly dominates (1/12 > 0, 1/6 > 0):
  // the meta-game's only equilibrium is pure equilibrium bidding, and truthful bidding has
  // NashConv 2 x 1/12 = 1/6 — the same as in the full game (diagnostics_test.cc). Shade actions:
  // each of a step's 10 rounds is bid at its own value.
  EmpiricalGame game(auction_base(1000, 4),
                     {{"bidder",
                       {{"truthful", "truthful", Json::object()},
                        {"equilibrium", "first_price_equilibrium", Json::object()}}}});
  CHECK(game.estimate() == 3);
  CHECK(game.estimate() == 0);
  const MetaGame meta = game.game();  // a copy: add_candidate below replaces the game
  const int tt = meta.profile_index({{2, 0}});
  const int ee = meta.profile_index({{0, 2}});
  const int et = meta.profile_index({{1, 1}});
  const auto check_payoff = [&](int profile, int k, double expected) {
    const Json& summary = game.payoff_summary(profile, 0, k);
    CAPTURE(summary.dump());
    CHECK(summary["n"] == 4);
    const double se = summary["std"].get<double>() / 2.0;
    CHECK(std::fabs(meta.payoff(profile, 0, k) - expected) < 4.0 * se + 1e-3);
    CHECK(summary["ci95"][0].get<double>() <= summary["ci95"][1].get<double>());
  };
  CHECK(meta.payoff(tt, 0, 0) == 0.0);
  CHECK(game.payoff_summary(tt, 0, 0)["ci95"] == Json::array({0.0, 0.0}));
  check_payoff(ee, 1, 1.0 / 6.0);
  check_payoff(et, 1, 1.0 / 12.0);
  CHECK(meta.payoff(et, 0, 0) == 0.0);
  CHECK(std::isnan(meta.payoff(tt, 0, 1)));

  const MetaSolution solution = solve_meta_game(meta);
  CHECK(solution.method == "support_enumeration");
  CHECK(solution.mixture[0](1) == doctest::Approx(1.0));
  CHECK(solution.nash_conv == doctest::Approx(0.0));
  CHECK(meta.nash_conv({Eigen::Vector2d(1.0, 0.0)}) == doctest::Approx(1.0 / 6.0).epsilon(0.1));

  // A third candidate: only the profiles that use it are simulated.
  game.add_candidate("bidder", {"shade_0.75", "fixed_shading", Json{{"shade", 0.75}}});
  CHECK(game.game().profile_count() == 6);
  CHECK(game.game().payoff(game.game().profile_index({{0, 2, 0}}), 0, 1) == meta.payoff(ee, 0, 1));
  CHECK(game.estimate() == 3);
  CHECK(game.game().complete());
  const Json json = game.to_json();
  CHECK(json["roles"][0]["candidates"].size() == 3);
  CHECK(json["profiles"].size() == 6);
  CHECK(json["seeds"] == Json::array({1, 2, 3, 4}));
  CHECK(solution.to_json(meta)["mixture"]["bidder"]["equilibrium"] == doctest::Approx(1.0));
}

TEST_CASE("empirical game: configuration errors name the path") {
  const std::vector<Candidate> truthful{{"", "truthful", Json::object()}};
  Json with_sweep = auction_base(10, 1);
  with_sweep["sweep"] = {{"mechanism.name", {"first_price", "second_price"}}};
  CHECK_THROWS_WITH_AS(EmpiricalGame(with_sweep, {{"bidder", truthful}}),
                       doctest::Contains("empirical_game.base.sweep"), ConfigError);
  CHECK_THROWS_WITH_AS(
      EmpiricalGame(auction_base(10, 1), {{"bidder", truthful}, {"seller", truthful}}),
      doctest::Contains("seller"), ConfigError);
  CHECK_THROWS_WITH_AS(EmpiricalGame(auction_base(10, 1), {{"bidder", {truthful[0], truthful[0]}}}),
                       doctest::Contains("duplicate label 'truthful'"), ConfigError);
  EmpiricalGame game(auction_base(10, 1), {{"bidder", truthful}});
  CHECK(game.candidates(0)[0].label == "truthful");
  CHECK_THROWS_AS(game.add_candidate("bidder", truthful[0]), ConfigError);
}

}  // namespace
}  // namespace agora
