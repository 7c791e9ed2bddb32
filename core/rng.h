// Random streams. Every env, agent and run owns a Boost.Random engine seeded from
// derive_seed(master seed, stream name): a SplitMix64 finaliser over the master seed and an
// FNV-1a hash of the stream name. Boost's engines and distributions have fixed algorithms,
// so a stream reproduces across compilers and machines; nothing depends on time or threads.
//
// uniform01() and uniform_real() return exactly what Boost's uniform_01<double> and
// uniform_real_distribution<double> return on an Rng — the same draws, the same arithmetic,
// the same rejection — bit for bit (tests/core/rng_test.cc). They exist for speed only: for a
// 64-bit engine output x, Boost's formula needs double(x), and on x86-64 without AVX-512 the
// compiler converts an unsigned 64-bit integer with a sign test that mispredicts half the
// time (≈ 5 ns per draw). exact_double() computes the same correctly rounded double(x) without
// a branch: hi · 2^32 and lo are exact, and their sum x is rounded once, as the direct
// conversion rounds it (round to nearest, ties to even).
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <string_view>

namespace agora {

using Rng = boost::random::mt19937_64;

std::uint64_t splitmix64(std::uint64_t x);
std::uint64_t derive_seed(std::uint64_t master_seed, std::string_view stream);
Rng make_rng(std::uint64_t master_seed, std::string_view stream);

// double(x), correctly rounded, without a data-dependent branch.
inline double exact_double(std::uint64_t x) {
  return static_cast<double>(static_cast<std::uint32_t>(x >> 32)) * 4294967296.0 +
         static_cast<double>(static_cast<std::uint32_t>(x));
}

// boost::random::uniform_01<double>()(rng): double(x) / 2^64, redrawn when it rounds to 1.
inline double uniform01(Rng& rng) {
  static_assert(Rng::word_size == 64);  // min() == 0, max() == 2^64 − 1
  constexpr double kFactor = 1.0 / 18446744073709551616.0;  // 1 / (double(max − min) + 1)
  for (;;) {
    const double result = exact_double(rng()) * kFactor;
    if (result < 1.0) return result;
  }
}

// boost::random::uniform_real_distribution<double>(low, high)(rng) for finite low < high
// whose half-difference does not overflow (Boost halves the range first otherwise).
inline double uniform_real(Rng& rng, double low, double high) {
  constexpr double kDivisor = 18446744073709551616.0;  // double(max − min) + 1
  for (;;) {
    const double result = exact_double(rng()) / kDivisor * (high - low) + low;
    if (result < high) return result;
  }
}

}  // namespace agora
