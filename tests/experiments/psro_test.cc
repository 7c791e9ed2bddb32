// PSRO on a two-bidder first-price auction (iid U[0,1] values) from truthful bidding, and its
// pieces: the mixture policy and the bid-table best responses.
#include "experiments/psro.h"

#include <doctest/doctest.h>

#include <cmath>

#include "agents/bidder_fixture.h"
#include "core/error.h"

namespace agora {
namespace {

TEST_CASE("psro: from truthful bidding in first price, best responses drive NashConv down") {
  // Truthful bidding's NashConv is 2 x 1/12 = 1/6 (each bidder gains 1/12 by bidding v/2); the
  // first best response is about v/2 per value bucket, after which the meta-strategy mixes
  // near-equilibrium bid tables and NashConv stays far below 1/6 (not monotonically: each best
  // response is estimated from samples and partly exploits its predecessors' noise).
  const Json base{{"env", {{"name", "auction"}, {"params", {{"n_bidders", 2}}}}},
                  {"mechanism", {{"name", "first_price"}}},
                  {"horizon", 2000},
                  {"seeds", {{"first", 1}, {"count", 2}}}};
  PsroOptions options;
  options.iterations = 4;
  const PsroResult result =
      run_psro(base, {{"bidder", {{"truthful", "truthful", Json::object()}}}}, options);
  REQUIRE(result.iterations.size() == 5);
  const PsroIteration& first = result.iterations.front();
  CHECK(first.population == std::vector<int>{1});
  CHECK(first.meta.mixture[0](0) == 1.0);
  CAPTURE(first.nash_conv);
  CHECK(std::fabs(first.nash_conv - 1.0 / 6.0) < 4.0 * first.nash_conv_se + 0.005);
  // The first best response bids about half the value where the stakes are visible.
  REQUIRE(first.added.size() == 1);
  const Json& table = first.added[0].params;
  CHECK(first.added[0].type == "bid_table");
  CHECK(table["units"] == "bid");
  CHECK(table["interpolation"] == "linear");
  for (std::size_t b = 0; b < table["values"].size(); ++b) {
    const double v = table["values"][b].get<double>();
    if (v >= 0.3) CHECK(std::fabs(table["bids"][b].get<double>() - 0.5 * v) < 0.05);
  }
  double lowest = first.nash_conv;
  for (const PsroIteration& record : result.iterations) {
    CAPTURE(record.iteration);
    CAPTURE(record.nash_conv);
    CHECK(record.population[0] == record.iteration + 1);
    CHECK(record.meta.nash_conv < 0.01);  // solved meta-games
    if (record.iteration == 0) continue;
    CHECK(record.nash_conv < 0.5 * first.nash_conv);
    CHECK(record.meta.mixture[0](0) < 1e-6);  // truthful bidding is dominated
    lowest = std::min(lowest, record.nash_conv);
  }
  CHECK(lowest < 0.2 * first.nash_conv);
  const Json json = result.to_json();
  CHECK(json["iterations"].size() == 5);
  CHECK(json["empirical_game"]["roles"][0]["strategies"] ==
        Json::array({"truthful", "br1", "br2", "br3", "br4"}));
}

TEST_CASE("psro: the mixture policy draws each agent's policy with the given probabilities") {
  test::Harness harness(test::bidder_role(1000, "bid", 1.0));
  std::vector<int> agents(1000);
  for (int i = 0; i < 1000; ++i) agents[static_cast<std::size_t>(i)] = i;
  const PolicyContext ctx = test::context(harness.role, agents, 10, 3);
  std::vector<std::unique_ptr<Policy>> policies;
  policies.push_back(make_policy("truthful", Json::object(), ctx));
  policies.push_back(make_policy("fixed_shading", Json{{"shade", 0.5}}, ctx));
  policies.push_back(make_policy("fixed_shading", Json{{"shade", 0.0}}, ctx));
  MixturePolicy mixture(std::move(policies), {0.25, 0.75, 0.0}, ctx);
  harness.step(mixture, Eigen::ArrayXd::Constant(1000, 0.8), Eigen::ArrayXd::Zero(1000));
  int truthful = 0;
  for (int i = 0; i < 1000; ++i) {
    const double bid = harness.actions(i, 0);
    CHECK((bid == 0.8 || bid == 0.4));  // the zero-probability policy never acts
    truthful += bid == 0.8 ? 1 : 0;
  }
  // Binomial(1000, 1/4): sd 13.7.
  CHECK(std::abs(truthful - 250) < 55);
  CHECK(mixture.strategy()["probabilities"].size() == 3);
}

TEST_CASE("psro: best responses become linear bid tables through the buckets' midpoints") {
  const Json buckets = Json::array({Json::array({0.0, 0.2, 0.05}), Json::array({0.1, 0.1, 0.1}),
                                    Json::array({0.2, 0.6, 0.2}), Json::array({0.6, 1.0, -0.1})});
  const Candidate c = best_response_candidate(buckets, "shade", "br1");
  CHECK(c.label == "br1");
  CHECK(c.type == "bid_table");
  CHECK(c.params["values"] == Json::array({0.1, 0.4, 0.8}));  // the repeated midpoint 0.1 dropped
  CHECK(c.params["bids"] == Json::array({0.05, 0.2, 0.0}));   // and negative actions raised to 0
  CHECK(c.params["interpolation"] == "linear");
  CHECK(c.params["units"] == "shade");
}

}  // namespace
}  // namespace agora
