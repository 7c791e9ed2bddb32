// vcg: Vickrey-Clarke-Groves for position auctions. Model (mechanisms/position_auction.h,
// docs/mechanisms.md): eligible bidders are ranked by score b q^α + w e; the winner of slot s
// pays Σ_{t=s}^{k-1} (u_t − u_{t+1}) θ(O_t), u_t its quantity in slot t (ctr_t q per click, 1
// per impression; u_k = 0) and θ(O_t) = max(r_i, (O_t − w e) / q^α) the least bid that beats
// the t-th best other score. With α = 1, w = 0 and no reserve this is the VCG externality
// Σ_{t>=s} (ctr_t − ctr_{t+1}) O_t (Aggarwal, Goel & Motwani 2006; Varian 2007; EOS 2007);
// in general it is Myerson's (1981) payment identity for the score-ranking allocation, so
// truthful bidding is dominant (Clarke 1971; Groves 1973).
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <functional>
#include <vector>

#include "analysis/incentive_regret.h"
#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

TEST_CASE("VCG with one slot is the second-price auction") {
  // Bids 0.2, 0.7, 0.4: the externality of bidder 1 on the others is 0.4 (Vickrey 1961);
  // with a reserve of 0.5 the least winning bid is 0.5.
  Rng rng(1);
  const Auction auction = make_auction({0.2, 0.7, 0.4});
  AuctionOutcome out = run_one(*mechanism("vcg"), auction, rng);
  check_slot(out, 0, 1, 0.4, 0.4);
  check_bidder(out, 1, 1.0, 0.4);
  out = run_one(*mechanism("vcg", {{"reserve", 0.5}}), auction, rng);
  check_slot(out, 0, 1, 0.5, kNone);
}

TEST_CASE("VCG, several slots: each winner pays its externality on the bidders below") {
  // Values (bids) 10, 8, 5, 2 for ctr 1, 0.6, 0.3 (Varian 2007 §3's formula
  // p_s = Σ_{t>=s} (ctr_t − ctr_{t+1}) b_{t+1}):
  //   slot 2: (0.3 − 0) x 2 = 0.6 (2 per click);
  //   slot 1: (0.6 − 0.3) x 5 + 0.6 = 2.1 (3.5 per click);
  //   slot 0: (1 − 0.6) x 8 + 2.1 = 5.3 (5.3 per click).
  Rng rng(2);
  const Auction auction = make_auction({10.0, 8.0, 5.0, 2.0}, {1.0, 0.6, 0.3});
  SUBCASE("no reserve") {
    const AuctionOutcome out = run_one(*mechanism("vcg"), auction, rng);
    check_slot(out, 0, 0, 5.3, 8.0);
    check_slot(out, 1, 1, 3.5, 5.0);
    check_slot(out, 2, 2, 2.0, 2.0);
    CHECK(out.runner_up(0) == 3);
    check_bidder(out, 0, 1.0, 5.3);
    check_bidder(out, 1, 0.6, 2.1);
    check_bidder(out, 2, 0.3, 0.6);
    check_bidder(out, 3, 0.0, 0.0);
  }
  SUBCASE("a reserve of 4: thresholds are at least the reserve") {
    // Bidder 3 (2 < 4) is out, so θ(O_2) = 4 for everyone:
    //   slot 2: 0.3 x 4 = 1.2 (4 per click); slot 1: 0.3 x 5 + 1.2 = 2.7 (4.5);
    //   slot 0: 0.4 x 8 + 0.3 x 5 + 0.3 x 4 = 5.9.
    const AuctionOutcome out = run_one(*mechanism("vcg", {{"reserve", 4.0}}), auction, rng);
    check_slot(out, 0, 0, 5.9, 8.0);
    check_slot(out, 1, 1, 4.5, 5.0);
    check_slot(out, 2, 2, 4.0, kNone);
    CHECK(out.runner_up(0) == -1);
    check_bidder(out, 2, 0.3, 1.2);
  }
  SUBCASE("a personal reserve of 7 for bidder 0 raises its thresholds only") {
    // θ_0(O_t) = max(7, O_t): 0.4 x 8 + 0.3 x max(7, 5) + 0.3 x max(7, 2) = 7.4.
    const AuctionOutcome out =
        run_one(*mechanism("vcg", {{"reserves", {7.0, 0.0, 0.0, 0.0}}}), auction, rng);
    check_slot(out, 0, 0, 7.4, 8.0);
    check_bidder(out, 0, 1.0, 7.4);
    check_bidder(out, 1, 0.6, 2.1);
    check_bidder(out, 2, 0.3, 0.6);
  }
  SUBCASE("per impression: every slot is one impression, so every winner pays the last") {
    // u_t = 1 for t < 3 and u_3 = 0: only the last step counts, θ(O_2) = the best loser's
    // bid 2 (docs/mechanisms.md); with a reserve of 4 nobody eligible loses, θ = 4.
    AuctionOutcome out = run_one(*mechanism("vcg", {{"pricing", "per_impression"}}), auction, rng);
    for (int s = 0; s < 3; ++s) CHECK(out.price(0, s) == doctest::Approx(2.0));
    check_bidder(out, 0, 1.0, 2.0);
    check_bidder(out, 2, 0.3, 2.0);
    out =
        run_one(*mechanism("vcg", {{"pricing", "per_impression"}, {"reserve", 4.0}}), auction, rng);
    for (int s = 0; s < 3; ++s) CHECK(out.price(0, s) == doctest::Approx(4.0));
  }
}

TEST_CASE("VCG with quality scores") {
  // Bids 10, 8, 5, 2 with qualities 1/2, 1, 1/2, 2 for ctr 1, 0.5.
  Rng rng(3);
  const Auction auction = make_auction({10.0, 8.0, 5.0, 2.0}, {1.0, 0.5}, {0.5, 1.0, 0.5, 2.0});
  SUBCASE("α = 1: the externality in score units") {
    // Scores 5, 8, 2.5, 4: order 1, 0, 3, 2. A bidder's declared welfare in slot t is
    // ctr_t q b = ctr_t x score.
    //   Bidder 1 (slot 0): others' welfare without it 5 x 1 + 4 x 0.5 = 7, with it
    //   5 x 0.5 = 2.5: pays 4.5 for 1 click. Formula: 0.5 x 5/1 + 0.5 x 4/1 = 4.5.
    //   Bidder 0 (slot 1): without it 8 + 4 x 0.5 = 10, with it 8: pays 2 for
    //   0.5 x 0.5 = 0.25 clicks, 8 per click <= 10. Formula: 0.25 x 4/0.5 = 2.
    const AuctionOutcome out = run_one(*mechanism("vcg"), auction, rng);
    check_slot(out, 0, 1, 4.5, 5.0);
    check_slot(out, 1, 0, 8.0, 4.0);
    CHECK(out.runner_up(0) == 3);
    check_bidder(out, 1, 1.0, 4.5);
    check_bidder(out, 0, 0.25, 2.0);
  }
  SUBCASE("α = 0: threshold prices of the rank-by-bid allocation") {
    // Order 0 (10), 1 (8), 2 (5). Bidder 0 (q = 1/2): u = 0.5, 0.25:
    // (0.5 − 0.25) x 8 + 0.25 x 5 = 3.25 (6.5 per click). Bidder 1: 0.5 x 5 = 2.5 (5).
    const AuctionOutcome out =
        run_one(*mechanism("vcg", {{"quality_exponent", 0.0}}), auction, rng);
    check_slot(out, 0, 0, 6.5, 8.0);
    check_slot(out, 1, 1, 5.0, 5.0);
    check_bidder(out, 0, 0.5, 3.25);
    check_bidder(out, 1, 0.5, 2.5);
  }
  SUBCASE("additive weight w = 1") {
    // e_2 = 4: scores 5, 8, 2.5 + 4 = 6.5, 4; order 1, 2, 0. Bidder 1: 0.5 x 6.5 + 0.5 x 5 =
    // 5.75. Bidder 2 (q = 1/2, others 8, 5, 4): u_1 = 0.25, θ(5) = (5 − 4) / 0.5 = 2: pays 0.5.
    Auction with_additive = auction;
    with_additive.additive = {0.0, 0.0, 4.0, 0.0};
    const AuctionOutcome out =
        run_one(*mechanism("vcg", {{"additive_weight", 1.0}}), with_additive, rng);
    check_slot(out, 0, 1, 5.75, 6.5);
    check_slot(out, 1, 2, 2.0, 5.0);
    check_bidder(out, 1, 1.0, 5.75);
    check_bidder(out, 2, 0.25, 0.5);
  }
}

// Σ_t ctr_t x (t-th highest score): the declared welfare of bidders with these scores.
double welfare(std::vector<double> scores, const std::vector<double>& ctr) {
  std::sort(scores.begin(), scores.end(), std::greater<>());
  double total = 0.0;
  for (std::size_t t = 0; t < ctr.size() && t < scores.size(); ++t) total += ctr[t] * scores[t];
  return total;
}

TEST_CASE("VCG payments equal the externality, by brute force (random markets)") {
  // Clarke (1971): bidder i pays the others' welfare without i minus the others' welfare with
  // i. With α = 1, w = 0 and no reserve, bidder j's declared welfare in slot t is
  // ctr_t q_j b_j = ctr_t x score_j. Unit qualities in half the markets, U[0.2, 2] otherwise.
  Rng rng(4);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto m = mechanism("vcg");
  for (int trial = 0; trial < 1000; ++trial) {
    const int n = boost::random::uniform_int_distribution<int>(1, 7)(rng);
    Auction auction =
        make_auction({}, random_ctr(boost::random::uniform_int_distribution<int>(1, 4)(rng), rng));
    for (int i = 0; i < n; ++i) auction.bids.push_back(unit(rng));
    if (trial % 2 == 1) {
      for (int i = 0; i < n; ++i) auction.quality.push_back(0.2 + 1.8 * unit(rng));
    }
    const AuctionOutcome out = run_one(*m, auction, rng);
    std::vector<double> scores;
    for (int i = 0; i < n; ++i)
      scores.push_back(auction.bids[static_cast<std::size_t>(i)] * view_of(auction, i).quality);
    for (int i = 0; i < n; ++i) {
      std::vector<double> others = scores;
      others.erase(others.begin() + i);
      double others_with_i = 0.0;
      for (int s = 0; s < static_cast<int>(auction.ctr.size()); ++s) {
        const int w = out.winner(0, s);
        if (w >= 0 && w != i)
          others_with_i +=
              auction.ctr[static_cast<std::size_t>(s)] * scores[static_cast<std::size_t>(w)];
      }
      const double externality = welfare(others, auction.ctr) - others_with_i;
      INFO("trial ", trial, " bidder ", i);
      CHECK(out.payment(0, i) == doctest::Approx(externality).epsilon(1e-12));
    }
  }
}

TEST_CASE("VCG is truthful: no deviation beats bidding the value (random markets)") {
  // Dominant-strategy incentive compatibility (Clarke 1971; Groves 1973; for α != 1 or w != 0
  // the threshold prices of Myerson 1981). Random markets with every VCG parameter (qualities,
  // α in {0, 1/2, 1, 2}, w in {1/2, −1/4, 3/2} with additive terms, global and personal
  // reserves), per-click pricing; bidder i has a random value v in [0, 1.2]. From the deviation
  // profile, the utility v x clicks(b) − payment(b) at every bid b of a 0.005 grid on [0, 2],
  // at every breakpoint and 1e-9 either side of it, is at most the truthful utility + 1e-9,
  // and so is the exact supremum over [0, 2] (ex_post_regret).
  Rng rng(5);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 600; ++trial) {
    RandomMarket x = random_market("vcg", rng, false);
    x.params.erase("pricing");
    const auto m = mechanism("vcg", x.params);
    const int i = boost::random::uniform_int_distribution<int>(
        0, static_cast<int>(x.auction.bids.size()) - 1)(rng);
    const double value = 1.2 * unit(rng);
    DeviationProfile profile;
    m->deviation_profile(with_bid(x.auction, i, value).batch(), 0, i, profile);
    const double truthful = utility(value, profile.at(value));
    std::vector<double> bids;
    for (int g = 0; g <= 400; ++g) bids.push_back(0.005 * g);
    for (const LinearPiece& piece : profile.clicks.pieces()) {
      for (double b : {piece.from, piece.from * (1 - 1e-9), piece.from * (1 + 1e-9)}) {
        if (b >= 0.0 && b <= 2.0) bids.push_back(b);
      }
    }
    INFO("trial ", trial, " bidder ", i, " value ", value, " params ", x.params.dump());
    for (double b : bids) {
      INFO("bid ", b);
      CHECK(utility(value, profile.at(b)) <= truthful + 1e-9);
    }
    PiecewiseLinear u;
    profile.utility(value, u);
    CHECK(ex_post_regret(u, value, 0.0, 2.0).regret <= 1e-9);
  }
}

}  // namespace
}  // namespace agora::testing
