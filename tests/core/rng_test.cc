#include "core/rng.h"

#include <doctest/doctest.h>

#include <bit>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cstdint>
#include <vector>

namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

}  // namespace

TEST_CASE("rng: exact_double rounds like the direct conversion") {
  std::vector<std::uint64_t> cases = {0,
                                      1,
                                      0xffffffffULL,
                                      0x100000000ULL,
                                      (1ULL << 53) + 1,  // first integer a double cannot hold
                                      (1ULL << 63) - 1,
                                      1ULL << 63,
                                      (1ULL << 63) + (1ULL << 10),      // tie, rounds to even
                                      (1ULL << 63) + (3ULL << 10),      // tie, rounds up
                                      (1ULL << 63) + (1ULL << 10) + 1,  // just above a tie
                                      ~0ULL - (1ULL << 10),             // rounds to 2^64
                                      ~0ULL - (1ULL << 10) - 1,
                                      ~0ULL};
  agora::Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t x = rng();
    cases.push_back(x);
    cases.push_back(x >> (i % 64));
    cases.push_back(x | 0x3ffULL);  // low bits set: rounding decided below the 53rd bit
    cases.push_back((x & ~0x7ffULL) | 0x400ULL);  // exactly halfway at the top exponent
  }
  for (std::uint64_t x : cases) {
    CAPTURE(x);
    CHECK(same_bits(agora::exact_double(x), static_cast<double>(x)));
  }
}

TEST_CASE("rng: uniform01 and uniform_real are Boost's draws bit for bit") {
  agora::Rng ours(11);
  agora::Rng boosts(11);
  boost::random::uniform_01<double> unit;
  const double ranges[][2] = {{0.0, 1.0}, {2.0, 5.0}, {-3.0, 7.5}, {1e-9, 1e-9 + 1e-12}};
  int mismatches = 0;
  for (int i = 0; i < 2000000; ++i) {
    mismatches += !same_bits(agora::uniform01(ours), unit(boosts));
    for (const auto& r : ranges) {
      boost::random::uniform_real_distribution<double> uniform(r[0], r[1]);
      mismatches += !same_bits(agora::uniform_real(ours, r[0], r[1]), uniform(boosts));
    }
  }
  CHECK(mismatches == 0);
  CHECK(ours == boosts);  // the same number of engine calls
}
