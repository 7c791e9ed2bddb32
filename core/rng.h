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
// conversion rounds it (round to nearest, ties to even). Both halves come from bit patterns
// (2^84 + hi · 2^32 and 2^52 + lo are doubles whose mantissas hold hi and lo), so the
// conversion is plain integer and floating-point arithmetic that the compiler vectorizes.
//
// uniform_real_fill() makes n such draws into an array, the same as n calls of
// uniform_real(): the engine runs in a tight loop and the conversion in SIMD registers.
#pragma once

#include <algorithm>
#include <bit>
#include <boost/random/mersenne_twister.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace agora {

using Rng = boost::random::mt19937_64;

std::uint64_t splitmix64(std::uint64_t x);
std::uint64_t derive_seed(std::uint64_t master_seed, std::string_view stream);
Rng make_rng(std::uint64_t master_seed, std::string_view stream);

// double(x), correctly rounded, without a data-dependent branch.
inline double exact_double(std::uint64_t x) {
  constexpr double k2To84 = 19342813113834066795298816.0;
  constexpr double k2To52 = 4503599627370496.0;
  const double high = std::bit_cast<double>(0x4530000000000000ULL | (x >> 32)) - k2To84;
  const double low = std::bit_cast<double>(0x4330000000000000ULL | (x & 0xffffffffULL)) - k2To52;
  return high + low;
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

// uniform_real(engine, low, high) for out[0..n), drawn in order. A 64-bit engine (min 0, max
// 2^64 − 1) is called in blocks; a block with a rejected draw (rounded up to `high`, odds
// about 2^-54 per draw) is redone from its engine outputs, one draw at a time.
template <class Engine>
void uniform_real_fill(Engine& engine, double* out, std::size_t n, double low, double high) {
  static_assert(std::is_same_v<typename Engine::result_type, std::uint64_t>);
  AGORA_CHECK(engine.min() == 0 && engine.max() == ~std::uint64_t{0});
  constexpr double kDivisor = 18446744073709551616.0;
  constexpr std::size_t kBlock = 128;
  // The engine's outputs are kept as doubles (bit patterns): stores of std::uint64_t could
  // alias the engine's state, which would then be reloaded after every call.
  double raw[kBlock];
  for (std::size_t done = 0; done < n;) {
    const std::size_t m = std::min(kBlock, n - done);
    for (std::size_t k = 0; k < m; ++k) raw[k] = std::bit_cast<double>(engine());
    double* block = out + done;
    bool rejected = false;
    for (std::size_t k = 0; k < m; ++k) {
      const double result =
          exact_double(std::bit_cast<std::uint64_t>(raw[k])) / kDivisor * (high - low) + low;
      block[k] = result;
      rejected |= !(result < high);
    }
    if (rejected) {
      std::size_t used = 0;
      for (std::size_t k = 0; k < m;) {
        const std::uint64_t x = used < m ? std::bit_cast<std::uint64_t>(raw[used++]) : engine();
        const double result = exact_double(x) / kDivisor * (high - low) + low;
        if (result < high) block[k++] = result;
      }
    }
    done += m;
  }
}

}  // namespace agora
