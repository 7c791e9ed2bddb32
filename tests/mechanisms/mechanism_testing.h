// Helpers shared by the mechanism tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {

inline std::unique_ptr<Mechanism> mechanism(const std::string& name, double reserve = 0.0) {
  return make_mechanism(name, Json{{"reserve", reserve}}, "mechanism");
}

// One auction: run() on a single row.
inline AuctionOutcome run_one(const Mechanism& m, const std::vector<double>& bids,
                              const std::vector<double>& ctr, Rng& rng) {
  AuctionOutcome out;
  m.run(bids.data(), 1, static_cast<int>(bids.size()), ctr, out, rng);
  return out;
}

// The other bidders' bids in decreasing order (all of them).
inline std::vector<double> others_desc(const double* bids, int n, int bidder) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    if (i != bidder) out.push_back(bids[i]);
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  return out;
}

// Realized expected clicks and payment of `bidder` in auction `a` of an outcome.
inline DeviationOutcome realized(const AuctionOutcome& out, int a, int bidder,
                                 const std::vector<double>& ctr) {
  DeviationOutcome r;
  for (int s = 0; s < static_cast<int>(ctr.size()); ++s) {
    if (out.winner(a, s) == bidder) {
      r.clicks += ctr[s];
      r.payment += out.price(a, s) * ctr[s];
    }
  }
  return r;
}

// Random non-increasing click-through rates for k slots.
inline std::vector<double> random_ctr(int k, Rng& rng) {
  boost::random::uniform_real_distribution<double> unit(0.05, 1.0);
  std::vector<double> ctr(static_cast<std::size_t>(k));
  for (double& c : ctr) c = unit(rng);
  std::sort(ctr.begin(), ctr.end(), std::greater<>());
  return ctr;
}

// Structural properties every outcome of a standard (first/second price) position auction has:
// each bidder holds at most one slot, filled slots come first and go to bids at or above the
// reserve in decreasing order, the price per click is at least the reserve and at most the
// winner's bid, empty slots have price 0, and every loser bid is at most every winner's.
inline void check_outcome_structure(const AuctionOutcome& out, const double* bids, int n, int k,
                                    double reserve, int a = 0) {
  std::vector<bool> won(static_cast<std::size_t>(n), false);
  bool empty_seen = false;
  double lowest_winning = std::numeric_limits<double>::infinity();
  for (int s = 0; s < k; ++s) {
    const int w = out.winner(a, s);
    if (w < 0) {
      empty_seen = true;
      CHECK(out.price(a, s) == 0.0);
      continue;
    }
    REQUIRE(w < n);
    CHECK_FALSE(empty_seen);
    CHECK_FALSE(won[static_cast<std::size_t>(w)]);
    won[static_cast<std::size_t>(w)] = true;
    CHECK(bids[w] >= reserve);
    CHECK(bids[w] <= lowest_winning);
    lowest_winning = std::min(lowest_winning, bids[w]);
    CHECK(out.price(a, s) >= reserve);
    CHECK(out.price(a, s) <= bids[w]);
  }
  int winners = 0;
  int eligible = 0;
  for (int i = 0; i < n; ++i) {
    winners += won[static_cast<std::size_t>(i)];
    eligible += bids[i] >= reserve;
  }
  CHECK(winners == std::min(k, eligible));
  for (int i = 0; i < n && winners > 0; ++i) {
    if (!won[static_cast<std::size_t>(i)]) CHECK(bids[i] <= lowest_winning);
  }
}

// A random instance: n bidders, k slots, a reserve (0 half of the time) and bids, either
// continuous U[0, 1] (no ties) or on the grid {0, 0.25, ..., 1} (many ties, bids equal to the
// reserve).
struct Instance {
  int n = 0;
  std::vector<double> ctr;
  double reserve = 0.0;
  std::vector<double> bids;
};

inline Instance random_instance(Rng& rng, bool grid) {
  Instance x;
  x.n = boost::random::uniform_int_distribution<int>(1, 8)(rng);
  x.ctr = random_ctr(boost::random::uniform_int_distribution<int>(1, 4)(rng), rng);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  boost::random::uniform_int_distribution<int> step(0, 4);
  if (unit(rng) < 0.5) x.reserve = grid ? 0.25 * step(rng) : 0.5 * unit(rng);
  for (int i = 0; i < x.n; ++i) x.bids.push_back(grid ? 0.25 * step(rng) : unit(rng));
  return x;
}

// deviation() against all the others, and against only the k + 1 highest others plus those
// tied with the last kept (the contract of Mechanism::deviation), give the same answer.
inline DeviationOutcome deviation_of(const Mechanism& m, const Instance& x, int bidder,
                                     double bid) {
  const std::vector<double> all = others_desc(x.bids.data(), x.n, bidder);
  const DeviationOutcome full = m.deviation(all, bid, x.ctr);
  std::size_t keep = std::min(all.size(), x.ctr.size() + 1);
  while (keep > 0 && keep < all.size() && all[keep] == all[keep - 1]) ++keep;
  const std::vector<double> window(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep));
  const DeviationOutcome truncated = m.deviation(window, bid, x.ctr);
  CHECK(truncated.clicks == full.clicks);
  CHECK(truncated.payment == full.payment);
  return full;
}

// For random instances without ties, each bidder's realized clicks and payment in run() equal
// deviation(others, own bid), exactly.
inline void check_deviation_matches_run(const std::string& name) {
  Rng rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    const Instance x = random_instance(rng, false);
    const auto m = mechanism(name, x.reserve);
    const AuctionOutcome out = run_one(*m, x.bids, x.ctr, rng);
    check_outcome_structure(out, x.bids.data(), x.n, static_cast<int>(x.ctr.size()), x.reserve);
    for (int i = 0; i < x.n; ++i) {
      const DeviationOutcome got = realized(out, 0, i, x.ctr);
      const DeviationOutcome want = deviation_of(*m, x, i, x.bids[i]);
      INFO("trial ", trial, " bidder ", i);
      CHECK(got.clicks == want.clicks);
      CHECK(got.payment == doctest::Approx(want.payment).epsilon(1e-15));
      if (got.clicks == 0.0) CHECK(got.payment == 0.0);  // losers pay nothing
    }
  }
}

// With ties (grid bids, bids equal to the reserve), the average of the realized clicks and
// payments over many random tie-breaks matches deviation(), which counts ties in expectation.
// Tolerance: per tie-break the clicks and payments lie in [0, ctr[0]] (bids <= 1), so the
// standard error of a mean of T draws is at most ctr[0] / (2 sqrt(T)); we allow 5 of them.
inline void check_deviation_matches_run_with_ties(const std::string& name) {
  Rng rng(12);
  constexpr int kTieBreaks = 20000;
  int instances_with_ties = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const Instance x = random_instance(rng, true);
    const auto m = mechanism(name, x.reserve);
    const int k = static_cast<int>(x.ctr.size());
    std::vector<double> clicks(static_cast<std::size_t>(x.n), 0.0);
    std::vector<double> payments(static_cast<std::size_t>(x.n), 0.0);
    std::vector<double> batch;
    for (int t = 0; t < kTieBreaks; ++t) batch.insert(batch.end(), x.bids.begin(), x.bids.end());
    AuctionOutcome out;
    m->run(batch.data(), kTieBreaks, x.n, x.ctr, out, rng);
    for (int t = 0; t < kTieBreaks; ++t) {
      if (t < 50) check_outcome_structure(out, x.bids.data(), x.n, k, x.reserve, t);
      for (int i = 0; i < x.n; ++i) {
        const DeviationOutcome r = realized(out, t, i, x.ctr);
        clicks[static_cast<std::size_t>(i)] += r.clicks;
        payments[static_cast<std::size_t>(i)] += r.payment;
      }
    }
    std::vector<double> sorted = x.bids;
    std::sort(sorted.begin(), sorted.end());
    instances_with_ties += std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    const double tolerance = 5.0 * x.ctr[0] / (2.0 * std::sqrt(double{kTieBreaks}));
    for (int i = 0; i < x.n; ++i) {
      const DeviationOutcome want = deviation_of(*m, x, i, x.bids[i]);
      INFO("trial ", trial, " bidder ", i, " bid ", x.bids[i], " reserve ", x.reserve);
      CHECK(std::fabs(clicks[static_cast<std::size_t>(i)] / kTieBreaks - want.clicks) <= tolerance);
      CHECK(std::fabs(payments[static_cast<std::size_t>(i)] / kTieBreaks - want.payment) <=
            tolerance);
    }
  }
  CHECK(instances_with_ties >= 20);
}

// deviations() (the batched fast path) is bitwise identical to deviation() for every
// candidate: continuous and grid bids, ties with the others, bids at and below the reserve,
// one and several slots, no other bidders.
inline void check_deviations_batch_matches(const std::string& name) {
  Rng rng(13);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 3000; ++trial) {
    const bool grid = trial % 2 == 0;
    Instance x = random_instance(rng, grid);
    if (trial % 5 == 0) x.ctr.resize(1);
    const auto m = mechanism(name, x.reserve);
    const int bidder = boost::random::uniform_int_distribution<int>(0, x.n - 1)(rng);
    const std::vector<double> others = others_desc(x.bids.data(), x.n, bidder);
    std::vector<double> candidates;
    for (int c = 0; c <= 100; ++c) candidates.push_back(0.01 * c);
    for (double o : others) candidates.push_back(o);
    candidates.push_back(x.reserve);
    candidates.push_back(std::nextafter(x.reserve, -1.0));
    for (int c = 0; c < 20; ++c) candidates.push_back(1.2 * unit(rng));
    std::vector<double> clicks(candidates.size(), -1.0), payments(candidates.size(), -1.0);
    m->deviations(others, candidates, x.ctr, clicks, payments);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const DeviationOutcome want = m->deviation(others, candidates[c], x.ctr);
      INFO("trial ", trial, " candidate ", candidates[c]);
      CHECK(std::memcmp(&clicks[c], &want.clicks, sizeof(double)) == 0);
      CHECK(std::memcmp(&payments[c], &want.payment, sizeof(double)) == 0);
    }
  }
}

}  // namespace agora::testing
