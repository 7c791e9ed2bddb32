// Revenue equivalence (Vickrey 1961; Myerson 1981; Krishna, Auction Theory, 2nd ed. 2010,
// ch. 2–3): with n iid U[0,1] values, one slot with ctr 1, and bidders playing the symmetric
// equilibrium of each format
//   second price  b(v) = v                  (dominant strategy)
//   first price   b(v) = (n−1)/n v          (Krishna §2.3: E[Y | Y < v], Y the highest of
//                                            n−1 others, G(y) = y^{n−1})
//   all-pay       b(v) = (n−1)/n v^n        (Krishna §2.5: ∫_0^v y dG(y))
// a bidder with value v pays m(v) = (n−1)/n v^n in expectation in all three (second price:
// wins with probability v^{n−1} and pays E[Y | Y < v] = (n−1)/n v), so expected revenue is
// n ∫_0^1 m = (n−1)/(n+1). With a reserve r the formats that allocate alike still agree:
// revenue R(n, r) = ∫_r^1 (2t − 1) d(t^n) = (n−1)/(n+1) − 2n r^{n+1}/(n+1) + r^n, and the
// first-price bid becomes b(v) = E[max(Y, r) | Y < v] = v − (v^n − r^n)/(n v^{n−1}) for
// v >= r. With two slots, GSP at the lowest envy-free equilibrium bids charges exactly the
// VCG payments (Edelman, Ostrovsky & Schwarz 2007, Thm. 2; Varian 2007).
// Auctions run in batches through Mechanism::run; Monte-Carlo checks allow 5 standard errors
// estimated from the sample; seeds are fixed. Here n = 3, so (n−1)/(n+1) = 1/2.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

constexpr int kBidders = 3;
constexpr int kAuctions = 200000;

// kAuctions x kBidders iid U[0,1] values, row-major.
std::vector<double> uniform_values(std::uint64_t seed) {
  Rng rng(seed);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> values(static_cast<std::size_t>(kAuctions) * kBidders);
  for (double& v : values) v = unit(rng);
  return values;
}

struct Simulation {
  std::vector<double> values;
  AuctionOutcome out;
  std::vector<double> revenue;  // per auction: the sum of all payments
};

Simulation simulate(const std::string& name, const Json& params,
                    const std::function<double(double)>& strategy,
                    const std::vector<double>& ctr = {1.0}, std::uint64_t seed = 1) {
  Simulation sim;
  sim.values = uniform_values(seed);
  std::vector<double> bids(sim.values.size());
  std::transform(sim.values.begin(), sim.values.end(), bids.begin(), strategy);
  Rng rng(seed + 1000);
  mechanism(name, params)
      ->run({bids.data(), nullptr, nullptr, kAuctions, kBidders, ctr}, sim.out, rng);
  sim.revenue.resize(kAuctions);
  for (int a = 0; a < kAuctions; ++a) sim.revenue[a] = sim.out.payment.row(a).sum();
  return sim;
}

double truthful(double v) { return v; }
double first_price_bid(double v) { return (kBidders - 1.0) / kBidders * v; }
double all_pay_bid(double v) { return (kBidders - 1.0) / kBidders * std::pow(v, kBidders); }

TEST_CASE("second price, first price and all-pay all earn (n−1)/(n+1) = 1/2") {
  const std::vector<std::pair<const char*, Simulation>> runs = {
      {"second_price", simulate("second_price", Json::object(), truthful)},
      {"first_price", simulate("first_price", Json::object(), first_price_bid)},
      {"all_pay", simulate("all_pay", Json::object(), all_pay_bid)}};
  for (const auto& [name, sim] : runs) {
    const MeanSe revenue = mean_se(sim.revenue);
    INFO(name << ": " << revenue.mean << " ± " << revenue.se);
    CHECK(std::fabs(revenue.mean - 0.5) <= 5 * revenue.se);
  }
}

TEST_CASE("the expected payment of a bidder with value v is (n−1)/n v^n in all three") {
  // In the bin [lo, hi) of width 0.1 the values are uniform, so the mean payment estimates
  // the bin average of m(v) = (2/3) v³: (2/3)(hi⁴ − lo⁴) / (4 (hi − lo)).
  constexpr int kBins = 10;
  const std::vector<std::pair<const char*, Simulation>> runs = {
      {"second_price", simulate("second_price", Json::object(), truthful, {1.0}, 2)},
      {"first_price", simulate("first_price", Json::object(), first_price_bid, {1.0}, 3)},
      {"all_pay", simulate("all_pay", Json::object(), all_pay_bid, {1.0}, 4)}};
  for (const auto& [name, sim] : runs) {
    std::vector<std::vector<double>> payments(kBins);
    for (int a = 0; a < kAuctions; ++a) {
      for (int i = 0; i < kBidders; ++i) {
        const double v = sim.values[static_cast<std::size_t>(a) * kBidders + i];
        payments[std::min(kBins - 1, static_cast<int>(v * kBins))].push_back(sim.out.payment(a, i));
      }
    }
    for (int bin = 0; bin < kBins; ++bin) {
      const double lo = static_cast<double>(bin) / kBins;
      const double hi = static_cast<double>(bin + 1) / kBins;
      const double expected = (2.0 / 3.0) * (std::pow(hi, 4) - std::pow(lo, 4)) / (4 * (hi - lo));
      const MeanSe paid = mean_se(payments[bin]);
      INFO(name << " values in [" << lo << ", " << hi << "): " << paid.mean << " ± " << paid.se
                << ", expected " << expected);
      CHECK(std::fabs(paid.mean - expected) <= 5 * paid.se);
    }
  }
}

TEST_CASE("with a reserve of 0.3, first and second price both earn R(3, 0.3) = 0.51485") {
  // R(3, 0.3) = 1/2 − 6·0.3⁴/4 + 0.3³ = 0.5 − 0.01215 + 0.027 = 0.51485. Bidders below the
  // reserve cannot win; they bid 0, which is ineligible.
  constexpr double r = 0.3;
  const double expected = 0.5 - 6.0 * std::pow(r, 4) / 4.0 + std::pow(r, 3);
  CHECK(expected == doctest::Approx(0.51485));
  const auto first_price_with_reserve = [](double v) {
    if (v < r) return 0.0;
    return v -
           (std::pow(v, kBidders) - std::pow(r, kBidders)) / (kBidders * std::pow(v, kBidders - 1));
  };
  // At v = r the bid is r itself, and b(v) <= v.
  CHECK(first_price_with_reserve(r) == doctest::Approx(r));
  const std::vector<std::pair<const char*, Simulation>> runs = {
      {"second_price", simulate("second_price", {{"reserve", r}}, truthful, {1.0}, 5)},
      {"first_price",
       simulate("first_price", {{"reserve", r}}, first_price_with_reserve, {1.0}, 6)}};
  for (const auto& [name, sim] : runs) {
    const MeanSe revenue = mean_se(sim.revenue);
    INFO(name << ": " << revenue.mean << " ± " << revenue.se);
    CHECK(std::fabs(revenue.mean - expected) <= 5 * revenue.se);
  }
}

TEST_CASE("two slots: GSP at the lowest envy-free bids charges the VCG payments") {
  // ctr (α_1, α_2) = (1, 0.5), values v_(1) > v_(2) > v_(3). VCG with truthful bids charges
  //   slot 1: (α_1 − α_2) v_(2) + α_2 v_(3) = 0.5 v_(2) + 0.5 v_(3),  slot 2: α_2 v_(3).
  // In the lowest envy-free equilibrium of GSP the bidder in slot j+1 bids the VCG price per
  // click of slot j: b_(2) = 0.5 v_(2) + 0.5 v_(3), b_(3) = v_(3) (b_(1) = v_(1) keeps the
  // order), so GSP's payments (next bid × own ctr) equal VCG's auction by auction. Expected
  // revenue 0.5 E[v_(2)] + E[v_(3)] = 0.5·2/4 + 1/4 = 1/2 (E[v_(k)] = (4 − k)/4).
  const std::vector<double> ctr = {1.0, 0.5};
  const Simulation vcg = simulate("vcg", Json::object(), truthful, ctr, 7);
  std::vector<double> gsp_bids(vcg.values.size());
  for (int a = 0; a < kAuctions; ++a) {
    const double* v = &vcg.values[static_cast<std::size_t>(a) * kBidders];
    double* b = &gsp_bids[static_cast<std::size_t>(a) * kBidders];
    std::array<int, kBidders> order = {0, 1, 2};
    std::sort(order.begin(), order.end(), [v](int x, int y) { return v[x] > v[y]; });
    b[order[0]] = v[order[0]];
    b[order[1]] = 0.5 * v[order[1]] + 0.5 * v[order[2]];
    b[order[2]] = v[order[2]];
  }
  AuctionOutcome gsp;
  Rng rng(8);
  mechanism("gsp")->run({gsp_bids.data(), nullptr, nullptr, kAuctions, kBidders, ctr}, gsp, rng);
  int mismatches = 0;
  for (int a = 0; a < kAuctions; ++a) {
    for (int i = 0; i < kBidders; ++i) {
      if (std::fabs(gsp.payment(a, i) - vcg.out.payment(a, i)) > 1e-12) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  const MeanSe revenue = mean_se(vcg.revenue);
  INFO(revenue.mean << " ± " << revenue.se);
  CHECK(std::fabs(revenue.mean - 0.5) <= 5 * revenue.se);
}

}  // namespace
}  // namespace agora::testing
