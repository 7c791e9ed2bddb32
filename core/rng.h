// Random streams. Every env, agent and run owns a Boost.Random engine seeded from
// derive_seed(master seed, stream name): a SplitMix64 finaliser over the master seed and an
// FNV-1a hash of the stream name. Boost's engines and distributions have fixed algorithms,
// so a stream reproduces across compilers and machines; nothing depends on time or threads.
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <string_view>

namespace agora {

using Rng = boost::random::mt19937_64;

std::uint64_t splitmix64(std::uint64_t x);
std::uint64_t derive_seed(std::uint64_t master_seed, std::string_view stream);
Rng make_rng(std::uint64_t master_seed, std::string_view stream);

}  // namespace agora
