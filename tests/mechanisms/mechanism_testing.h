// Helpers shared by the mechanism tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {

inline std::unique_ptr<Mechanism> mechanism(const std::string& name,
                                            const Json& params = Json::object()) {
  return make_mechanism(name, params, "mechanism");
}

// One auction among bids.size() bidders; quality and additive empty = 1 and 0.
struct Auction {
  std::vector<double> bids;
  std::vector<double> ctr = {1.0};
  std::vector<double> quality;
  std::vector<double> additive;
  AuctionBatch batch() const {
    return {bids.data(),
            quality.empty() ? nullptr : quality.data(),
            additive.empty() ? nullptr : additive.data(),
            1,
            static_cast<int>(bids.size()),
            ctr};
  }
};

inline AuctionOutcome run_one(const Mechanism& m, const Auction& auction, Rng& rng) {
  AuctionOutcome out;
  m.run(auction.batch(), out, rng);
  return out;
}

// Random non-increasing click-through rates for k slots.
inline std::vector<double> random_ctr(int k, Rng& rng) {
  boost::random::uniform_real_distribution<double> unit(0.05, 1.0);
  std::vector<double> ctr(static_cast<std::size_t>(k));
  for (double& c : ctr) c = unit(rng);
  std::sort(ctr.begin(), ctr.end(), std::greater<>());
  return ctr;
}

}  // namespace agora::testing

// ---- Helpers for the per-format tests (first price, GSP, VCG, all-pay) and the property tests.

#include <cmath>
#include <initializer_list>
#include <limits>
#include <utility>

namespace agora::testing {

// One auction; quality and additive empty = 1 and 0.
inline Auction make_auction(std::vector<double> bids, std::vector<double> ctr = {1.0},
                            std::vector<double> quality = {}, std::vector<double> additive = {}) {
  return {std::move(bids), std::move(ctr), std::move(quality), std::move(additive)};
}

// Bidder `bidder`'s expected clicks and payment in auction `a` of an outcome.
inline DeviationOutcome realized(const AuctionOutcome& out, int a, int bidder) {
  return {out.clicks(a, bidder), out.payment(a, bidder)};
}

// value x clicks - payment: the quasi-linear utility of a bidder with value per click `value`.
inline double utility(double value, const DeviationOutcome& d) {
  return value * d.clicks - d.payment;
}

// The same auction with `bidder` bidding `bid` instead.
inline Auction with_bid(Auction auction, int bidder, double bid) {
  auction.bids[static_cast<std::size_t>(bidder)] = bid;
  return auction;
}

// Whether the registered mechanism `name` takes the parameter `key`.
inline bool takes_param(const std::string& name, const std::string& key) {
  for (const ParamSpec& spec : MechanismRegistry::instance().get(name, "mechanism").info.params) {
    if (spec.name == key) return true;
  }
  return false;
}

// A random market for mechanism `name`: one auction and valid parameters that exercise every
// parameter the mechanism takes — 1 to 7 bidders, 1 to 4 slots (sometimes more slots than
// bidders), random CTRs, and with some probability a global reserve, per-bidder reserves, a
// score reserve, qualities, a quality exponent α, an additive weight w with additive terms,
// per-impression pricing and a soft floor. Myerson gets U[0, 1] declared values (monopoly
// reserve 1/2).
// grid = true draws everything from coarse dyadic grids (bids 0, 1/4, ..., 1; qualities 1/2,
// 1, 2; α in {0, 1, 2}), so scores tie often and exactly (no rounding in b q^α + w e); grid =
// false draws continuous values, so ties have probability 0.
struct RandomMarket {
  Json params = Json::object();
  Auction auction;
};

inline RandomMarket random_market(const std::string& name, Rng& rng, bool grid) {
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto pick = [&rng](std::initializer_list<double> choices) {
    const int j =
        boost::random::uniform_int_distribution<int>(0, static_cast<int>(choices.size()) - 1)(rng);
    return *(choices.begin() + j);
  };
  const auto quarter = [&rng](int lo, int hi) {
    return 0.25 * boost::random::uniform_int_distribution<int>(lo, hi)(rng);
  };
  RandomMarket x;
  const int n = boost::random::uniform_int_distribution<int>(1, 7)(rng);
  const int k = boost::random::uniform_int_distribution<int>(1, 4)(rng);
  x.auction.ctr = random_ctr(k, rng);
  for (int i = 0; i < n; ++i) x.auction.bids.push_back(grid ? quarter(0, 4) : unit(rng));
  if (unit(rng) < 0.5) x.params["reserve"] = grid ? quarter(0, 2) : 0.5 * unit(rng);
  if (unit(rng) < 0.3) {
    std::vector<double> reserves;
    for (int i = 0; i < n; ++i) reserves.push_back(grid ? quarter(0, 3) : 0.6 * unit(rng));
    x.params["reserves"] = reserves;
  }
  if (takes_param(name, "score_reserve") && unit(rng) < 0.3) {
    x.params["score_reserve"] = grid ? quarter(1, 2) : 0.6 * unit(rng);
  }
  if (unit(rng) < 0.6) {
    for (int i = 0; i < n; ++i) {
      x.auction.quality.push_back(grid ? pick({0.5, 1.0, 2.0}) : 0.2 + 1.8 * unit(rng));
    }
  }
  if (takes_param(name, "quality_exponent")) {
    x.params["quality_exponent"] = grid ? pick({0.0, 1.0, 2.0}) : pick({0.0, 0.5, 1.0, 2.0});
  }
  if (takes_param(name, "additive_weight") && unit(rng) < 0.5) {
    x.params["additive_weight"] = grid ? 0.5 : pick({0.5, -0.25, 1.5});
    for (int i = 0; i < n; ++i) x.auction.additive.push_back(grid ? quarter(0, 4) : unit(rng));
  }
  if (takes_param(name, "pricing") && unit(rng) < 0.3) x.params["pricing"] = "per_impression";
  if (takes_param(name, "soft_floor") && unit(rng) < 0.3) {
    x.params["soft_floor"] = grid ? quarter(1, 3) : 0.1 + 0.7 * unit(rng);
  }
  if (takes_param(name, "values")) {
    x.params["values"] = Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}};
  }
  return x;
}

// Checks slot s of auction 0: its winner (-1: empty), price per unit and clearing score (NaN:
// nobody eligible ranked below the winner).
inline void check_slot(const AuctionOutcome& out, int s, int winner, double price,
                       double clearing_score) {
  INFO("slot ", s);
  CHECK(out.winner(0, s) == winner);
  CHECK(out.price(0, s) == doctest::Approx(price).epsilon(1e-12));
  if (std::isnan(clearing_score)) {
    CHECK(std::isnan(out.clearing_score(0, s)));
  } else {
    CHECK(out.clearing_score(0, s) == doctest::Approx(clearing_score).epsilon(1e-12));
  }
}

// Checks bidder i's expected clicks and payment in auction 0.
inline void check_bidder(const AuctionOutcome& out, int i, double clicks, double payment) {
  INFO("bidder ", i);
  CHECK(out.clicks(0, i) == doctest::Approx(clicks).epsilon(1e-12));
  CHECK(out.payment(0, i) == doctest::Approx(payment).epsilon(1e-12));
}

inline constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Bidder i's view (its quality and additive term) in a one-auction market.
inline BidderView view_of(const Auction& auction, int bidder) {
  const auto i = static_cast<std::size_t>(bidder);
  return {bidder, auction.quality.empty() ? 1.0 : auction.quality[i],
          auction.additive.empty() ? 0.0 : auction.additive[i]};
}

// Sample mean and its standard error, for Monte-Carlo checks.
struct MeanSe {
  double mean = 0.0;
  double se = 0.0;  // sample standard deviation / sqrt(count)
};

inline MeanSe mean_se(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0.0;
  double sum_sq = 0.0;
  for (double v : x) {
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(0.0, sum_sq / n - mean * mean) / (n - 1))};
}

}  // namespace agora::testing
