// QualityWeight: bit for bit what std::pow(q, α) returns, on random qualities over many
// magnitudes and on the hard cases of the fast paths: squares that are exact ties between two
// doubles (q = m 2^-27, m odd, m² of 54 bits: pow rounds about half of them the other way from
// q·q) and powers of two (where the spacing of doubles changes).
#include "mechanisms/quality_weight.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {
namespace {

// std::pow with an exponent the compiler cannot fold (it would turn pow(q, 2.0) into q·q).
double library_pow(double q, double alpha) {
  volatile double exponent = alpha;
  return std::pow(q, exponent);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

std::vector<double> qualities() {
  std::vector<double> q = {1.0,
                           0.5,
                           2.0,
                           0x1p-600,
                           0x1p600,
                           1e-300,
                           1e300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::max(),
                           0.0,
                           std::numeric_limits<double>::infinity()};
  Rng rng(11);
  boost::random::uniform_int_distribution<std::uint64_t> mantissa(0, (std::uint64_t{1} << 52) - 1);
  boost::random::uniform_int_distribution<int> exponent(-60, 20);
  boost::random::uniform_int_distribution<int> wide_exponent(-1070, 1020);
  for (int i = 0; i < 300000; ++i) {
    const double unit = std::bit_cast<double>(mantissa(rng) | 0x3ff0000000000000);  // [1, 2)
    q.push_back(std::ldexp(unit, i % 4 == 0 ? wide_exponent(rng) : exponent(rng)));
  }
  // Exact ties of q·q: m odd in [2^26.5, 2^27).
  boost::random::uniform_int_distribution<std::uint64_t> odd(47453133,
                                                             (std::uint64_t{1} << 26) - 1);
  for (int i = 0; i < 100000; ++i) q.push_back(std::ldexp(double(2 * odd(rng) + 1), -27));
  for (int e = -100; e <= 100; ++e) q.push_back(std::ldexp(1.0, e));
  return q;
}

TEST_CASE("quality_weight: bitwise std::pow for α = 0, 0.5, 1, 2 and 1.3") {
  const std::vector<double> q = qualities();
  for (double alpha : {0.0, 0.5, 1.0, 2.0, 1.3}) {
    const QualityWeight weight(alpha);
    int differ = 0;
    for (double x : q) differ += same_bits(weight(x), library_pow(x, alpha)) ? 0 : 1;
    INFO("alpha " << alpha);
    CHECK(differ == 0);
  }
  // The tie cases are real: pow does not always round them like q·q.
  int pow_differs_from_square = 0;
  for (double x : q) pow_differs_from_square += library_pow(x, 2.0) != x * x ? 1 : 0;
  CHECK(pow_differs_from_square > 0);
  CHECK(QualityWeight(0.0).is_zero());
  CHECK(QualityWeight(1.0).is_one());
  CHECK(QualityWeight(0.5).alpha() == 0.5);
}

TEST_CASE("quality_weight: the batch loop scores b × std::pow(q, α) bit for bit") {
  // GSP and VCG with 10 bidders and 3 slots on random bids and qualities: every score of run()
  // is the bid times the library's pow, and every GSP price per click the next score over the
  // winner's weight (θ = O_s / q^α, below the bid: no reserve).
  constexpr int kAuctions = 2000;
  constexpr int kBidders = 10;
  Rng rng(12);
  boost::random::uniform_int_distribution<std::uint64_t> bits(0, (std::uint64_t{1} << 52) - 1);
  const auto unit = [&] { return std::bit_cast<double>(bits(rng) | 0x3ff0000000000000) - 1.0; };
  std::vector<double> bids(kAuctions * kBidders), quality(kAuctions * kBidders);
  for (double& b : bids) b = unit();
  for (double& q : quality) q = 0.05 + unit();
  const std::vector<double> ctr = {0.3, 0.2, 0.1};
  const AuctionBatch batch{bids.data(), quality.data(), nullptr, kAuctions, kBidders, ctr};
  for (double alpha : {0.5, 2.0, 1.3}) {
    const auto gsp = make_mechanism("gsp", {{"quality_exponent", alpha}}, "mechanism");
    AuctionOutcome out;
    gsp->run(batch, out, rng);
    int differ = 0;
    for (int a = 0; a < kAuctions; ++a) {
      for (int i = 0; i < kBidders; ++i) {
        const int cell = a * kBidders + i;
        differ +=
            same_bits(out.score(a, i), bids[cell] * library_pow(quality[cell], alpha)) ? 0 : 1;
      }
      for (int s = 0; s < 3; ++s) {
        const int w = out.winner(a, s);
        const double theta =
            out.clearing_score(a, s) / library_pow(quality[a * kBidders + w], alpha);
        differ += same_bits(out.price(a, s), std::min(bids[a * kBidders + w], theta)) ? 0 : 1;
      }
    }
    INFO("alpha " << alpha);
    CHECK(differ == 0);
  }
}

}  // namespace
}  // namespace agora::testing
