// Incentive regret (analysis/incentive_regret.h): the regret of a bid is the best utility over
// deviations minus the utility of the bid, everything else fixed. ex_post_regret takes the
// exact supremum over [low, high]; grid_regret the maximum over a grid (plus, optionally, the
// breakpoints inside the grid's range and the bids just above them). Utilities are hand-built
// PiecewiseLinear functions and real deviation profiles (one slot, or two slots with ctr (1, 0.5),
// qualities 1): first price is not truthful, second price with one slot is (Vickrey 1961), GSP with
// several slots is not (Edelman, Ostrovsky & Schwarz 2007, §3). Every number is worked out in the
// comments.
#include "analysis/incentive_regret.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

// Bidder 0's utility with value `value` as a function of its own bid, others' bids fixed.
PiecewiseLinear utility_of_bidder0(const std::string& mechanism, std::vector<double> bids,
                                   std::vector<double> ctr, double value) {
  const auto m = make_mechanism(mechanism, Json::object(), "mechanism");
  const AuctionBatch batch{bids.data(), nullptr, nullptr, 1, static_cast<int>(bids.size()), ctr};
  DeviationProfile profile;
  m->deviation_profile(batch, 0, 0, profile);
  PiecewiseLinear utility;
  profile.utility(value, utility);
  return utility;
}

// h(x) = 0 on [0, 1), h(1) = 3, h = 1 on (1, inf) (the point value at 2 is 1 too).
PiecewiseLinear spike_at_one() {
  PiecewiseLinear h;
  h.push(0.0, 0.0, 0.0, 0.0);
  h.push(1.0, 3.0, 1.0, 0.0);
  h.push(2.0, 1.0, 1.0, 0.0);
  return h;
}

TEST_CASE("ex_post_regret on a hand-built utility") {
  const PiecewiseLinear h = spike_at_one();
  // Bid 1.5: h = 1; the best bid over [0, 5] is 1 (h = 3, attained): regret 2.
  BidRegret r = ex_post_regret(h, 1.5, 0.0, 5.0);
  CHECK(r.utility == 1.0);
  CHECK(r.best_utility == 3.0);
  CHECK(r.best_bid == 1.0);
  CHECK(r.attained);
  CHECK(r.regret == 2.0);
  // Restricted to [1.5, 5] nothing beats the bid: regret 0 and the bid itself is best.
  r = ex_post_regret(h, 1.5, 1.5, 5.0);
  CHECK(r.regret == 0.0);
  CHECK(r.best_bid == 1.5);
  CHECK(r.attained);
  // The bid must lie in [low, high].
  CHECK_THROWS_AS(ex_post_regret(h, 6.0, 0.0, 5.0), InvariantError);
}

TEST_CASE("first price, value 1 against a rival bid 0.6: the best deviation is just above 0.6") {
  // u(b) = 0 for b < 0.6; u(0.6) = (1 - 0.6) / 2 = 0.2 (tie, won half the time);
  // u(b) = 1 - b above. The bid 0.8 earns 0.2; bids just above 0.6 approach 0.4.
  const PiecewiseLinear u = utility_of_bidder0("first_price", {0.8, 0.6}, {1.0}, 1.0);
  CHECK(u(0.6) == doctest::Approx(0.2));
  const BidRegret r = ex_post_regret(u, 0.8, 0.0, 1.0);
  CHECK(r.utility == doctest::Approx(0.2));
  CHECK(r.best_utility == doctest::Approx(0.4));
  CHECK(r.best_bid == doctest::Approx(0.6));
  CHECK_FALSE(r.attained);
  CHECK(r.regret == doctest::Approx(0.2));
}

TEST_CASE("second price, one slot: truthful bidding has zero regret, underbidding does not") {
  // Value 1 against 0.6 and 0.3: winning pays 0.6, so u = 0.4 for every bid above 0.6.
  const PiecewiseLinear u = utility_of_bidder0("second_price", {1.0, 0.6, 0.3}, {1.0}, 1.0);
  BidRegret r = ex_post_regret(u, 1.0, 0.0, 2.0);
  CHECK(r.utility == doctest::Approx(0.4));
  CHECK(r.regret == 0.0);
  CHECK(r.best_bid == 1.0);
  CHECK(r.attained);
  // Bidding 0.5 loses (u = 0); every bid above 0.6 earns 0.4 (at 0.6 itself the tie gives
  // only (1 - 0.6) / 2 = 0.2), so the best bid reported is one of them and attains 0.4.
  r = ex_post_regret(u, 0.5, 0.0, 2.0);
  CHECK(r.utility == 0.0);
  CHECK(r.regret == doctest::Approx(0.4));
  CHECK(r.best_bid > 0.6);
  CHECK(r.attained);
  CHECK(u(r.best_bid) == doctest::Approx(0.4));
}

TEST_CASE("GSP with two slots: truthful bidding has positive regret") {
  // ctr (1, 0.5); bidder 0 has value 1, the others bid 0.8 and 0.4.
  //   bid > 0.8: slot 1, pays 0.8 per click:            u = 1 * (1 - 0.8)   = 0.2
  //   0.4 < bid < 0.8: slot 2, pays 0.4 per click:      u = 0.5 * (1 - 0.4) = 0.3
  //   bid = 0.8: tie for slot 1, half 0.2 and half 0.3: u = 0.25
  //   bid = 0.4: tie for slot 2, half 0.3 and half 0:   u = 0.15
  // Truthful bidding (1.0) earns 0.2; shading into (0.4, 0.8) earns 0.3: regret 0.1. The
  // supremum is reported at the threshold 0.4 with attained == false: any bid just above it
  // earns 0.3.
  const PiecewiseLinear u = utility_of_bidder0("gsp", {1.0, 0.8, 0.4}, {1.0, 0.5}, 1.0);
  CHECK(u(0.8) == doctest::Approx(0.25));
  CHECK(u(0.4) == doctest::Approx(0.15));
  const BidRegret r = ex_post_regret(u, 1.0, 0.0, 1.0);
  CHECK(r.utility == doctest::Approx(0.2));
  CHECK(r.best_utility == doctest::Approx(0.3));
  CHECK(r.regret == doctest::Approx(0.1));
  CHECK(r.best_bid == doctest::Approx(0.4));
  CHECK_FALSE(r.attained);

  // A grid {0, 1} sees only u(0) = 0 and u(1) = 0.2: no regret. Adding the thresholds 0.4
  // and 0.8 (both inside [0, 1]) scores the ties u(0.4) = 0.15, u(0.8) = 0.25 and the limits
  // just above them, lim_{b↓0.4} u = 0.3 and lim_{b↓0.8} u = 0.2. The best is 0.3 just above
  // 0.4 — the same supremum as the exact ex_post_regret, not attained at 0.4 itself: regret
  // 0.3 - 0.2 = 0.1. (Scoring only the ties would report 0.25 - 0.2 = 0.05 at 0.8.) A finer
  // grid with 0.5 attains the full 0.1 at a grid point.
  const std::vector<double> coarse = {0.0, 1.0};
  BidRegret g = grid_regret(u, 1.0, coarse, false);
  CHECK(g.regret == 0.0);
  CHECK(g.best_bid == 1.0);
  CHECK(g.attained);
  g = grid_regret(u, 1.0, coarse, true);
  CHECK(g.utility == doctest::Approx(0.2));
  CHECK(g.best_utility == doctest::Approx(0.3));
  CHECK(g.regret == doctest::Approx(0.1));
  CHECK(g.best_bid == doctest::Approx(0.4));
  CHECK_FALSE(g.attained);
  const std::vector<double> fine = {0.0, 0.25, 0.5, 0.75, 1.0};
  g = grid_regret(u, 1.0, fine, false);
  CHECK(g.regret == doctest::Approx(0.1));
  CHECK(g.best_bid == 0.5);
  CHECK(g.attained);

  // Grid {0, 0.4}, bid 0 (u = 0): the threshold 0.4 is the grid's top, so bids above it are
  // out of range and only the tie counts: regret u(0.4) = 0.15, attained at 0.4.
  const std::vector<double> low = {0.0, 0.4};
  g = grid_regret(u, 0.0, low, true);
  CHECK(g.regret == doctest::Approx(0.15));
  CHECK(g.best_bid == doctest::Approx(0.4));
  CHECK(g.attained);
  // Grid {0, 0.5}: 0.4 is inside, and the limit just above it, 0.3, equals u(0.5) = 0.3; the
  // grid point is scored first and kept on the tie, so the best is reported as attained.
  const std::vector<double> half = {0.0, 0.5};
  g = grid_regret(u, 0.0, half, true);
  CHECK(g.regret == doctest::Approx(0.3));
  CHECK(g.best_bid == 0.5);
  CHECK(g.attained);
}

TEST_CASE("grid_regret adds only the thresholds inside the grid's range") {
  const PiecewiseLinear h = spike_at_one();
  // Grid {1.5, 2.5}, bid 2.5: h = 1 on both; the breakpoint 2 is in range (h(2) = 1, no gain)
  // and the spike at 1 is outside it: regret 0 with or without thresholds.
  const std::vector<double> right = {1.5, 2.5};
  CHECK(grid_regret(h, 2.5, right, false).regret == 0.0);
  CHECK(grid_regret(h, 2.5, right, true).regret == 0.0);
  // Grid {0.5, 2.5}: the spike is in range; only include_thresholds finds h(1) = 3.
  const std::vector<double> wide = {0.5, 2.5};
  CHECK(grid_regret(h, 2.5, wide, false).regret == 0.0);
  const BidRegret r = grid_regret(h, 2.5, wide, true);
  CHECK(r.regret == 2.0);
  CHECK(r.best_bid == 1.0);
  CHECK(r.best_utility == 3.0);
  CHECK(r.attained);
  CHECK_THROWS_AS(grid_regret(h, 2.5, std::vector<double>{}, false), InvariantError);
}

TEST_CASE("first price on a grid: the threshold matters") {
  // u as in the first-price case above. Grid {0, 0.5, 1}, bid 1: u = 0 at every grid point,
  // regret 0. With thresholds: the tie u(0.6) = 0.2 and, just above 0.6, u → 1 - 0.6 = 0.4.
  // The supremum 0.4 is the exact regret; no bid attains it (best_bid 0.6, attained false).
  const PiecewiseLinear u = utility_of_bidder0("first_price", {1.0, 0.6}, {1.0}, 1.0);
  const std::vector<double> grid = {0.0, 0.5, 1.0};
  CHECK(grid_regret(u, 1.0, grid, false).regret == doctest::Approx(0.0));
  const BidRegret r = grid_regret(u, 1.0, grid, true);
  CHECK(r.regret == doctest::Approx(0.4));
  CHECK(r.best_bid == doctest::Approx(0.6));
  CHECK_FALSE(r.attained);
  const BidRegret exact = ex_post_regret(u, 1.0, 0.0, 1.0);
  CHECK(exact.regret == doctest::Approx(r.regret));
  CHECK(exact.attained == r.attained);
}

TEST_CASE("grid_regret with thresholds equals ex_post_regret for auction utilities") {
  // Between thresholds auction utilities are flat or decreasing, so the supremum over
  // [min grid, max grid] sits at a grid end, a tie or just above a threshold — all scored;
  // grid_regret's value is therefore the exact one.
  // Checked for every bid of a grid on GSP (ctr 1, 0.5; rivals 0.8, 0.4), first price and
  // all-pay (rival 0.6), value 1.
  const std::vector<PiecewiseLinear> utilities = {
      utility_of_bidder0("gsp", {1.0, 0.8, 0.4}, {1.0, 0.5}, 1.0),
      utility_of_bidder0("first_price", {1.0, 0.6}, {1.0}, 1.0),
      utility_of_bidder0("all_pay", {1.0, 0.6}, {1.0}, 1.0)};
  const std::vector<double> grid = {0.1, 0.3, 0.7, 0.9};
  for (const PiecewiseLinear& u : utilities) {
    for (const double bid : grid) {
      const BidRegret g = grid_regret(u, bid, grid, true);
      const BidRegret exact = ex_post_regret(u, bid, 0.1, 0.9);
      CHECK(g.regret == doctest::Approx(exact.regret));
      CHECK(g.best_utility == doctest::Approx(exact.best_utility));
      // Which bid is reported may differ (on GSP's flat piece (0.4, 0.8) the grid point 0.7
      // attains the supremum 0.3 that the exact search reports just above 0.4), but the flag
      // always says whether the reported bid itself earns the supremum.
      CHECK(g.attained == (u(g.best_bid) == g.best_utility));
      CHECK(exact.attained == (u(exact.best_bid) == exact.best_utility));
    }
  }
}

}  // namespace
}  // namespace agora
