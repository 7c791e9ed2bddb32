// Benchmark: the mechanism library on batches (Mechanism::run), against plain reference loops
// doing the same allocation and pricing the textbook way, in the same process.
//
// 10 bidders; 3 slots (ctr 0.3, 0.2, 0.1) unless said otherwise; U[0,1] bids.
//   gsp, vcg             unit quality, no reserve.                      Target >= 1e7 auctions/s.
//   ... q, α = 1         per-impression quality q ~ U[0.2, 1], score b q.  Target >= 1e7.
//   ... q, α = 0.5, 1.3  the same, score b q^α (0.5 has an exact fast path, 1.3 calls std::pow).
//   ... reserves         unit quality, personalized reserves r_i = 0.04 i.
//   myerson uniform      declared values U[0, h_i], h_i = 1 + 0.1 i, one slot.  Target >= 5e6.
//   myerson mixed        asymmetric priors: uniform, exponential and lognormal (i mod 3), values
//                        drawn from them; one slot (target >= 5e6) and three slots.
// The references score with std::pow(q, α) (α != 1), keep the k + 1 best by insertion and price
// from the next scores; Myerson's computes φ_i(v) = v − (1 − F_i(v)) / f_i(v) from the closed
// forms (std::erfc and std::exp for the lognormal) and inverts a lognormal φ by bisection.
// Batches of 1024 auctions over fixed random inputs (drawn once, outside the timing). After the
// timing, every case's library and reference outputs are compared (winners exactly, prices to
// 1e-9 relative) and the number of disagreeing auctions printed.
//
// Usage: mechanism_bench [total seconds per measurement, default 2] [only cases containing this]
#include <algorithm>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "mechanisms/mechanism.h"
#include "mechanisms/value_distribution.h"

namespace {

using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kBidders = 10;
constexpr int kSlots = 3;
constexpr int kBatch = 1024;
constexpr double kInf = std::numeric_limits<double>::infinity();

volatile double sink = 0.0;

// The m highest scores' bidders in order (no ties: continuous inputs).
inline void top_bidders(const double* score, int n, int m, int* top) {
  int filled = 0;
  for (int i = 0; i < n; ++i) {
    if (filled == m && score[i] <= score[top[m - 1]]) continue;
    int pos = filled < m ? filled++ : m - 1;
    while (pos > 0 && score[i] > score[top[pos - 1]]) {
      top[pos] = top[pos - 1];
      --pos;
    }
    top[pos] = i;
  }
}

// What a reference writes, for the agreement check.
struct Result {
  std::vector<int> winner;
  std::vector<double> price;
  void resize(int slots) {
    winner.assign(static_cast<std::size_t>(kBatch) * slots, -1);
    price.assign(static_cast<std::size_t>(kBatch) * slots, 0.0);
  }
};

// Standard rules: score b w_i (w_i = q_i^α, or 1) among bids >= r_i; GSP pays the least bid
// keeping the slot, VCG Σ_{t>=s} (ctr_t − ctr_{t+1}) q θ(O_t) per click.
struct StandardReference {
  const double* bids;
  const double* quality;  // null: unit quality
  double alpha;
  const double* reserves;  // null: none
  std::vector<double> ctr;
  bool vcg;
  Result out;

  void run() {
    const int k = static_cast<int>(ctr.size());
    double score[kBidders];
    double weight[kBidders];
    int top[kSlots + 1];
    for (int a = 0; a < kBatch; ++a) {
      const double* b = bids + static_cast<std::ptrdiff_t>(a) * kBidders;
      const double* q = quality ? quality + static_cast<std::ptrdiff_t>(a) * kBidders : nullptr;
      for (int i = 0; i < kBidders; ++i) {
        weight[i] = q == nullptr ? 1.0 : (alpha == 1.0 ? q[i] : std::pow(q[i], alpha));
        const double r = reserves ? reserves[i] : 0.0;
        score[i] = b[i] >= r ? b[i] * weight[i] : -kInf;
      }
      top_bidders(score, kBidders, k + 1, top);
      for (int s = 0; s < k; ++s) {
        const std::size_t cell = static_cast<std::size_t>(a) * k + s;
        const int w = top[s];
        if (score[w] == -kInf) {
          out.winner[cell] = -1;
          out.price[cell] = 0.0;
          continue;
        }
        const double r = reserves ? reserves[w] : 0.0;
        const auto theta = [&](int t) {
          return std::min(b[w], std::max(r, score[top[t + 1]] / weight[w]));
        };
        double p = theta(s);
        if (vcg) {
          double total = 0.0;
          for (int t = s; t < k; ++t) total += (ctr[t] - (t + 1 < k ? ctr[t + 1] : 0.0)) * theta(t);
          p = total / ctr[s];
        }
        out.winner[cell] = w;
        out.price[cell] = p;
      }
    }
    sink = sink + out.price[1];
  }
};

// The textbook virtual values of the three families and their inverses (bisection for the
// lognormal, on [its reserve, the bid]).
struct Prior {
  agora::ValueDistribution::Kind kind;
  double a, b;  // uniform [0, a]; exponential rate a; lognormal mu a, sigma b
  double reserve = 0.0;

  double phi(double v) const {
    switch (kind) {
      case agora::ValueDistribution::Kind::kUniform:
        return v - (a - v);
      case agora::ValueDistribution::Kind::kExponential:
        return v - 1.0 / a;
      default: {
        const double z = (std::log(v) - a) / b;
        const double survival = 0.5 * std::erfc(z / std::sqrt(2.0));
        const double density = std::exp(-0.5 * z * z) / (b * v * std::sqrt(2.0 * M_PI));
        return v - survival / density;
      }
    }
  }
  // The least v in [low, high] with φ(v) >= y, given φ(high) >= y.
  double inverse(double y, double low, double high) const {
    switch (kind) {
      case agora::ValueDistribution::Kind::kUniform:
        return std::max(low, 0.5 * (y + a));
      case agora::ValueDistribution::Kind::kExponential:
        return std::max(low, y + 1.0 / a);
      default:
        if (phi(low) >= y) return low;
        while (high - low > 1e-15 * high) {
          const double mid = 0.5 * (low + high);
          (phi(mid) < y ? low : high) = mid;
        }
        return high;
    }
  }
};

struct MyersonReference {
  const double* values;
  std::vector<Prior> priors;
  std::vector<double> ctr;
  Result out;

  void run() {
    const int k = static_cast<int>(ctr.size());
    double phi[kBidders];
    int top[kSlots + 1];
    for (int a = 0; a < kBatch; ++a) {
      const double* v = values + static_cast<std::ptrdiff_t>(a) * kBidders;
      for (int i = 0; i < kBidders; ++i) {
        phi[i] = v[i] >= priors[i].reserve ? priors[i].phi(v[i]) : -kInf;
      }
      top_bidders(phi, kBidders, k + 1, top);
      for (int s = 0; s < k; ++s) {
        const std::size_t cell = static_cast<std::size_t>(a) * k + s;
        const int w = top[s];
        if (phi[w] == -kInf) {
          out.winner[cell] = -1;
          out.price[cell] = 0.0;
          continue;
        }
        const Prior& prior = priors[w];
        const auto theta = [&](int t) {
          const double other = phi[top[t + 1]];
          return other == -kInf ? prior.reserve : prior.inverse(other, prior.reserve, v[w]);
        };
        double total = 0.0;
        for (int t = s; t < k; ++t) total += (ctr[t] - (t + 1 < k ? ctr[t + 1] : 0.0)) * theta(t);
        out.winner[cell] = w;
        out.price[cell] = total / ctr[s];
      }
    }
    sink = sink + out.price[0];
  }
};

// Auctions where the library and a reference disagree: a different winner, or a price that
// differs by more than 1e-9 relative.
int disagreements(const agora::AuctionOutcome& lib, const Result& ref, int slots) {
  int count = 0;
  for (int a = 0; a < kBatch; ++a) {
    bool same = true;
    for (int s = 0; s < slots; ++s) {
      const std::size_t cell = static_cast<std::size_t>(a) * slots + s;
      const double p = lib.price(a, s);
      same = same && lib.winner(a, s) == ref.winner[cell] &&
             std::abs(p - ref.price[cell]) <= 1e-9 * std::max(1.0, std::abs(p));
    }
    count += same ? 0 : 1;
  }
  return count;
}

struct Case {
  std::string name;
  double target;  // auctions/s; 0 = none
  int slots;
  std::function<void(agora::AuctionOutcome&, agora::Rng&)> library;
  std::function<void()> reference;
  const Result* reference_out;
};

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const double slice = seconds / kRepetitions;
  agora::Rng rng(1);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  boost::random::uniform_real_distribution<double> quality_draw(0.2, 1.0);
  const std::size_t cells = static_cast<std::size_t>(kBatch) * kBidders;
  std::vector<double> bids(cells), quality(cells);
  for (double& b : bids) b = unit(rng);
  for (double& q : quality) q = quality_draw(rng);
  std::vector<double> reserves(kBidders);
  for (int i = 0; i < kBidders; ++i) reserves[i] = 0.04 * i;
  const std::vector<double> ctr = {0.3, 0.2, 0.1};
  const std::vector<double> one_slot = {1.0};

  std::vector<Case> cases;
  std::vector<std::unique_ptr<agora::Mechanism>> mechanisms;
  std::vector<std::unique_ptr<StandardReference>> standard_refs;
  std::vector<std::unique_ptr<MyersonReference>> myerson_refs;
  std::vector<std::unique_ptr<agora::AuctionBatch>> batches;

  const auto add_standard = [&](const std::string& rule, const std::string& label, double alpha,
                                bool with_quality, bool with_reserves, double target) {
    agora::Json params = {{"quality_exponent", alpha}};
    if (with_reserves) params["reserves"] = reserves;
    mechanisms.push_back(agora::make_mechanism(rule, params, "m"));
    const agora::Mechanism* m = mechanisms.back().get();
    batches.push_back(std::make_unique<agora::AuctionBatch>(agora::AuctionBatch{
        bids.data(), with_quality ? quality.data() : nullptr, nullptr, kBatch, kBidders, ctr}));
    const agora::AuctionBatch* batch = batches.back().get();
    standard_refs.push_back(std::make_unique<StandardReference>(StandardReference{
        bids.data(), with_quality ? quality.data() : nullptr, alpha,
        with_reserves ? reserves.data() : nullptr, ctr, rule == "vcg", Result{}}));
    StandardReference* ref = standard_refs.back().get();
    ref->out.resize(kSlots);
    cases.push_back(
        {rule + " " + label, target, kSlots,
         [m, batch](agora::AuctionOutcome& out, agora::Rng& r) { m->run(*batch, out, r); },
         [ref] { ref->run(); }, &ref->out});
  };
  for (const std::string rule : {"gsp", "vcg"}) {
    add_standard(rule, "plain", 1.0, false, false, 1e7);
    add_standard(rule, "q, α = 1", 1.0, true, false, 1e7);
    add_standard(rule, "q, α = 0.5", 0.5, true, false, 0.0);
    add_standard(rule, "q, α = 1.3", 1.3, true, false, 0.0);
    add_standard(rule, "reserves", 1.0, false, true, 1e7);
  }

  // Myerson: uniform priors U[0, h_i], and mixed priors with values drawn from them.
  const auto add_myerson = [&](const std::string& label, const std::vector<Prior>& priors,
                               const std::vector<double>& slot_ctr, double target) {
    agora::Json declared = agora::Json::array();
    for (const Prior& p : priors) {
      switch (p.kind) {
        case agora::ValueDistribution::Kind::kUniform:
          declared.push_back({{"distribution", "uniform"}, {"low", 0.0}, {"high", p.a}});
          break;
        case agora::ValueDistribution::Kind::kExponential:
          declared.push_back({{"distribution", "exponential"}, {"rate", p.a}});
          break;
        default:
          declared.push_back({{"distribution", "lognormal"}, {"mu", p.a}, {"sigma", p.b}});
      }
    }
    auto values = std::make_shared<std::vector<double>>(cells);
    std::vector<agora::ValueDistribution> dists;
    for (const auto& d : declared) dists.emplace_back(d);
    for (int a = 0; a < kBatch; ++a) {
      for (int i = 0; i < kBidders; ++i) {
        (*values)[static_cast<std::size_t>(a) * kBidders + i] = dists[i].draw(rng);
      }
    }
    std::vector<Prior> with_reserves = priors;
    for (int i = 0; i < kBidders; ++i) with_reserves[i].reserve = dists[i].myerson_reserve();
    mechanisms.push_back(agora::make_mechanism("myerson", {{"values", declared}}, "m"));
    const agora::Mechanism* m = mechanisms.back().get();
    batches.push_back(std::make_unique<agora::AuctionBatch>(
        agora::AuctionBatch{values->data(), nullptr, nullptr, kBatch, kBidders, slot_ctr}));
    const agora::AuctionBatch* batch = batches.back().get();
    myerson_refs.push_back(std::make_unique<MyersonReference>(
        MyersonReference{values->data(), with_reserves, slot_ctr, Result{}}));
    MyersonReference* ref = myerson_refs.back().get();
    ref->out.resize(static_cast<int>(slot_ctr.size()));
    cases.push_back(
        {"myerson " + label, target, static_cast<int>(slot_ctr.size()),
         [m, batch, values](agora::AuctionOutcome& out, agora::Rng& r) { m->run(*batch, out, r); },
         [ref] { ref->run(); }, &ref->out});
  };
  using Kind = agora::ValueDistribution::Kind;
  std::vector<Prior> uniform_priors, mixed_priors;
  for (int i = 0; i < kBidders; ++i) {
    uniform_priors.push_back({Kind::kUniform, 1.0 + 0.1 * i, 0.0});
    switch (i % 3) {
      case 0:
        mixed_priors.push_back({Kind::kUniform, 1.0 + 0.1 * i, 0.0});
        break;
      case 1:
        mixed_priors.push_back({Kind::kExponential, 1.0 / (0.5 + 0.05 * i), 0.0});
        break;
      default:
        mixed_priors.push_back({Kind::kLognormal, -0.5 - 0.02 * i, 0.3 + 0.1 * i});
    }
  }
  add_myerson("uniform, 1 slot", uniform_priors, one_slot, 5e6);
  add_myerson("mixed, 1 slot", mixed_priors, one_slot, 5e6);
  add_myerson("mixed, 3 slots", mixed_priors, ctr, 0.0);

  if (argc > 2) {
    const std::string only = argv[2];
    std::erase_if(cases, [&](const Case& c) { return c.name.find(only) == std::string::npos; });
  }
  agora::AuctionOutcome out;
  std::vector<Measurement> runs, refs;
  runs.reserve(cases.size());
  refs.reserve(cases.size());
  for (const Case& c : cases) {
    runs.emplace_back(c.name, kBatch, [&out, &rng, &c] {
      c.library(out, rng);
      sink = sink + out.price(kBatch - 1, 0);
    });
    refs.emplace_back(c.name + " reference", kBatch, c.reference);
  }
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (std::size_t c = 0; c < cases.size(); ++c) {
      measure(runs[c], slice);
      measure(refs[c], slice);
    }
  }
  std::printf("mechanism_bench: batches of %d auctions, median of %d interleaved repetitions\n",
              kBatch, kRepetitions);
  std::printf("  %-26s %12s %12s %6s  %-12s %s\n", "case", "auctions/s", "reference", "ratio",
              "target", "disagreements");
  for (std::size_t c = 0; c < cases.size(); ++c) {
    cases[c].library(out, rng);
    cases[c].reference();
    const int differ = disagreements(out, *cases[c].reference_out, cases[c].slots);
    char target[32] = "-";
    if (cases[c].target > 0.0) {
      std::snprintf(target, sizeof target, "%.0e %s", cases[c].target,
                    median(runs[c].rates) >= cases[c].target ? "met" : "NOT met");
    }
    std::printf("  %-26s %12.3g %12.3g %6.2f  %-12s %d of %d\n", cases[c].name.c_str(),
                median(runs[c].rates), median(refs[c].rates), median_ratio(runs[c], refs[c]),
                target, differ, kBatch);
  }
  return 0;
}
