// first_price: first-price sealed bid; with several slots the generalized first price (GFP)
// position auction. Model (mechanisms/position_auction.h, docs/mechanisms.md): eligible bidders
// (bid >= max(reserve, reserves[i])) are ranked by score b q^α + w e (Lahaie & Pennock 2007);
// the winner of slot s gets ctr[s] q clicks and pays its own bid per click (per impression with
// pricing "per_impression"). Sources: Vickrey (1961); Krishna, Auction Theory (2nd ed., 2010)
// ch. 2; Edelman, Ostrovsky & Schwarz (2007) for GFP. The hand-worked cases are ported from the
// tests of the previous API.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_real_distribution.hpp>
#include <functional>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

TEST_CASE("first price, one slot: the highest eligible bid wins and pays itself") {
  // Bids 0.2, 0.7, 0.4: bidder 1 wins and pays 0.7 for its ctr 1 click; bidder 2 (0.4) is
  // ranked next, so the clearing score is 0.4 and bidder 2 the runner-up.
  Rng rng(1);
  const Auction auction = make_auction({0.2, 0.7, 0.4});
  SUBCASE("no reserve") {
    const AuctionOutcome out = run_one(*mechanism("first_price"), auction, rng);
    check_slot(out, 0, 1, 0.7, 0.4);
    CHECK(out.runner_up(0) == 2);
    check_bidder(out, 0, 0.0, 0.0);
    check_bidder(out, 1, 1.0, 0.7);
    check_bidder(out, 2, 0.0, 0.0);
  }
  SUBCASE("a reserve of 0.5 leaves the price and excludes the others") {
    // 0.2 and 0.4 are below 0.5: ineligible (score -inf), so nobody is ranked below.
    const AuctionOutcome out = run_one(*mechanism("first_price", {{"reserve", 0.5}}), auction, rng);
    check_slot(out, 0, 1, 0.7, kNone);
    CHECK(out.runner_up(0) == -1);
    CHECK(out.score(0, 2) == -INFINITY);
  }
  SUBCASE("a bid equal to the reserve is eligible") {
    const AuctionOutcome out = run_one(*mechanism("first_price", {{"reserve", 0.7}}), auction, rng);
    check_slot(out, 0, 1, 0.7, kNone);
  }
  SUBCASE("a reserve above every bid leaves the slot empty") {
    const AuctionOutcome out = run_one(*mechanism("first_price", {{"reserve", 0.8}}), auction, rng);
    check_slot(out, 0, -1, 0.0, kNone);
    CHECK(out.runner_up(0) == -1);
    for (int i = 0; i < 3; ++i) check_bidder(out, i, 0.0, 0.0);
  }
  SUBCASE("a single bidder above the reserve") {
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"reserve", 0.3}}), make_auction({0.5}), rng);
    check_slot(out, 0, 0, 0.5, kNone);
    check_bidder(out, 0, 1.0, 0.5);
  }
}

TEST_CASE("generalized first price: several slots, per click and per impression") {
  // Bids 2, 5, 1, 3 (bidders 0..3) for ctr 0.5, 0.3: order 1 (5), 3 (3), 0 (2), 2 (1).
  // Slot 0: bidder 1, 0.5 clicks at 5 = 2.5; slot 1: bidder 3, 0.3 clicks at 3 = 0.9.
  Rng rng(2);
  const Auction auction = make_auction({2.0, 5.0, 1.0, 3.0}, {0.5, 0.3});
  SUBCASE("per click") {
    const AuctionOutcome out = run_one(*mechanism("first_price"), auction, rng);
    check_slot(out, 0, 1, 5.0, 3.0);
    check_slot(out, 1, 3, 3.0, 2.0);
    CHECK(out.runner_up(0) == 0);
    check_bidder(out, 0, 0.0, 0.0);
    check_bidder(out, 1, 0.5, 2.5);
    check_bidder(out, 2, 0.0, 0.0);
    check_bidder(out, 3, 0.3, 0.9);
  }
  SUBCASE("per impression: the payment is the bid, clicks are unchanged") {
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"pricing", "per_impression"}}), auction, rng);
    check_slot(out, 0, 1, 5.0, 3.0);
    check_slot(out, 1, 3, 3.0, 2.0);
    check_bidder(out, 1, 0.5, 5.0);
    check_bidder(out, 3, 0.3, 3.0);
  }
  SUBCASE("a reserve of 2.5 empties the slots below it") {
    // Only 5 and 3 are eligible: the third slot stays empty, nobody is ranked below slot 1.
    const AuctionOutcome out = run_one(*mechanism("first_price", {{"reserve", 2.5}}),
                                       make_auction({2.0, 5.0, 1.0, 3.0}, {0.5, 0.3, 0.1}), rng);
    check_slot(out, 0, 1, 5.0, 3.0);
    check_slot(out, 1, 3, 3.0, kNone);
    check_slot(out, 2, -1, 0.0, kNone);
    CHECK(out.runner_up(0) == -1);
  }
  SUBCASE("more slots than bidders") {
    const AuctionOutcome out =
        run_one(*mechanism("first_price"), make_auction({0.4, 0.6}, {0.5, 0.3, 0.1}), rng);
    check_slot(out, 0, 1, 0.6, 0.4);
    check_slot(out, 1, 0, 0.4, kNone);
    check_slot(out, 2, -1, 0.0, kNone);
    check_bidder(out, 0, 0.3, 0.12);
  }
  SUBCASE("per-bidder reserves with a global reserve: r_i = max(reserve, reserves[i])") {
    // reserve 1.5, reserves 0, 6, 0, 0: bidder 1 (5 < 6) and bidder 2 (1 < 1.5) are out; the
    // order is 3 (3), 0 (2) and nobody is left below slot 1.
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"reserve", 1.5}, {"reserves", {0.0, 6.0, 0.0, 0.0}}}),
                auction, rng);
    check_slot(out, 0, 3, 3.0, 2.0);
    check_slot(out, 1, 0, 2.0, kNone);
    CHECK(out.runner_up(0) == -1);
    check_bidder(out, 1, 0.0, 0.0);
    check_bidder(out, 3, 0.5, 1.5);
    check_bidder(out, 0, 0.3, 0.6);
  }
}

TEST_CASE("generalized first price with quality scores b q^α + w e") {
  // Bids 2, 5, 1, 3 with qualities 1, 1/4, 1/2, 1/2 for ctr 0.5, 0.3; bidder i in slot s gets
  // ctr[s] q_i clicks and pays its bid per click.
  Rng rng(3);
  const Auction auction = make_auction({2.0, 5.0, 1.0, 3.0}, {0.5, 0.3}, {1.0, 0.25, 0.5, 0.5});
  SUBCASE("α = 1: rank by bid x quality") {
    // Scores 2, 1.25, 0.5, 1.5: order 0, 3, 1. Bidder 0: 0.5 clicks x 2 = 1; bidder 3:
    // 0.3 x 0.5 = 0.15 clicks x 3 = 0.45.
    const AuctionOutcome out = run_one(*mechanism("first_price"), auction, rng);
    check_slot(out, 0, 0, 2.0, 1.5);
    check_slot(out, 1, 3, 3.0, 1.25);
    CHECK(out.runner_up(0) == 1);
    check_bidder(out, 0, 0.5, 1.0);
    check_bidder(out, 3, 0.15, 0.45);
  }
  SUBCASE("α = 0: rank by bid, clicks still scale with quality") {
    // Order 1 (5), 3 (3), 0 (2). Bidder 1: 0.5 x 0.25 = 0.125 clicks x 5 = 0.625.
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"quality_exponent", 0.0}}), auction, rng);
    check_slot(out, 0, 1, 5.0, 3.0);
    check_slot(out, 1, 3, 3.0, 2.0);
    CHECK(out.runner_up(0) == 0);
    check_bidder(out, 1, 0.125, 0.625);
  }
  SUBCASE("α = 1/2: squashed quality") {
    // Scores 2·1 = 2, 5·½ = 2.5, 1·√½ ≈ 0.707, 3·√½ ≈ 2.121: order 1, 3, 0.
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"quality_exponent", 0.5}}), auction, rng);
    check_slot(out, 0, 1, 5.0, 3.0 * std::sqrt(0.5));
    check_slot(out, 1, 3, 3.0, 2.0);
    CHECK(out.runner_up(0) == 0);
  }
  SUBCASE("additive weight w = 2 with e_2 = 0.875") {
    // Scores 2, 1.25, 0.5 + 2 x 0.875 = 2.25, 1.5: order 2, 0, 3. Bidder 2: 0.5 x 0.5 = 0.25
    // clicks x 1 = 0.25; bidder 0: 0.3 clicks x 2 = 0.6.
    Auction with_additive = auction;
    with_additive.additive = {0.0, 0.0, 0.875, 0.0};
    const AuctionOutcome out =
        run_one(*mechanism("first_price", {{"additive_weight", 2.0}}), with_additive, rng);
    check_slot(out, 0, 2, 1.0, 2.0);
    check_slot(out, 1, 0, 2.0, 1.5);
    CHECK(out.runner_up(0) == 3);
    check_bidder(out, 2, 0.25, 0.25);
    check_bidder(out, 0, 0.3, 0.6);
  }
}

TEST_CASE("first price deviation(): hand-worked") {
  // Bidder 0's clicks and payment as its bid varies, the others fixed.
  const auto m = mechanism("first_price");
  SUBCASE("one slot against 0.7 and 0.4") {
    const Auction auction = make_auction({0.0, 0.7, 0.4});
    DeviationOutcome d = m->deviation(auction.batch(), 0, 0, 0.8);
    CHECK(d.clicks == 1.0);
    CHECK(d.payment == doctest::Approx(0.8));
    d = m->deviation(auction.batch(), 0, 0, 0.7);  // a two-way tie: half the slot at 0.7
    CHECK(d.clicks == 0.5);
    CHECK(d.payment == doctest::Approx(0.35));
    d = m->deviation(auction.batch(), 0, 0, 0.5);
    CHECK(d.clicks == 0.0);
    CHECK(d.payment == 0.0);
  }
  SUBCASE("reserve 0.6 against 0.4, and alone") {
    const auto reserved = mechanism("first_price", {{"reserve", 0.6}});
    const Auction auction = make_auction({0.0, 0.4});
    CHECK(reserved->deviation(auction.batch(), 0, 0, 0.55).clicks == 0.0);
    CHECK(reserved->deviation(auction.batch(), 0, 0, 0.6).payment == doctest::Approx(0.6));
    CHECK(reserved->deviation(make_auction({0.0}).batch(), 0, 0, 0.9).payment ==
          doctest::Approx(0.9));
  }
  SUBCASE("two slots (ctr 0.5, 0.3) against 5, 2, 1: bidding 2.5 takes slot 1") {
    const Auction auction = make_auction({0.0, 5.0, 2.0, 1.0}, {0.5, 0.3});
    const DeviationOutcome d = m->deviation(auction.batch(), 0, 0, 2.5);
    CHECK(d.clicks == doctest::Approx(0.3));
    CHECK(d.payment == doctest::Approx(0.75));
  }
}

TEST_CASE("first price: the equilibrium bid (n-1)/n v is a best response") {
  // Krishna (2010) §2.3: against n-1 bidders bidding (n-1)/n v with v ~ U[0,1], a bidder with
  // value v maximises (v - b) (n b / (n-1))^(n-1), at b = (n-1)/n v. We estimate the expected
  // utility of each bid on a grid with common random draws of the others (from the
  // mechanism's deviation profile) and check the argmax; the curve is flat at the top: within
  // 0.04 of the optimum it loses < 1%.
  constexpr int n = 3;
  constexpr int kSamples = 20000;
  Rng rng(5);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto m = mechanism("first_price");
  const std::vector<double> ctr = {1.0};
  std::vector<double> grid;
  for (int g = 0; g <= 100; ++g) grid.push_back(0.01 * g);
  const std::vector<double> values = {0.3, 0.6, 0.9};
  std::vector<std::vector<double>> utility(values.size(), std::vector<double>(grid.size(), 0.0));
  DeviationProfile profile;
  for (int sample = 0; sample < kSamples; ++sample) {
    std::vector<double> others;
    for (int j = 0; j < n - 1; ++j) others.push_back((n - 1.0) / n * unit(rng));
    std::sort(others.begin(), others.end(), std::greater<>());
    m->deviation_profile(others, BidderView{}, ctr, profile);
    for (std::size_t v = 0; v < values.size(); ++v) {
      for (std::size_t g = 0; g < grid.size(); ++g) {
        utility[v][g] += testing::utility(values[v], profile.at(grid[g]));
      }
    }
  }
  for (std::size_t v = 0; v < values.size(); ++v) {
    const auto best = std::max_element(utility[v].begin(), utility[v].end()) - utility[v].begin();
    INFO("value ", values[v]);
    CHECK(std::fabs(grid[static_cast<std::size_t>(best)] - (n - 1.0) / n * values[v]) <= 0.04);
  }
}

}  // namespace
}  // namespace agora::testing
