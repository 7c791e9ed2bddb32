// Second price (Vickrey 1961) and unit-quality generalized second price (GSP; Edelman,
// Ostrovsky & Schwarz 2007; Varian 2007).
#include "mechanisms/second_price.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

TEST_CASE("second price: one slot, hand-worked") {
  Rng rng(1);
  const std::vector<double> ctr = {1.0};
  const std::vector<double> bids = {0.2, 0.7, 0.4};
  SUBCASE("no reserve: the highest bid wins and pays the second highest") {
    const AuctionOutcome out = run_one(*mechanism("second_price"), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.4);
  }
  SUBCASE("a reserve above the second bid sets the price") {
    const AuctionOutcome out = run_one(*mechanism("second_price", 0.5), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.5);
  }
  SUBCASE("a bid equal to the reserve wins at the reserve") {
    const AuctionOutcome out = run_one(*mechanism("second_price", 0.7), bids, ctr, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.price(0, 0) == 0.7);
  }
  SUBCASE("a reserve above every bid leaves the slot empty") {
    const AuctionOutcome out = run_one(*mechanism("second_price", 0.8), bids, ctr, rng);
    CHECK(out.winner(0, 0) == -1);
    CHECK(out.price(0, 0) == 0.0);
  }
  SUBCASE("a single bidder pays the reserve, or nothing without one") {
    CHECK(run_one(*mechanism("second_price", 0.3), {0.5}, ctr, rng).price(0, 0) == 0.3);
    CHECK(run_one(*mechanism("second_price"), {0.5}, ctr, rng).price(0, 0) == 0.0);
    CHECK(run_one(*mechanism("second_price"), {0.5}, ctr, rng).winner(0, 0) == 0);
  }
}

TEST_CASE("generalized second price: several slots, hand-worked") {
  Rng rng(2);
  SUBCASE("bids 5, 3, 2, 1 for ctr 0.5, 0.3: each winner pays the next bid") {
    const AuctionOutcome out =
        run_one(*mechanism("second_price"), {2.0, 5.0, 1.0, 3.0}, {0.5, 0.3}, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.winner(0, 1) == 3);
    CHECK(out.price(0, 0) == 3.0);
    CHECK(out.price(0, 1) == 2.0);
  }
  SUBCASE("more slots than bidders") {
    const AuctionOutcome out =
        run_one(*mechanism("second_price", 0.1), {0.4, 0.6}, {0.5, 0.3, 0.1}, rng);
    CHECK(out.winner(0, 0) == 1);
    CHECK(out.winner(0, 1) == 0);
    CHECK(out.winner(0, 2) == -1);
    CHECK(out.price(0, 0) == 0.4);
    CHECK(out.price(0, 1) == 0.1);  // nobody below: the reserve
    CHECK(out.price(0, 2) == 0.0);
    CHECK(run_one(*mechanism("second_price"), {0.4, 0.6}, {0.5, 0.3}, rng).price(0, 1) == 0.0);
  }
  SUBCASE("a reserve between bids: the last winner pays the reserve, lower slots stay empty") {
    const AuctionOutcome out =
        run_one(*mechanism("second_price", 2.5), {5.0, 3.0, 2.0, 1.0}, {0.5, 0.3, 0.1}, rng);
    CHECK(out.winner(0, 0) == 0);
    CHECK(out.winner(0, 1) == 1);
    CHECK(out.winner(0, 2) == -1);
    CHECK(out.price(0, 0) == 3.0);
    CHECK(out.price(0, 1) == 2.5);
    CHECK(out.price(0, 2) == 0.0);
  }
  SUBCASE("a tie for the second slot: the loser's equal bid sets the price") {
    const AuctionOutcome out =
        run_one(*mechanism("second_price"), {0.9, 0.5, 0.5}, {0.5, 0.3}, rng);
    CHECK(out.winner(0, 0) == 0);
    CHECK(out.price(0, 0) == 0.5);
    CHECK((out.winner(0, 1) == 1 || out.winner(0, 1) == 2));
    CHECK(out.price(0, 1) == 0.5);
  }
}

TEST_CASE("second price: ties are broken uniformly; the price is the tied bid") {
  Rng rng(3);
  constexpr int kTrials = 30000;
  std::vector<double> bids;
  for (int t = 0; t < kTrials; ++t) bids.insert(bids.end(), {0.1, 0.5, 0.5, 0.5});
  AuctionOutcome out;
  mechanism("second_price")->run(bids.data(), kTrials, 4, std::vector<double>{1.0}, out, rng);
  std::vector<int> wins(4, 0);
  for (int t = 0; t < kTrials; ++t) {
    ++wins[static_cast<std::size_t>(out.winner(t, 0))];
    CHECK(out.price(t, 0) == 0.5);
  }
  CHECK(wins[0] == 0);
  // Binomial: each of 3 tied bidders wins w.p. 1/3; 5 standard errors.
  const double tolerance = 5.0 * std::sqrt((1.0 / 3) * (2.0 / 3) / kTrials);
  for (int i = 1; i < 4; ++i) CHECK(std::fabs(wins[i] / double{kTrials} - 1.0 / 3) <= tolerance);
}

TEST_CASE("second price is deterministic for a fixed seed") {
  Rng bid_rng(4);
  boost::random::uniform_int_distribution<int> level(0, 4);
  std::vector<double> bids(5000 * 5);
  for (double& b : bids) b = 0.25 * level(bid_rng);
  AuctionOutcome a, b;
  Rng rng_a(9), rng_b(9);
  const auto m = mechanism("second_price", 0.25);
  m->run(bids.data(), 5000, 5, std::vector<double>{0.6, 0.3, 0.1}, a, rng_a);
  m->run(bids.data(), 5000, 5, std::vector<double>{0.6, 0.3, 0.1}, b, rng_b);
  CHECK((a.winner == b.winner).all());
  CHECK((a.price == b.price).all());
}

TEST_CASE("second price deviation(): hand-worked") {
  const auto m = mechanism("second_price");
  const std::vector<double> ctr = {1.0};
  const std::vector<double> others = {0.7, 0.4};
  DeviationOutcome d = m->deviation(others, 0.8, ctr);
  CHECK(d.clicks == 1.0);
  CHECK(d.payment == 0.7);
  d = m->deviation(others, 0.7, ctr);  // a two-way tie
  CHECK(d.clicks == 0.5);
  CHECK(d.payment == 0.35);
  CHECK(m->deviation(others, 0.5, ctr).clicks == 0.0);
  CHECK(mechanism("second_price", 0.6)->deviation(std::vector<double>{0.4}, 0.6, ctr).payment ==
        0.6);
  CHECK(mechanism("second_price", 0.6)->deviation(std::vector<double>{0.4}, 0.59, ctr).payment ==
        0.0);
  CHECK(mechanism("second_price", 0.2)->deviation(std::vector<double>{}, 0.9, ctr).payment == 0.2);
  // GSP, others 5, 2, 1 for ctr 0.5, 0.3 (the hand-worked env example, bidder with value 4).
  const std::vector<double> gsp_others = {5.0, 2.0, 1.0};
  const std::vector<double> gsp_ctr = {0.5, 0.3};
  d = m->deviation(gsp_others, 2.5, gsp_ctr);
  CHECK(d.clicks == 0.3);
  CHECK(d.payment == doctest::Approx(0.6));
  d = m->deviation(gsp_others, 2.0, gsp_ctr);  // tie with the 2 for slot 1: half of it
  CHECK(d.clicks == doctest::Approx(0.15));
  CHECK(d.payment == doctest::Approx(0.3));
  d = m->deviation(gsp_others, 6.0, gsp_ctr);
  CHECK(d.clicks == 0.5);
  CHECK(d.payment == 2.5);
  CHECK(m->deviation(gsp_others, 1.5, gsp_ctr).clicks == 0.0);
}

TEST_CASE("second price deviation() matches run() without ties, exactly") {
  check_deviation_matches_run("second_price");
}

TEST_CASE("second price deviation() matches the average of run() over random tie-breaks") {
  check_deviation_matches_run_with_ties("second_price");
}

TEST_CASE("second price deviations() is bitwise identical to deviation()") {
  check_deviations_batch_matches("second_price");
}

TEST_CASE("second price: truthful bidders are individually rational") {
  // With bids = values every winner pays at most its value (Vickrey 1961), in every slot.
  Rng rng(5);
  for (int trial = 0; trial < 3000; ++trial) {
    const Instance x = random_instance(rng, trial % 2 == 0);
    const AuctionOutcome out = run_one(*mechanism("second_price", x.reserve), x.bids, x.ctr, rng);
    check_outcome_structure(out, x.bids.data(), x.n, static_cast<int>(x.ctr.size()), x.reserve);
    for (int i = 0; i < x.n; ++i) {
      const DeviationOutcome r = realized(out, 0, i, x.ctr);
      CHECK(x.bids[i] * r.clicks - r.payment >= -1e-15);
    }
  }
}

TEST_CASE("second price with one slot is truthful: no profitable deviation") {
  // Vickrey (1961): bidding one's value is a dominant strategy. On random instances (with
  // reserves, and with grid values that create ties) no bid on a fine grid, nor any other
  // bidder's exact bid, beats the truthful bid's expected utility.
  Rng rng(6);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 1500; ++trial) {
    Instance x = random_instance(rng, trial % 3 == 0);
    x.ctr = {0.1 + 0.9 * unit(rng)};
    const auto m = mechanism("second_price", x.reserve);
    const int i = trial % x.n;
    const double value = x.bids[static_cast<std::size_t>(i)];
    const std::vector<double> others = others_desc(x.bids.data(), x.n, i);
    const DeviationOutcome truthful = m->deviation(others, value, x.ctr);
    const double best = value * truthful.clicks - truthful.payment;
    std::vector<double> candidates = others;
    candidates.push_back(x.reserve);
    for (int g = 0; g <= 150; ++g) candidates.push_back(0.01 * g);
    for (double b : candidates) {
      const DeviationOutcome d = m->deviation(others, b, x.ctr);
      INFO("trial ", trial, " value ", value, " bid ", b);
      CHECK(value * d.clicks - d.payment <= best + 1e-12);
    }
  }
}

TEST_CASE("generalized second price is not truthful with several slots (EOS 2007 example)") {
  // Edelman, Ostrovsky & Schwarz (2007) §3: values 10, 4, 2 and click rates 200, 199 per
  // slot. Truthfully, bidder 1 takes slot 1 and earns 200 (10 - 4) = 1200; bidding 3 takes
  // slot 2 for 199 (10 - 2) = 1592. Rates scaled to 1 and 0.995.
  const auto m = mechanism("second_price");
  const std::vector<double> ctr = {1.0, 0.995};
  const std::vector<double> others = {4.0, 2.0};
  const DeviationOutcome truthful = m->deviation(others, 10.0, ctr);
  const DeviationOutcome shaded = m->deviation(others, 3.0, ctr);
  CHECK(10.0 * truthful.clicks - truthful.payment == doctest::Approx(6.0));
  CHECK(10.0 * shaded.clicks - shaded.payment == doctest::Approx(0.995 * 8.0));
  CHECK(10.0 * shaded.clicks - shaded.payment > 10.0 * truthful.clicks - truthful.payment);
}

}  // namespace
}  // namespace agora::testing
