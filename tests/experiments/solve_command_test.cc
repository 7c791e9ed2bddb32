// `agora solve` files: validation names the path of every mistake, and each solver runs from a
// file. The empirical game is checked against payoffs worked out by hand.
#include "experiments/solve_command.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/error.h"

namespace agora {
namespace {

std::string error_path(const Json& raw) {
  try {
    validate_solver_input(raw);
  } catch (const ConfigError& e) {
    return e.path();
  }
  return "(no error)";
}

const Json kFirstPrice{{"env", {{"name", "auction"},
                                {"params", {{"n_bidders", 2}, {"rounds_per_step", 20},
                                            {"bid_mode", "shade"}}}}},
                       {"mechanism", {{"name", "first_price"}}},
                       {"horizon", 500},
                       {"seeds", {{"first", 1}, {"count", 3}}}};

TEST_CASE("solve: validation rejects bad solver files naming the path") {
  CHECK(error_path(Json::array()) == "solver file");
  CHECK(error_path(Json::object()) == "solver");
  CHECK(error_path({{"solver", 3}}) == "solver");
  CHECK(error_path({{"solver", "psr"}}) == "solver");
  CHECK(error_path({{"solver", "bne"}, {"params", {{"n_bidder", 2}}}}) == "params.n_bidder");
  CHECK(error_path({{"solver", "bne"}, {"experiment", kFirstPrice}}) == "experiment");
  CHECK(error_path({{"solver", "psro"}, {"candidates", {{"bidder", {{{"type", "truthful"}}}}}}}) ==
        "experiment");
  Json with_agents = kFirstPrice;
  with_agents["agents"] = Json::object();
  CHECK(error_path({{"solver", "psro"},
                    {"experiment", with_agents},
                    {"candidates", {{"bidder", {{{"type", "truthful"}}}}}}}) ==
        "experiment.agents");
  CHECK(error_path({{"solver", "empirical_game"},
                    {"experiment", kFirstPrice},
                    {"candidates", {{"bidder", Json::array()}}}}) == "candidates.bidder");
  CHECK(error_path({{"solver", "empirical_game"},
                    {"experiment", kFirstPrice},
                    {"candidates", {{"bidder", {{{"typ", "truthful"}}}}}}}) ==
        "candidates.bidder[0].typ");
  CHECK(error_path({{"solver", "psro"},
                    {"experiment", kFirstPrice},
                    {"candidates", {{"bidder", {{{"type", "truthful"}}}}}},
                    {"params", {{"iterations", -1}}}}) == "params.iterations");
}

TEST_CASE("solve: defaults are filled in") {
  const Json input = validate_solver_input({{"solver", "psro"},
                                            {"experiment", kFirstPrice},
                                            {"candidates", {{"bidder", {{{"type", "truthful"}}}}}}});
  CHECK(input["params"]["iterations"] == 4);
  CHECK(input["params"]["meta_solver"] == "replicator_dynamics");
  CHECK(input["candidates"]["bidder"][0]["label"] == "");
  CHECK(input["candidates"]["bidder"][0]["params"] == Json::object());
}

TEST_CASE("solve: empirical game among fixed shades picks the Bayes-Nash shade") {
  // Two first-price bidders, iid U[0,1] values, bidding s v against s' v. For s <= s' the
  // payoff is (1 - s) s / (3 s'); for s >= s' it is (1 - s)(1/2 - s'^2 / (6 s^2)). Shade 1/2
  // (the equilibrium bid v/2) earns 1/6 against itself, 1/6 x 0.5/0.7 = 0.119 against 0.7 and
  // 1/12 against truthful bidding; every alternative earns less against 1/2.
  const Json input = validate_solver_input(
      {{"solver", "empirical_game"},
       {"experiment", kFirstPrice},
       {"candidates",
        {{"bidder",
          {{{"label", "half"}, {"type", "fixed_shading"}, {"params", {{"shade", 0.5}}}},
           {{"label", "seven"}, {"type", "fixed_shading"}, {"params", {{"shade", 0.7}}}},
           {{"type", "truthful"}}}}}}});
  const Json output = run_solver(input);
  CHECK(output["solver"] == "empirical_game");
  const Json& meta = output["result"]["meta_strategy"];
  CHECK(meta["mixture"]["bidder"]["half"].get<double>() == doctest::Approx(1.0));
  const Json& profiles = output["result"]["game"]["profiles"];
  REQUIRE(profiles.size() == 6);
  const Json& both_half = profiles[0];
  REQUIRE(both_half["counts"]["bidder"] == Json::array({2, 0, 0}));
  CHECK(std::fabs(both_half["payoffs"]["bidder"][0].get<double>() - 1.0 / 6.0) < 0.01);
  const Json& half_vs_truthful = profiles[2];
  REQUIRE(half_vs_truthful["counts"]["bidder"] == Json::array({1, 0, 1}));
  CHECK(std::fabs(half_vs_truthful["payoffs"]["bidder"][0].get<double>() - 1.0 / 12.0) < 0.01);
  CHECK(half_vs_truthful["payoffs"]["bidder"][2].get<double>() == 0.0);
}

TEST_CASE("solve: the BNE solver runs from a file's params") {
  const Json input = validate_solver_input(
      {{"solver", "bne"}, {"params", {{"n_bidders", 2}, {"samples", 4000}}}});
  const Json output = run_solver(input);
  const Json& f = output["result"]["bid_functions"][0];
  for (std::size_t j = 0; j < f["values"].size(); j += 10) {
    const double v = f["values"][j].get<double>();
    CHECK(std::fabs(f["bids"][j].get<double>() - v / 2.0) < 0.01);
  }
}

}  // namespace
}  // namespace agora
