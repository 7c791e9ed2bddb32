// Mechanism::utility_profile (mechanisms/mechanism.h) must be, bit for bit, deviation_profile()
// followed by DeviationProfile::utility(value): PositionAuction fuses the two in its one-slot
// closed form, and envs rely on the fused result being the same function, breakpoints and
// values exactly, with ties, reserves, quality, additive terms and batch terms.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Whether two piecewise-linear functions have the same pieces, bit for bit.
bool identical(const PiecewiseLinear& f, const PiecewiseLinear& g) {
  const auto a = f.pieces();
  const auto b = g.pieces();
  if (a.size() != b.size()) return false;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (!same_bits(a[j].from, b[j].from) || !same_bits(a[j].at, b[j].at) ||
        !same_bits(a[j].intercept, b[j].intercept) || !same_bits(a[j].slope, b[j].slope)) {
      return false;
    }
  }
  return true;
}

TEST_CASE("utility_profile: second price, one slot, one rival, by hand") {
  // Rival score 0.4, value 0.7, no reserve: bidding below 0.4 loses (utility 0); at 0.4 the tie
  // is won half the time at price 0.4, utility (0.7 - 0.4) / 2 = 0.15; above it the bidder wins
  // and pays 0.4, utility 0.3 whatever it bids.
  const auto m = mechanism("second_price");
  const std::vector<double> others = {0.4};
  const std::vector<double> ctr = {1.0};
  PiecewiseLinear u;
  m->utility_profile(others, BidderView{}, ctr, 0.7, u);
  CHECK(u(0.0) == 0.0);
  CHECK(u(0.39) == 0.0);
  CHECK(u(0.4) == doctest::Approx(0.15));
  CHECK(u(0.41) == doctest::Approx(0.3));
  CHECK(u(5.0) == doctest::Approx(0.3));
}

TEST_CASE("utility_profile equals deviation_profile + utility on random markets") {
  const std::vector<std::string> names = {"first_price", "second_price", "gsp",
                                          "vcg",         "all_pay",      "myerson"};
  for (const std::string& name : names) {
    Rng rng(211);
    boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
    int one_slot_cases = 0;
    for (int trial = 0; trial < 400; ++trial) {
      // Dyadic grids (grid = true) make scores tie exactly; continuous draws exercise rounding.
      const bool grid = trial % 2 == 0;
      const RandomMarket x = random_market(name, rng, grid);
      const auto m = mechanism(name, x.params);
      BatchTerms terms;
      if (unit(rng) < 0.3) terms.reserve = grid ? 0.25 : 0.4 * unit(rng);
      if (name != "myerson" && unit(rng) < 0.3) terms.quality_exponent = grid ? 2.0 : 0.5;
      const int n = static_cast<int>(x.auction.bids.size());
      const int k = static_cast<int>(x.auction.ctr.size());
      for (int i = 0; i < n; ++i) {
        BidderView view = view_of(x.auction, i);
        view.terms = terms;
        std::vector<double> others;
        for (int j = 0; j < n; ++j) {
          BidderView other = view_of(x.auction, j);
          other.terms = terms;
          const double s = m->score(other, x.auction.bids[static_cast<std::size_t>(j)]);
          if (j != i && s > -INFINITY) others.push_back(s);
        }
        std::sort(others.begin(), others.end(), std::greater<>());
        // Half the time only the k highest and those tied with the last kept (the contract).
        if (trial % 4 < 2 && static_cast<int>(others.size()) > k) {
          std::size_t keep = static_cast<std::size_t>(k);
          while (keep < others.size() && others[keep] == others[keep - 1]) ++keep;
          others.resize(keep);
        }
        one_slot_cases += k == 1 && others.size() <= 1;
        const double value =
            grid ? 0.25 * boost::random::uniform_int_distribution<int>(0, 6)(rng) : 1.5 * unit(rng);
        DeviationProfile profile;
        PiecewiseLinear want, got;
        m->deviation_profile(others, view, x.auction.ctr, profile);
        profile.utility(value, want);
        m->utility_profile(others, view, x.auction.ctr, value, got);
        INFO(name, " trial ", trial, " bidder ", i, " value ", value, " params ", x.params.dump());
        CHECK(identical(got, want));
      }
    }
    INFO(name);
    CHECK(one_slot_cases > 50);  // the fused closed form was exercised
  }
}

TEST_CASE("one slot, m tied rivals: the closed form is the general path, bit for bit") {
  // Against m rivals tied at score B, a bid at B wins the slot with probability 1/(m + 1). The
  // closed form takes others = {B x m}; adding a lower rival changes nothing for one slot but
  // sends deviation_profile down the general path (breakpoints, expected_terms), which must
  // give the same pieces exactly.
  const std::vector<std::string> names = {"first_price", "second_price", "gsp",
                                          "vcg",         "all_pay",      "myerson"};
  for (const std::string& name : names) {
    Rng rng(307);
    boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int trial = 0; trial < 300; ++trial) {
      const bool grid = trial % 2 == 0;
      const RandomMarket x = random_market(name, rng, grid);
      const auto m = mechanism(name, x.params);
      const std::vector<double> ctr = {x.auction.ctr[0]};
      BatchTerms terms;
      if (unit(rng) < 0.3) terms.reserve = grid ? 0.25 : 0.4 * unit(rng);
      if (name != "myerson" && unit(rng) < 0.3) terms.quality_exponent = grid ? 2.0 : 0.5;
      const int n = static_cast<int>(x.auction.bids.size());
      for (int i = 0; i < n; ++i) {
        BidderView view = view_of(x.auction, i);
        view.terms = terms;
        const double tied = grid ? 0.25 * (1 + trial % 4) : 1.2 * unit(rng) - 0.1;
        const int rivals = 1 + trial % 5;
        std::vector<double> closed(static_cast<std::size_t>(rivals), tied);
        std::vector<double> general = closed;
        general.push_back(tied - 0.25);
        DeviationProfile want, got;
        m->deviation_profile(general, view, ctr, want);
        m->deviation_profile(closed, view, ctr, got);
        INFO(name, " trial ", trial, " bidder ", i, " rivals ", rivals, " at ", tied, " params ",
             x.params.dump());
        CHECK(identical(got.clicks, want.clicks));
        CHECK(identical(got.payment, want.payment));
      }
    }
  }
}

TEST_CASE("utility_profile: second price, one slot, three tied rivals, by hand") {
  // Rivals at 0.4, 0.4, 0.4 and value 0.7: a bid of 0.4 wins a quarter of the time at 0.4,
  // utility 0.3 / 4 = 0.075; above 0.4 it always wins, utility 0.3.
  const auto m = mechanism("second_price");
  const std::vector<double> others = {0.4, 0.4, 0.4};
  const std::vector<double> ctr = {1.0};
  PiecewiseLinear u;
  m->utility_profile(others, BidderView{}, ctr, 0.7, u);
  CHECK(u(0.39) == 0.0);
  CHECK(u(0.4) == doctest::Approx(0.075));
  CHECK(u(0.41) == doctest::Approx(0.3));
}

}  // namespace
}  // namespace agora::testing
