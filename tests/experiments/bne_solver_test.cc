// The Bayes–Nash equilibrium solver against closed forms (Krishna, Auction Theory, 2nd ed.,
// ch. 2–3) and against the env-based NashConv estimate of experiments/exploitability.h.
#include "experiments/bne_solver.h"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "experiments/experiment_config.h"
#include "experiments/simulation.h"

namespace agora {
namespace {

// Largest |b(v) - expected(v)| over grid values in [low, high].
double max_error(const BidFunction& f, const std::function<double(double)>& expected, double low,
                 double high) {
  double worst = 0.0;
  for (std::size_t j = 0; j < f.values.size(); ++j) {
    const double v = f.values[j];
    if (v < low || v > high) continue;
    worst = std::max(worst, std::fabs(f.bids[j] - expected(v)));
  }
  return worst;
}

BneSolverOptions options(const std::string& mechanism, int bidders) {
  BneSolverOptions o;
  o.mechanism = mechanism;
  o.bidders = bidders;
  o.samples = 10000;
  o.evaluation_samples = 10000;
  o.max_iterations = 40;
  return o;
}

// Out-of-sample NashConv within Monte Carlo error of 0, and a small in-sample gain.
void check_equilibrium(const BneResult& result) {
  CAPTURE(result.nash_conv);
  CAPTURE(result.nash_conv_se);
  CHECK(result.nash_conv_se < 0.002);
  CHECK(std::fabs(result.nash_conv) < 3.0 * result.nash_conv_se + 0.002);
  CHECK(result.history[static_cast<std::size_t>(result.best_iteration)].in_sample_gain < 0.001);
}

TEST_CASE("bne solver: first price with iid U[0,1] values recovers b(v) = (n-1)/n v") {
  for (const int n : {2, 3}) {
    CAPTURE(n);
    const BneResult result = solve_bne(options("first_price", n));
    REQUIRE(result.bid_functions.size() == static_cast<std::size_t>(n));
    const double shade = (n - 1.0) / n;
    const double error = max_error(
        result.bid_functions[0], [&](double v) { return shade * v; }, 0.05, 0.95);
    CAPTURE(error);
    CHECK(error < 0.005);
    CHECK(result.converged);
    check_equilibrium(result);
    // The history starts at truthful bidding, whose expected gain is 1/12 for n = 2 (see the
    // exploitability test below) and E[max_b (v - b) b^2] = E[4 v^3 / 27] = 1/27 for n = 3.
    CHECK(result.history.front().in_sample_gain ==
          doctest::Approx(n == 2 ? 1.0 / 12.0 : 1.0 / 27.0).epsilon(0.05));
    CHECK(result.bid_functions[n - 1].bids == result.bid_functions[0].bids);
  }
}

TEST_CASE("bne solver: truthful bidding in second price, from b(v) = v/2") {
  BneSolverOptions o = options("second_price", 3);
  o.initial_shade = 0.5;
  const BneResult result = solve_bne(o);
  const double error = max_error(
      result.bid_functions[0], [](double v) { return v; }, 0.0, 1.0);
  CAPTURE(error);
  CHECK(error < 0.005);  // the bid grid's spacing
  CHECK(result.converged);
  check_equilibrium(result);
}

TEST_CASE("bne solver: two-bidder all-pay with U[0,1] values bids v^2/2") {
  // From b = v^2: the best response to a v^2 is v^2 / (4a), and damping by 1/2 is Heron's
  // iteration a <- (a + 1/(4a)) / 2 -> 1/2.
  BneSolverOptions o = options("all_pay", 2);
  o.initial_power = 2.0;
  const BneResult result = solve_bne(o);
  const double error = max_error(
      result.bid_functions[0], [](double v) { return 0.5 * v * v; }, 0.05, 0.95);
  CAPTURE(error);
  CHECK(error < 0.01);
  check_equilibrium(result);
}

TEST_CASE("bne solver: first price with a reserve r bids (v^2 + r^2) / (2v) above r") {
  // n = 2, U[0,1], G(x) = x: b(v) = v - ∫_r^v x dx / v (Krishna §2.5).
  BneSolverOptions o = options("first_price", 2);
  const double r = 0.25;
  o.mechanism_params = Json{{"reserve", r}};
  const BneResult result = solve_bne(o);
  const double error = max_error(
      result.bid_functions[0], [&](double v) { return (v * v + r * r) / (2.0 * v); }, 0.3, 0.95);
  CAPTURE(error);
  CHECK(error < 0.01);
  check_equilibrium(result);
}

TEST_CASE("bne solver: first price with exponential values, b(v) = v - (v - 1 + e^-v)/(1 - e^-v)") {
  // F(x) = 1 - e^{-x}, two bidders: b(v) = v - ∫_0^v F / F(v) (Krishna Prop. 2.2).
  BneSolverOptions o = options("first_price", 2);
  o.values = Json{{"distribution", "exponential"}, {"rate", 1.0}};
  o.bid_high = 2.0;
  o.polynomial_degree = 5;
  const BneResult result = solve_bne(o);
  const double error = max_error(
      result.bid_functions[0],
      [](double v) { return v - (v - 1.0 + std::exp(-v)) / (1.0 - std::exp(-v)); }, 0.1, 5.0);
  CAPTURE(error);
  CHECK(error < 0.02);
  check_equilibrium(result);
}

TEST_CASE("bne solver: step tables and asymmetric solves") {
  SUBCASE("step bid functions: the bid of a cell is the best response at its mean value") {
    BneSolverOptions o = options("first_price", 2);
    o.interpolation = BidInterpolation::kStep;
    o.value_points = 50;
    const BneResult result = solve_bne(o);
    // Cells of width 0.02 on U[0,1]: the best constant bid on a cell is half its mean.
    const BidFunction& f = result.bid_functions[0];
    CHECK(f.interpolation == BidInterpolation::kStep);
    CHECK(max_error(
              f, [](double edge) { return 0.5 * (edge + 0.01); }, 0.05, 0.95) < 0.005);
    check_equilibrium(result);
  }
  SUBCASE("asymmetric iteration on a symmetric market finds the symmetric equilibrium") {
    BneSolverOptions o = options("first_price", 2);
    o.symmetric = false;
    const BneResult result = solve_bne(o);
    for (const auto& f : result.bid_functions) {
      CHECK(max_error(
                f, [](double v) { return 0.5 * v; }, 0.05, 0.95) < 0.005);
    }
    check_equilibrium(result);
  }
  SUBCASE("second price with U[0,1] against U[0,2]: both bid truthfully") {
    BneSolverOptions o = options("second_price", 2);
    o.symmetric = false;
    o.initial_shade = 0.7;
    o.values = Json::array({Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}},
                            Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 2.0}}});
    const BneResult result = solve_bne(o);
    CHECK(result.bid_high == 2.0);
    CHECK(max_error(
              result.bid_functions[0], [](double v) { return v; }, 0.0, 1.0) < 0.01);
    CHECK(max_error(
              result.bid_functions[1], [](double v) { return v; }, 0.0, 2.0) < 0.01);
    check_equilibrium(result);
  }
}

TEST_CASE("bne solver: the exploitability of truthful first-price bidding is 2 x 1/12") {
  // Iteration 0 is truthful bidding: each bidder gains max_s E[(1 - s) v s v] = 1/12 by
  // shading to v/2 (tests/experiments/diagnostics_test.cc has the same closed form).
  BneSolverOptions o = options("first_price", 2);
  o.max_iterations = 1;
  o.step_size = 1e-9;
  o.tolerance = 0.0;
  const BneResult result = solve_bne(o);
  CHECK_FALSE(result.converged);
  REQUIRE(result.gain.size() == 2);
  CHECK(result.bid_functions[0].bids.back() == 1.0);
  CHECK(std::fabs(result.gain[0] - 1.0 / 12.0) < 4.0 * result.gain_se[0] + 0.002);
  CHECK(std::fabs(result.nash_conv - 1.0 / 6.0) < 4.0 * result.nash_conv_se + 0.004);
  CHECK(result.history[0].in_sample_gain == doctest::Approx(1.0 / 12.0).epsilon(0.02));
}

TEST_CASE("bne solver: the env-based NashConv of the solved bid table is close to zero") {
  const BneResult result = solve_bne(options("first_price", 2));
  const Json table = result.bid_functions[0].to_json();
  const ExperimentConfig config = validate_experiment(
      Json{{"env", {{"name", "auction"}, {"params", {{"n_bidders", 2}}}}},
           {"mechanism", {{"name", "first_price"}}},
           {"agents", {{"bidder", {{{"type", "bid_table"}, {"count", 2}, {"params", table}}}}}},
           {"horizon", 10}},
      "test", "");
  Simulation simulation(config.cells[0], 3);
  const Json nash_conv = simulation.exploitability({20000, 101, 10});
  CHECK(nash_conv["nash_conv"].get<double>() < 0.004);  // 1/6 for truthful bidding
  const Json json = result.to_json();
  CHECK(json["bid_functions"].size() == 2);
  CHECK(json["history"].size() == static_cast<std::size_t>(result.iterations));
}

TEST_CASE("bne solver: same seed, same result; another seed, other samples") {
  BneSolverOptions o = options("first_price", 3);
  o.max_iterations = 3;
  const BneResult a = solve_bne(o);
  const BneResult b = solve_bne(o);
  CHECK(a.bid_functions[0].bids == b.bid_functions[0].bids);
  CHECK(a.nash_conv == b.nash_conv);
  o.seed = 2;
  CHECK(solve_bne(o).nash_conv != a.nash_conv);
}

TEST_CASE("bne solver: options from JSON, with errors naming the path") {
  const BneSolverOptions o = BneSolverOptions::from_json(
      Json{{"mechanism", {{"name", "all_pay"}, {"params", {{"reserve", 0.1}}}}},
           {"n_bidders", 3},
           {"schedule", "fictitious"},
           {"polynomial_degree", nullptr}});
  CHECK(o.mechanism == "all_pay");
  CHECK(o.mechanism_params["reserve"] == 0.1);
  CHECK(o.bidders == 3);
  CHECK(o.schedule == BneSolverOptions::Schedule::kFictitious);
  CHECK(o.polynomial_degree == -1);
  CHECK(o.samples == 20000);
  CHECK_THROWS_WITH_AS(BneSolverOptions::from_json(Json{{"mechanism", {{"name", "frist_price"}}}}),
                       doctest::Contains("solver.mechanism.name"), ConfigError);
  CHECK_THROWS_WITH_AS(BneSolverOptions::from_json(Json{{"step_sise", 0.1}}),
                       doctest::Contains("step_size"), ConfigError);
  BneSolverOptions asymmetric;
  asymmetric.values = Json::array({Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}},
                                   Json{{"distribution", "exponential"}, {"rate", 1.0}}});
  CHECK_THROWS_WITH_AS(solve_bne(asymmetric), doctest::Contains("solver.values[1]"), ConfigError);
  BneSolverOptions constant;
  constant.values = Json{{"distribution", "constant"}, {"value", 1.0}};
  CHECK_THROWS_WITH_AS(solve_bne(constant), doctest::Contains("continuous"), ConfigError);
}

}  // namespace
}  // namespace agora
