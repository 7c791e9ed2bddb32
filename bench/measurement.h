// Interleaved measurements for the benchmarks: each of kRepetitions rounds runs every
// measurement once for its time slice, and the benches report the median rate and the median of
// the per-round ratios, so a machine whose speed drifts (a shared VM) biases no ratio.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace agora::bench {

constexpr int kRepetitions = 7;

using Clock = std::chrono::steady_clock;

struct Measurement {
  Measurement(std::string name_, double per_chunk_, std::function<void()> chunk_)
      : name(std::move(name_)), per_chunk(per_chunk_), chunk(std::move(chunk_)) {}
  std::string name;
  double per_chunk;  // units of work per call of `chunk`
  std::function<void()> chunk;
  std::vector<double> rates;  // units per second, one per repetition
};

// Runs `m.chunk` until `seconds` have passed and records the rate.
inline void measure(Measurement& m, double seconds) {
  const auto start = Clock::now();
  double done = 0.0;
  double elapsed = 0.0;
  do {
    m.chunk();
    done += m.per_chunk;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  m.rates.push_back(done / elapsed);
}

inline double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  return x[x.size() / 2];
}

inline double median_ratio(const Measurement& a, const Measurement& b) {
  std::vector<double> ratios;
  for (std::size_t r = 0; r < a.rates.size(); ++r) ratios.push_back(a.rates[r] / b.rates[r]);
  return median(ratios);
}

}  // namespace agora::bench
