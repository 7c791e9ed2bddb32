#include "core/rng.h"

namespace agora {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t derive_seed(std::uint64_t master_seed, std::string_view stream) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : stream) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return splitmix64(splitmix64(master_seed) ^ hash);
}

Rng make_rng(std::uint64_t master_seed, std::string_view stream) {
  return Rng(derive_seed(master_seed, stream));
}

}  // namespace agora
