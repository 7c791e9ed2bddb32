// Benchmark: the content exposure rules (mechanisms/content/) on batches of users, against
// plain reference loops doing the same thing the textbook way, in the same process.
//
//   top_k:    sort each user's item indices by score (std::partial_sort) and keep K.
//   softmax:  K sequential Plackett-Luce draws by inverse CDF over the remaining weights.
//   shapley:  sort the satisfaction levels, form P(rank j) = sum_{l>=j} (s_l - s_{l+1}) / l and
//             draw by inverse CDF (one draw, K = 1).
//   softmax inclusion_probabilities (K = 10, exact by quadrature) against a 1000-sample Monte
//   Carlo estimate of the same marginals by Gumbel-top-K (1.5% standard error): the price of
//   exactness.
// 50 items, K = 10, batches of 1024 users with N(0, 1) scores drawn once outside the timing.
//
// Usage: content_exposure_bench [total seconds per measurement, default 2]
#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "mechanisms/content/exposure_rule.h"

namespace {

using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kItems = 50;
constexpr int kSlate = 10;
constexpr int kUsers = 1024;

volatile double sink = 0.0;

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const double slice = seconds / kRepetitions;
  agora::Rng rng(1);
  boost::random::normal_distribution<float> normal;
  boost::random::uniform_01<double> uniform;
  std::vector<float> scores(static_cast<std::size_t>(kUsers) * kItems);
  for (float& s : scores) s = normal(rng);
  const agora::ExposureBatch batch{scores.data(), kUsers, kItems, kSlate};
  const agora::ExposureBatch single{scores.data(), kUsers, kItems, 1};
  agora::IndexBatch slate;

  const auto top_k = agora::make_exposure_rule("top_k", agora::Json::object(), "r");
  const auto softmax = agora::make_exposure_rule("softmax", {{"temperature", 0.5}}, "r");
  const auto shapley =
      agora::make_exposure_rule("shapley_mediator", {{"satisfaction", "logistic"}}, "r");
  const auto run = [&](const agora::ExposureRule& rule, const agora::ExposureBatch& b) {
    rule.select(b, slate, rng);
    sink = sink + slate(kUsers - 1, 0);
  };
  Measurement top_run{"top_k", kUsers, [&] { run(*top_k, batch); }};
  Measurement softmax_run{"softmax", kUsers, [&] { run(*softmax, batch); }};
  Measurement shapley_run{"shapley", kUsers, [&] { run(*shapley, single); }};

  std::vector<int> order(kItems);
  std::vector<int> out(static_cast<std::size_t>(kUsers) * kSlate);
  std::vector<double> weights(kItems);
  std::vector<double> probability(kItems);
  Measurement top_reference{
      "top_k ref", kUsers, [&] {
        for (int u = 0; u < kUsers; ++u) {
          const float* x = &scores[static_cast<std::size_t>(u) * kItems];
          std::iota(order.begin(), order.end(), 0);
          std::partial_sort(order.begin(), order.begin() + kSlate, order.end(),
                            [x](int a, int b) { return x[a] > x[b]; });
          std::copy_n(order.begin(), kSlate, &out[static_cast<std::size_t>(u) * kSlate]);
        }
        sink = sink + out[0];
      }};
  Measurement softmax_reference{"softmax ref", kUsers, [&] {
                                  for (int u = 0; u < kUsers; ++u) {
                                    const float* x = &scores[static_cast<std::size_t>(u) * kItems];
                                    double total = 0.0;
                                    for (int i = 0; i < kItems; ++i)
                                      total += weights[i] = std::exp(x[i] / 0.5);
                                    for (int p = 0; p < kSlate; ++p) {
                                      double target = uniform(rng) * total;
                                      int pick = kItems - 1;
                                      for (int i = 0; i < kItems; ++i) {
                                        target -= weights[i];
                                        if (target < 0.0 && weights[i] > 0.0) {
                                          pick = i;
                                          break;
                                        }
                                      }
                                      total -= weights[pick];
                                      weights[pick] = 0.0;
                                      out[static_cast<std::size_t>(u) * kSlate + p] = pick;
                                    }
                                  }
                                  sink = sink + out[0];
                                }};
  Measurement shapley_reference{"shapley ref", kUsers, [&] {
                                  for (int u = 0; u < kUsers; ++u) {
                                    const float* x = &scores[static_cast<std::size_t>(u) * kItems];
                                    for (int i = 0; i < kItems; ++i)
                                      weights[i] = 1.0 / (1.0 + std::exp(-x[i]));
                                    std::iota(order.begin(), order.end(), 0);
                                    std::sort(order.begin(), order.end(), [&](int a, int b) {
                                      return weights[a] > weights[b];
                                    });
                                    double tail = 0.0;
                                    for (int r = kItems; r >= 1; --r) {
                                      const double next = r < kItems ? weights[order[r]] : 0.0;
                                      tail += (weights[order[r - 1]] - next) / r;
                                      probability[r - 1] = tail;
                                    }
                                    double target = uniform(rng);
                                    int pick = -1;
                                    for (int r = 0; r < kItems; ++r) {
                                      target -= probability[r];
                                      if (target < 0.0) {
                                        pick = order[r];
                                        break;
                                      }
                                    }
                                    out[u] = pick;
                                  }
                                  sink = sink + out[0];
                                }};

  constexpr int kInclusionUsers = 16;
  constexpr int kMonteCarlo = 1000;
  std::vector<double> inclusion(kItems);
  Measurement inclusion_run{
      "softmax incl", kInclusionUsers, [&] {
        for (int u = 0; u < kInclusionUsers; ++u) {
          softmax->inclusion_probabilities(
              std::span<const float>(&scores[static_cast<std::size_t>(u) * kItems], kItems), kSlate,
              inclusion);
        }
        sink = sink + inclusion[0];
      }};
  std::vector<float> repeated(static_cast<std::size_t>(kMonteCarlo) * kItems);
  agora::IndexBatch samples;
  Measurement inclusion_reference{
      "incl MC ref", kInclusionUsers, [&] {
        for (int u = 0; u < kInclusionUsers; ++u) {
          for (int m = 0; m < kMonteCarlo; ++m) {
            std::copy_n(&scores[static_cast<std::size_t>(u) * kItems], kItems,
                        &repeated[static_cast<std::size_t>(m) * kItems]);
          }
          softmax->select({repeated.data(), kMonteCarlo, kItems, kSlate}, samples, rng);
          std::fill(inclusion.begin(), inclusion.end(), 0.0);
          for (int m = 0; m < kMonteCarlo; ++m) {
            for (int p = 0; p < kSlate; ++p) inclusion[samples(m, p)] += 1.0 / kMonteCarlo;
          }
        }
        sink = sink + inclusion[0];
      }};

  std::vector<Measurement*> all = {&top_run,           &top_reference,      &softmax_run,
                                   &softmax_reference, &shapley_run,        &shapley_reference,
                                   &inclusion_run,     &inclusion_reference};
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (Measurement* m : all) measure(*m, slice);
  }
  std::printf("content_exposure_bench: %d items, K = %d, median of %d interleaved repetitions\n",
              kItems, kSlate, kRepetitions);
  const auto report = [](const Measurement& m, const Measurement& ref) {
    std::printf("  %-13s %10.3g users/s  reference %10.3g  ratio %5.2f\n", m.name.c_str(),
                median(m.rates), median(ref.rates), median_ratio(m, ref));
  };
  report(top_run, top_reference);
  report(softmax_run, softmax_reference);
  report(shapley_run, shapley_reference);
  report(inclusion_run, inclusion_reference);
  return 0;
}
