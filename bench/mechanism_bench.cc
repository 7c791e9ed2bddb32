// Benchmark: the mechanism library on batches (Mechanism::run), against plain reference loops
// doing the same allocation and pricing the textbook way, in the same process.
//
//   gsp, vcg:  10 bidders, 3 slots (ctr 0.3, 0.2, 0.1), U[0,1] bids, unit quality, no reserve.
//              Targets: >= 1e7 auctions/s each.
//   myerson:   10 asymmetric bidders with declared values U[0, h_i], h_i = 1 + 0.1 i, one slot.
//              Target: >= 5e6 auctions/s.
// Batches of 1024 auctions over a fixed buffer of random bids (drawn once, outside the timing).
//
// Usage: mechanism_bench [total seconds per measurement, default 2]
#include <boost/random/uniform_real_distribution.hpp>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace {

using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kBidders = 10;
constexpr int kSlots = 3;
constexpr int kBatch = 1024;

volatile double sink = 0.0;

// The k + 1 highest bids' bidders in order (no ties: continuous bids).
inline void top_bidders(const double* b, int n, int m, int* top) {
  int filled = 0;
  for (int i = 0; i < n; ++i) {
    if (filled == m && b[i] <= b[top[m - 1]]) continue;
    int pos = filled < m ? filled++ : m - 1;
    while (pos > 0 && b[i] > b[top[pos - 1]]) {
      top[pos] = top[pos - 1];
      --pos;
    }
    top[pos] = i;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const double slice = seconds / kRepetitions;
  agora::Rng rng(1);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> bids(static_cast<std::size_t>(kBatch) * kBidders);
  for (double& b : bids) b = unit(rng);
  const std::vector<double> ctr = {0.3, 0.2, 0.1};
  const agora::AuctionBatch batch{bids.data(), nullptr, nullptr, kBatch, kBidders, ctr};

  const auto gsp = agora::make_mechanism("gsp", agora::Json::object(), "m");
  const auto vcg = agora::make_mechanism("vcg", agora::Json::object(), "m");
  agora::AuctionOutcome out;
  const auto run_chunk = [&](const agora::Mechanism& m) {
    m.run(batch, out, rng);
    sink = sink + out.price(kBatch - 1, 0);
  };
  Measurement gsp_run{"gsp", kBatch, [&] { run_chunk(*gsp); }};
  Measurement vcg_run{"vcg", kBatch, [&] { run_chunk(*vcg); }};

  std::vector<int> winner(static_cast<std::size_t>(kBatch) * kSlots);
  std::vector<double> price(static_cast<std::size_t>(kBatch) * kSlots);
  std::vector<double> payment(static_cast<std::size_t>(kBatch) * kBidders);
  const auto reference_chunk = [&](bool vcg_prices) {
    int top[kSlots + 1];
    for (int a = 0; a < kBatch; ++a) {
      const double* b = &bids[static_cast<std::size_t>(a) * kBidders];
      double* pay = &payment[static_cast<std::size_t>(a) * kBidders];
      for (int i = 0; i < kBidders; ++i) pay[i] = 0.0;
      top_bidders(b, kBidders, kSlots + 1, top);
      for (int s = 0; s < kSlots; ++s) {
        double p = b[top[s + 1]];
        if (vcg_prices) {
          double total = 0.0;
          for (int t = s; t < kSlots; ++t) {
            total += (ctr[t] - (t + 1 < kSlots ? ctr[t + 1] : 0.0)) * b[top[t + 1]];
          }
          p = total / ctr[s];
        }
        winner[static_cast<std::size_t>(a) * kSlots + s] = top[s];
        price[static_cast<std::size_t>(a) * kSlots + s] = p;
        pay[top[s]] = p * ctr[s];
      }
    }
    sink = sink + price[kSlots];
  };
  Measurement gsp_reference{"gsp reference", kBatch, [&] { reference_chunk(false); }};
  Measurement vcg_reference{"vcg reference", kBatch, [&] { reference_chunk(true); }};

  // Myerson, asymmetric uniform priors.
  agora::Json declared = agora::Json::array();
  std::vector<double> high(kBidders);
  for (int i = 0; i < kBidders; ++i) {
    high[i] = 1.0 + 0.1 * i;
    declared.push_back({{"distribution", "uniform"}, {"low", 0.0}, {"high", high[i]}});
  }
  std::vector<double> values(static_cast<std::size_t>(kBatch) * kBidders);
  for (int a = 0; a < kBatch; ++a) {
    for (int i = 0; i < kBidders; ++i) {
      values[static_cast<std::size_t>(a) * kBidders + i] = high[i] * unit(rng);
    }
  }
  const std::vector<double> one_slot = {1.0};
  const agora::AuctionBatch myerson_batch{values.data(), nullptr,  nullptr,
                                          kBatch,        kBidders, one_slot};
  const auto myerson = agora::make_mechanism("myerson", {{"values", declared}}, "m");
  Measurement myerson_run{"myerson", kBatch, [&] {
                            myerson->run(myerson_batch, out, rng);
                            sink = sink + out.price(kBatch - 1, 0);
                          }};
  Measurement myerson_reference{"myerson reference", kBatch, [&] {
                                  for (int a = 0; a < kBatch; ++a) {
                                    const double* v =
                                        &values[static_cast<std::size_t>(a) * kBidders];
                                    int best = -1;
                                    double best_phi = 0.0;
                                    double second_phi = 0.0;
                                    for (int i = 0; i < kBidders; ++i) {
                                      const double phi = 2.0 * v[i] - high[i];
                                      if (phi >= best_phi) {
                                        second_phi = best >= 0 ? best_phi : second_phi;
                                        best_phi = phi;
                                        best = i;
                                      } else if (phi > second_phi) {
                                        second_phi = phi;
                                      }
                                    }
                                    winner[a] = best;
                                    price[a] = best >= 0 ? 0.5 * (second_phi + high[best]) : 0.0;
                                  }
                                  sink = sink + price[0];
                                }};

  std::vector<Measurement*> all = {&gsp_run,       &gsp_reference, &vcg_run,
                                   &vcg_reference, &myerson_run,   &myerson_reference};
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (Measurement* m : all) measure(*m, slice);
  }
  std::printf("mechanism_bench: batches of %d auctions, median of %d interleaved repetitions\n",
              kBatch, kRepetitions);
  const auto report = [](const Measurement& m, const Measurement& ref, double target) {
    std::printf("  %-8s %10.3g auctions/s  reference %10.3g  ratio %5.2f  target %.0e: %s\n",
                m.name.c_str(), median(m.rates), median(ref.rates), median_ratio(m, ref), target,
                median(m.rates) >= target ? "met" : "NOT met");
  };
  report(gsp_run, gsp_reference, 1e7);
  report(vcg_run, vcg_reference, 1e7);
  report(myerson_run, myerson_reference, 5e6);
  return 0;
}
