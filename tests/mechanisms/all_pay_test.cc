// all_pay: every eligible bidder pays its bid, win or lose; the k best scores b q^α + w e win
// the slots. The bid is a payment per auction, so there is no per-click pricing; a bid below
// the bidder's reserve max(reserve, reserves[i]) is not entered and pays nothing.
// Sources: Krishna, Auction Theory (2nd ed., 2010) §2.5; Baye, Kovenock & de Vries (1996);
// mechanisms/all_pay.cc and docs/mechanisms.md for the model.
#include <doctest/doctest.h>

#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

TEST_CASE("all-pay, one slot: winners and losers pay their bids") {
  // Bids 0.2, 0.7, 0.4: bidder 1 wins the ctr-1 click; everyone pays its bid; the slot's price
  // is the winner's bid.
  Rng rng(1);
  const Auction auction = make_auction({0.2, 0.7, 0.4});
  SUBCASE("no reserve") {
    const AuctionOutcome out = run_one(*mechanism("all_pay"), auction, rng);
    check_slot(out, 0, 1, 0.7, 0.4);
    CHECK(out.runner_up(0) == 2);
    check_bidder(out, 0, 0.0, 0.2);
    check_bidder(out, 1, 1.0, 0.7);
    check_bidder(out, 2, 0.0, 0.4);
  }
  SUBCASE("a reserve of 0.3: the bid below it pays nothing") {
    const AuctionOutcome out = run_one(*mechanism("all_pay", {{"reserve", 0.3}}), auction, rng);
    check_slot(out, 0, 1, 0.7, 0.4);
    CHECK(out.score(0, 0) == -INFINITY);
    check_bidder(out, 0, 0.0, 0.0);
    check_bidder(out, 2, 0.0, 0.4);
  }
  SUBCASE("a personal reserve of 0.5 for bidder 2: it is out and pays nothing") {
    // Bidder 0 (0.2, reserve 0) is now the next eligible bidder: clearing score 0.2.
    const AuctionOutcome out =
        run_one(*mechanism("all_pay", {{"reserves", {0.0, 0.0, 0.5}}}), auction, rng);
    check_slot(out, 0, 1, 0.7, 0.2);
    CHECK(out.runner_up(0) == 0);
    check_bidder(out, 0, 0.0, 0.2);
    check_bidder(out, 2, 0.0, 0.0);
  }
  SUBCASE("a reserve above every bid: nobody enters, nobody pays") {
    const AuctionOutcome out = run_one(*mechanism("all_pay", {{"reserve", 0.9}}), auction, rng);
    check_slot(out, 0, -1, 0.0, kNone);
    for (int i = 0; i < 3; ++i) check_bidder(out, i, 0.0, 0.0);
  }
}

TEST_CASE("all-pay, several slots with quality: clicks scale, payments stay the bid") {
  // Bids 2, 5, 1, 3 with qualities 1, 1/4, 1/2, 1/2 for ctr 0.5, 0.3, α = 1: scores 2, 1.25,
  // 0.5, 1.5, order 0, 3, 1, 2. Bidder 0 gets 0.5 clicks, bidder 3 0.3 x 0.5 = 0.15; each of
  // the four pays its bid once.
  Rng rng(2);
  const Auction auction = make_auction({2.0, 5.0, 1.0, 3.0}, {0.5, 0.3}, {1.0, 0.25, 0.5, 0.5});
  const AuctionOutcome out = run_one(*mechanism("all_pay"), auction, rng);
  check_slot(out, 0, 0, 2.0, 1.5);
  check_slot(out, 1, 3, 3.0, 1.25);
  CHECK(out.runner_up(0) == 1);
  check_bidder(out, 0, 0.5, 2.0);
  check_bidder(out, 1, 0.0, 5.0);
  check_bidder(out, 2, 0.0, 1.0);
  check_bidder(out, 3, 0.15, 3.0);
}

TEST_CASE("all-pay: tied bidders both pay, whoever wins") {
  // Bids 0.5, 0.5, 0.1 for one slot: the winner is 0 or 1 at random; both pay 0.5.
  Rng rng(3);
  for (int draw = 0; draw < 20; ++draw) {
    const AuctionOutcome out = run_one(*mechanism("all_pay"), make_auction({0.5, 0.5, 0.1}), rng);
    const int w = out.winner(0, 0);
    REQUIRE((w == 0 || w == 1));
    check_bidder(out, w, 1.0, 0.5);
    check_bidder(out, 1 - w, 0.0, 0.5);
    check_bidder(out, 2, 0.0, 0.1);
  }
}

TEST_CASE("all-pay deviation(): the payment is the bid from the reserve on") {
  // Bidder 0 against 0.7 and 0.4 for one slot, reserve 0.3: below 0.3 it is out (nothing);
  // from 0.3 to below 0.7 it loses and pays its bid; at 0.7 it ties (half a click) and pays
  // 0.7; above, it wins and pays its bid.
  const auto m = mechanism("all_pay", {{"reserve", 0.3}});
  const Auction auction = make_auction({0.0, 0.7, 0.4});
  const auto at = [&](double bid) { return m->deviation(auction.batch(), 0, 0, bid); };
  CHECK(at(0.2).clicks == 0.0);
  CHECK(at(0.2).payment == 0.0);
  CHECK(at(0.3).clicks == 0.0);
  CHECK(at(0.3).payment == doctest::Approx(0.3));
  CHECK(at(0.5).payment == doctest::Approx(0.5));
  CHECK(at(0.7).clicks == doctest::Approx(0.5));
  CHECK(at(0.7).payment == doctest::Approx(0.7));
  CHECK(at(0.8).clicks == 1.0);
  CHECK(at(0.8).payment == doctest::Approx(0.8));
}

}  // namespace
}  // namespace agora::testing
