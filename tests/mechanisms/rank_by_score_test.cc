// rank_by_score: the k highest bids in order plus the best loser, ties broken uniformly at
// random (each order of the tied bidders equally likely), randomness drawn only when a tie
// decides a slot.
#include "mechanisms/rank_by_score.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

std::vector<int> rank(const std::vector<double>& bids, int k, Rng& rng) {
  std::vector<int> ranked(static_cast<std::size_t>(k + 1), -1);
  const int m = rank_by_score(bids.data(), static_cast<int>(bids.size()), k, ranked, rng);
  ranked.resize(static_cast<std::size_t>(m));
  return ranked;
}

// Binomial tolerance for a frequency estimated from `trials` draws with success probability
// p: 5 standard errors, sqrt(p (1 - p) / trials) each.
double binomial_tolerance(double p, int trials) { return 5.0 * std::sqrt(p * (1 - p) / trials); }

TEST_CASE("rank_by_score: hand-worked rankings without ties") {
  Rng rng(1);
  const std::vector<double> bids = {0.3, 0.9, 0.1, 0.5};
  CHECK(rank(bids, 1, rng) == std::vector<int>{1, 3});
  CHECK(rank(bids, 2, rng) == std::vector<int>{1, 3, 0});
  CHECK(rank(bids, 3, rng) == std::vector<int>{1, 3, 0, 2});
  CHECK(rank(bids, 4, rng) == std::vector<int>{1, 3, 0, 2});  // fewer bidders than k + 1
  CHECK(rank(bids, 9, rng) == std::vector<int>{1, 3, 0, 2});
  CHECK(rank({0.4}, 1, rng) == std::vector<int>{0});
  CHECK(rank({0.4}, 3, rng) == std::vector<int>{0});
  CHECK(rank({0.2, 0.6}, 1, rng) == std::vector<int>{1, 0});
  CHECK(rank({0.6, 0.2}, 1, rng) == std::vector<int>{0, 1});
  CHECK(rank({0.0, 0.0, 0.7}, 1, rng).front() == 2);  // a tie among losers is no tie for the slot
}

TEST_CASE("rank_by_score agrees with a full sort on random continuous bids") {
  Rng rng(2);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 3000; ++trial) {
    const int n = 1 + trial % 12;
    const int k = 1 + (trial / 12) % 5;
    std::vector<double> bids(static_cast<std::size_t>(n));
    for (double& b : bids) b = unit(rng);
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return bids[a] > bids[b]; });
    order.resize(static_cast<std::size_t>(std::min(k + 1, n)));
    CHECK(rank(bids, k, rng) == order);
  }
}

TEST_CASE("rank_by_score draws randomness only when a tie decides a slot") {
  Rng rng(3);
  const Rng before = rng;
  rank({0.9, 0.5, 0.5}, 1, rng);            // tie for the best loser only
  rank({0.9, 0.8, 0.5, 0.5, 0.5}, 2, rng);  // idem, two slots
  rank({0.9, 0.8, 0.1}, 2, rng);
  CHECK(rng == before);
  rank({0.9, 0.9, 0.5}, 1, rng);  // tie for the slot
  CHECK_FALSE(rng == before);
}

TEST_CASE("rank_by_score breaks a three-way tie for one slot uniformly") {
  // Each tied bidder wins with probability 1/3; the best loser is another tied bidder.
  Rng rng(4);
  const std::vector<double> bids = {0.2, 0.7, 0.7, 0.1, 0.7};
  constexpr int kTrials = 30000;
  std::map<int, int> wins;
  for (int t = 0; t < kTrials; ++t) {
    const std::vector<int> r = rank(bids, 1, rng);
    REQUIRE(r.size() == 2);
    ++wins[r[0]];
    CHECK(bids[r[1]] == 0.7);
    CHECK(r[1] != r[0]);
  }
  CHECK(wins.size() == 3);
  for (int bidder : {1, 2, 4}) {
    CHECK(std::fabs(wins[bidder] / double{kTrials} - 1.0 / 3) <=
          binomial_tolerance(1.0 / 3, kTrials));
  }
}

TEST_CASE("rank_by_score orders tied bidders uniformly across slots") {
  Rng rng(5);
  SUBCASE("three tied bidders for three slots: all 6 orders equally likely") {
    const std::vector<double> bids = {1.0, 1.0, 1.0, 0.5};
    constexpr int kTrials = 30000;
    std::map<std::vector<int>, int> orders;
    for (int t = 0; t < kTrials; ++t) {
      std::vector<int> r = rank(bids, 3, rng);
      REQUIRE(r.size() == 4);
      CHECK(r[3] == 3);
      r.pop_back();
      ++orders[r];
    }
    CHECK(orders.size() == 6);
    for (const auto& [order, count] : orders) {
      CHECK(std::fabs(count / double{kTrials} - 1.0 / 6) <= binomial_tolerance(1.0 / 6, kTrials));
    }
  }
  SUBCASE("a tie for the last slot: the clear winner keeps slot 0") {
    const std::vector<double> bids = {0.9, 0.5, 0.5, 0.5, 0.1};
    constexpr int kTrials = 30000;
    std::array<int, 5> second{};
    for (int t = 0; t < kTrials; ++t) {
      const std::vector<int> r = rank(bids, 2, rng);
      REQUIRE(r.size() == 3);
      CHECK(r[0] == 0);
      CHECK(bids[r[2]] == 0.5);
      CHECK(r[2] != r[1]);
      ++second[static_cast<std::size_t>(r[1])];
    }
    for (int bidder : {1, 2, 3}) {
      CHECK(std::fabs(second[static_cast<std::size_t>(bidder)] / double{kTrials} - 1.0 / 3) <=
            binomial_tolerance(1.0 / 3, kTrials));
    }
  }
}

TEST_CASE("rank_by_score is deterministic for a fixed seed") {
  std::vector<std::vector<int>> first, second;
  for (std::vector<std::vector<int>>* out : {&first, &second}) {
    Rng rng(6);
    Rng bid_rng(7);
    boost::random::uniform_int_distribution<int> level(0, 3);
    for (int t = 0; t < 2000; ++t) {
      std::vector<double> bids(6);
      for (double& b : bids) b = 0.25 * level(bid_rng);  // many ties
      out->push_back(rank(bids, 1 + t % 3, rng));
    }
  }
  CHECK(first == second);
}

}  // namespace
}  // namespace agora::testing

namespace agora::testing {
namespace {

// The one-slot scan as first written (ternaries): the specification top_two_untied keeps.
bool top_two_by_ternaries(const double* bids, int n, int& best, int& second) {
  int b = 0;
  int s = -1;
  double top = bids[0];
  double next = 0.0;
  for (int i = 1; i < n; ++i) {
    const double x = bids[i];
    const bool above_top = x > top;
    const bool above_next = s < 0 || x > next;
    s = above_top ? b : (above_next ? i : s);
    next = above_top ? top : (above_next ? x : next);
    b = above_top ? i : b;
    top = above_top ? x : top;
  }
  best = b;
  second = s;
  return s < 0 || next != top || top == -std::numeric_limits<double>::infinity();
}

TEST_CASE("rank_by_score: the two-chain top-two scan agrees with the plain one") {
  Rng rng(17);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const double levels[] = {-std::numeric_limits<double>::infinity(), -0.0, 0.0, 0.25, 0.5, 1.0};
  int disagreements = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    const int n = 1 + trial % 12;
    std::vector<double> bids(static_cast<std::size_t>(n));
    const bool coarse = trial % 2 == 0;  // few distinct values: ties, -inf and signed zeros
    for (double& b : bids) b = coarse ? levels[static_cast<int>(unit(rng) * 6)] : unit(rng);
    int best = -2, second = -2, expected_best = -2, expected_second = -2;
    const bool untied = top_two_untied(bids.data(), n, best, second);
    const bool expected = top_two_by_ternaries(bids.data(), n, expected_best, expected_second);
    // The bidders are specified when the highest bid is untied and finite (else the caller
    // breaks the tie, or nobody is eligible).
    const bool specified = untied && bids[static_cast<std::size_t>(expected_best)] > -INFINITY;
    disagreements +=
        untied != expected || (specified && (best != expected_best || second != expected_second));
  }
  CHECK(disagreements == 0);
}

}  // namespace
}  // namespace agora::testing
