// External regret (RegretTracker) and NashConv (estimate_nash_conv) on auctions whose answers
// are known in closed form.
#include <doctest/doctest.h>

#include <cmath>

#include "experiments/experiment_config.h"
#include "experiments/simulation.h"

namespace {

agora::ExperimentConfig auction_config(const std::string& env_params, const std::string& mechanism,
                                       const std::string& agents, int horizon) {
  return agora::validate_experiment(
      agora::Json::parse(R"({"env": {"name": "auction", "params": )" + env_params +
                         R"(}, "mechanism": {"name": ")" + mechanism +
                         R"("}, "agents": {"bidder": )" + agents + R"(}, "horizon": )" +
                         std::to_string(horizon) + "}"),
      "test", "");
}

}  // namespace

TEST_CASE("external regret: a bidder that always loses regrets the second price it could pay") {
  // Second price, constant values 1 and 0.5, bids 0.25 and 0.5: bidder 0 never wins; any fixed
  // bid above 0.5 on the grid [0, 1] wins at price 0.5 for utility 0.5 per step, its regret.
  // Bidder 1 wins at price 0.25 every step (utility 0.25), and no bid does better: regret 0.
  const auto config = auction_config(
      R"({"n_bidders": 2, "bid_mode": "bid", "max_bid": 1.0,
          "values": [{"distribution": "constant", "value": 1.0},
                     {"distribution": "constant", "value": 0.5}]})",
      "second_price",
      R"([{"type": "fixed_shading", "count": 1, "params": {"shade": 0.25}},
          {"type": "truthful", "count": 1}])",
      50);
  agora::Simulation simulation(config.cells[0], 7, 101);
  while (simulation.step()) {
  }
  REQUIRE(simulation.regret() != nullptr);
  const Eigen::ArrayXd regret = simulation.regret()->average_regret(0);
  CHECK(regret(0) == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(std::fabs(regret(1)) < 1e-12);
  const agora::Json json = simulation.regret()->to_json();
  CHECK(json["bidder"]["grid_points"] == 101);
  CHECK(json["bidder"]["best_fixed_action"][0].get<double>() > 0.5);
}

TEST_CASE("external regret is tracked under bandit feedback too (the learners never see it)") {
  const auto config = auction_config(R"({"n_bidders": 2, "feedback": "own"})", "first_price",
                                     R"([{"type": "truthful", "count": 2}])", 200);
  agora::Simulation simulation(config.cells[0], 3, 51);
  while (simulation.step()) {
  }
  REQUIRE(simulation.regret() != nullptr);
  CHECK(simulation.regret()->tracks(0));
  // Truthful bidders in first price earn 0; shading to 1/2 earns E[v/2 · P(v_other < v/2)] > 0.
  const Eigen::ArrayXd regret = simulation.regret()->average_regret(0);
  CHECK(regret(0) > 0.05);
  CHECK(regret(1) > 0.05);
}

TEST_CASE("NashConv of truthful bidding in first price is 2 x 1/12 with iid U[0,1] values") {
  // Against a truthful opponent with v' ~ U[0,1], bidding shade s earns E[(1 - s) v · s v] =
  // (1 - s) s / 3, maximal at s = 1/2: 1/12; truthful bidding earns 0. Both bidders gain 1/12.
  const auto config = auction_config(R"({"n_bidders": 2, "bid_mode": "shade"})", "first_price",
                                     R"([{"type": "truthful", "count": 2}])", 10);
  agora::Simulation simulation(config.cells[0], 11);
  const agora::Json result = simulation.exploitability({20000, 101, 10});
  const double nash_conv = result["nash_conv"].get<double>();
  const double se = result["nash_conv_se"].get<double>();
  CHECK(se > 0.0);
  CHECK(se < 0.005);
  CHECK(std::fabs(nash_conv - 1.0 / 6.0) < 4.0 * se + 0.003);
  const auto& gains = result["roles"]["bidder"]["gain"];
  CHECK(gains.size() == 2);
  CHECK(std::fabs(gains[0].get<double>() - 1.0 / 12.0) < 0.01);
  // The best response is (close to) shading by 1/2 wherever the value is large enough for the
  // stakes (v^2 / 4) to rise above the noise.
  for (const auto& bucket : result["roles"]["bidder"]["best_response"][0]) {
    if (bucket[0].get<double>() >= 0.3) CHECK(std::fabs(bucket[2].get<double>() - 0.5) <= 0.1);
  }
}

TEST_CASE("NashConv is zero at the equilibrium: truthful second price, (n-1)/n shading in first") {
  SUBCASE("second price, truthful: no deviation gains in any sample") {
    const auto config = auction_config(R"({"n_bidders": 3, "bid_mode": "shade"})", "second_price",
                                       R"([{"type": "truthful", "count": 3}])", 10);
    agora::Simulation simulation(config.cells[0], 5);
    const agora::Json result = simulation.exploitability({2000, 101, 10});
    CHECK(std::fabs(result["nash_conv"].get<double>()) < 1e-12);
  }
  SUBCASE("first price, b = v/2 for two bidders: only Monte Carlo noise and the max's bias") {
    const auto config = auction_config(R"({"n_bidders": 2, "bid_mode": "shade"})", "first_price",
                                       R"([{"type": "first_price_equilibrium", "count": 2}])", 10);
    agora::Simulation simulation(config.cells[0], 5);
    const agora::Json result = simulation.exploitability({20000, 101, 10});
    const double nash_conv = result["nash_conv"].get<double>();
    CHECK(nash_conv >= 0.0);
    CHECK(nash_conv < 0.004);  // vs 1/6 for truthful bidding above
  }
}

TEST_CASE("runs report the diagnostics in summary.json") {
  auto config = auction_config(R"({"n_bidders": 2, "bid_mode": "shade"})", "first_price",
                               R"([{"type": "truthful", "count": 2}])", 100);
  config.diagnostics.exploitability_samples = 500;
  agora::Simulation simulation(config.cells[0], 1, config.diagnostics.regret_points);
  while (simulation.step()) {
  }
  CHECK(simulation.regret() != nullptr);
  CHECK(simulation.exploitability({500, 51, 5}).contains("nash_conv"));
}
