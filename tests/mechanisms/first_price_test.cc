// First price and generalized first price (GFP). Theory: Krishna, Auction Theory (2nd ed.,
// 2010) ch. 2 (equilibrium b(v) = (n-1)/n v for iid U[0,1] values); Edelman, Ostrovsky &
// Schwarz (2007) for position auctions.
#include "mechanisms/first_price.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

TEST_CASE("first price: one slot, hand-worked") {
  Rng rng(1);
  const std::vector<double> ctr = {1.0};
  const std::vector<double> bids = {0.2, 0.7, 0.4};
  SUBCASE("no reserve: the highest bid wins and pays itself") {
    const AuctionOutcome out = run_one(*mechanism("first_price"), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.7);
  }
  SUBCASE("a reserve below the highest bid does not change the price") {
    const AuctionOutcome out = run_one(*mechanism("first_price", 0.5), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.7);
  }
  SUBCASE("a bid equal to the reserve wins") {
    const AuctionOutcome out = run_one(*mechanism("first_price", 0.7), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.7);
  }
  SUBCASE("a reserve above every bid leaves the slot empty") {
    const AuctionOutcome out = run_one(*mechanism("first_price", 0.8), bids, ctr, rng);
    CHECK(out.winner(0, 0) == -1);
    CHECK(out.price(0, 0) == 0.0);
  }
  SUBCASE("a single bidder") {
    const AuctionOutcome out = run_one(*mechanism("first_price", 0.3), {0.5}, ctr, rng);
    CHECK(out.winner(0, 0) == 0);
    CHECK(out.price(0, 0) == 0.5);
  }
}

TEST_CASE("generalized first price: several slots, hand-worked") {
  Rng rng(2);
  SUBCASE("bids 5, 3, 2, 1 for ctr 0.5, 0.3: each winner pays its bid") {
    // Bidders in a scrambled order: bidder 1 bids 5, bidder 3 bids 3.
    const AuctionOutcome out =
        run_one(*mechanism("first_price"), {2.0, 5.0, 1.0, 3.0}, {0.5, 0.3}, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.winner(0, 1) == 3);
    CHECK(out.price(0, 0) == 5.0);
    CHECK(out.price(0, 1) == 3.0);
  }
  SUBCASE("more slots than bidders: the last slot stays empty") {
    const AuctionOutcome out = run_one(*mechanism("first_price"), {0.4, 0.6}, {0.5, 0.3, 0.1}, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.winner(0, 1) == 0);
    CHECK(out.winner(0, 2) == -1);
    CHECK(out.price(0, 0) == 0.6);
    CHECK(out.price(0, 1) == 0.4);
    CHECK(out.price(0, 2) == 0.0);
  }
  SUBCASE("a reserve empties the slots below it") {
    const AuctionOutcome out =
        run_one(*mechanism("first_price", 2.5), {5.0, 3.0, 2.0, 1.0}, {0.5, 0.3, 0.1}, rng);
    CHECK(out.winner(0, 0) == 0);
    CHECK(out.winner(0, 1) == 1);
    CHECK(out.winner(0, 2) == -1);
    CHECK(out.price(0, 1) == 3.0);
    CHECK(out.price(0, 2) == 0.0);
  }
  SUBCASE("a batch of auctions is a batch of independent auctions") {
    const std::vector<double> bids = {0.1, 0.9, 0.5,   // auction 0
                                      0.8, 0.2, 0.3,   // auction 1
                                      0.0, 0.0, 0.6};  // auction 2
    const std::vector<double> ctr = {1.0, 0.5};
    AuctionOutcome out;
    mechanism("first_price", 0.25)->run(bids.data(), 3, 3, ctr, out, rng);
    REQUIRE(out.winner.rows() == 3);
    REQUIRE(out.winner.cols() == 2);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.winner(0, 1) == 2);
    CHECK(out.winner(1, 0) == 0);
    CHECK(out.winner(1, 1) == 2);
    CHECK(out.winner(2, 0) == 2);
    CHECK(out.winner(2, 1) == -1);
    CHECK(out.price(1, 1) == 0.3);
  }
}

TEST_CASE("first price: ties are broken uniformly and priced at the tied bid") {
  Rng rng(3);
  const auto m = mechanism("first_price");
  constexpr int kTrials = 30000;
  std::vector<double> bids;
  for (int t = 0; t < kTrials; ++t) bids.insert(bids.end(), {0.5, 0.5, 0.5, 0.2});
  AuctionOutcome out;
  m->run(bids.data(), kTrials, 4, std::vector<double>{1.0}, out, rng);
  std::vector<int> wins(4, 0);
  for (int t = 0; t < kTrials; ++t) {
    ++wins[static_cast<std::size_t>(out.winner(t, 0))];
    CHECK(out.price(t, 0) == 0.5);
  }
  CHECK(wins[3] == 0);
  // Binomial: each of 3 tied bidders wins w.p. 1/3; 5 standard errors.
  const double tolerance = 5.0 * std::sqrt((1.0 / 3) * (2.0 / 3) / kTrials);
  for (int i = 0; i < 3; ++i) CHECK(std::fabs(wins[i] / double{kTrials} - 1.0 / 3) <= tolerance);
}

TEST_CASE("first price is deterministic for a fixed seed") {
  Rng bid_rng(4);
  boost::random::uniform_int_distribution<int> level(0, 4);
  std::vector<double> bids(5000 * 5);
  for (double& b : bids) b = 0.25 * level(bid_rng);
  AuctionOutcome a, b;
  Rng rng_a(9), rng_b(9);
  const auto m = mechanism("first_price", 0.25);
  m->run(bids.data(), 5000, 5, std::vector<double>{0.6, 0.3}, a, rng_a);
  m->run(bids.data(), 5000, 5, std::vector<double>{0.6, 0.3}, b, rng_b);
  CHECK((a.winner == b.winner).all());
  CHECK((a.price == b.price).all());
}

TEST_CASE("first price deviation(): hand-worked") {
  const auto m = mechanism("first_price");
  const std::vector<double> ctr = {1.0};
  const std::vector<double> others = {0.7, 0.4};
  DeviationOutcome d = m->deviation(others, 0.8, ctr);
  CHECK(d.clicks == 1.0);
  CHECK(d.payment == 0.8);
  d = m->deviation(others, 0.7, ctr);  // a two-way tie: half the slot, in expectation
  CHECK(d.clicks == 0.5);
  CHECK(d.payment == doctest::Approx(0.35));
  d = m->deviation(others, 0.5, ctr);
  CHECK(d.clicks == 0.0);
  CHECK(d.payment == 0.0);
  const auto reserved = mechanism("first_price", 0.6);
  CHECK(reserved->deviation(std::vector<double>{0.4}, 0.55, ctr).clicks == 0.0);
  CHECK(reserved->deviation(std::vector<double>{0.4}, 0.6, ctr).payment ==
        0.6);  // equal to the reserve: wins
  CHECK(reserved->deviation(std::vector<double>{}, 0.9, ctr).payment == 0.9);
  // Two slots: bidding 2.5 against 5, 2, 1 takes slot 1.
  d = m->deviation(std::vector<double>{5.0, 2.0, 1.0}, 2.5, std::vector<double>{0.5, 0.3});
  CHECK(d.clicks == 0.3);
  CHECK(d.payment == doctest::Approx(0.75));
}

TEST_CASE("first price deviation() matches run() without ties, exactly") {
  check_deviation_matches_run("first_price");
}

TEST_CASE("first price deviation() matches the average of run() over random tie-breaks") {
  check_deviation_matches_run_with_ties("first_price");
}

TEST_CASE("first price deviations() is bitwise identical to deviation()") {
  check_deviations_batch_matches("first_price");
}

TEST_CASE("first price: the equilibrium bid (n-1)/n v is a best response") {
  // Krishna (2010) §2.3: against n-1 bidders bidding (n-1)/n v with v ~ U[0,1], a bidder with
  // value v maximises (v - b) (n b / (n-1))^(n-1), at b = (n-1)/n v. We estimate the expected
  // utility of each bid on a grid with common random draws of the others and check the argmax
  // (the curve is flat at the top: within 0.04 of the optimum it loses < 1%).
  constexpr int n = 3;
  constexpr int kSamples = 20000;
  Rng rng(5);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto m = mechanism("first_price");
  const std::vector<double> ctr = {1.0};
  std::vector<std::vector<double>> others(kSamples);
  for (auto& o : others) {
    for (int j = 0; j < n - 1; ++j) o.push_back((n - 1.0) / n * unit(rng));
    std::sort(o.begin(), o.end(), std::greater<>());
  }
  std::vector<double> grid;
  for (int g = 0; g <= 100; ++g) grid.push_back(0.01 * g);
  for (double v : {0.3, 0.6, 0.9}) {
    std::vector<double> utility(grid.size(), 0.0), clicks(grid.size()), pay(grid.size());
    for (const auto& o : others) {
      m->deviations(o, grid, ctr, clicks, pay);
      for (std::size_t g = 0; g < grid.size(); ++g) utility[g] += v * clicks[g] - pay[g];
    }
    const auto best = std::max_element(utility.begin(), utility.end()) - utility.begin();
    CHECK(std::fabs(grid[static_cast<std::size_t>(best)] - (n - 1.0) / n * v) <= 0.04);
  }
}

TEST_CASE("first price: prices never exceed bids and losers pay nothing (random instances)") {
  Rng rng(6);
  for (int trial = 0; trial < 3000; ++trial) {
    const Instance x = random_instance(rng, trial % 2 == 0);
    const AuctionOutcome out = run_one(*mechanism("first_price", x.reserve), x.bids, x.ctr, rng);
    check_outcome_structure(out, x.bids.data(), x.n, static_cast<int>(x.ctr.size()), x.reserve);
    for (int s = 0; s < static_cast<int>(x.ctr.size()); ++s) {
      if (out.winner(0, s) >= 0) CHECK(out.price(0, s) == x.bids[out.winner(0, s)]);
    }
  }
}

}  // namespace
}  // namespace agora::testing
