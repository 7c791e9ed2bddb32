// Benchmark: the `ad_market` env on one core, through the env API (reset + step loop with
// constant multipliers 1, no agents): 100 advertisers with daily budgets, 3 ad positions,
// GSP, platform pacing ("bid_modification" and "throttling") and ad fatigue on, 10 candidates
// per auction, day-long steps, 100,000 users with one session a day on average.
// Reported: page views (auctions) per second and ad impressions per second.
//
// Reference, in the same process: a plain loop that scores the same number of candidates per
// auction (bid x predicted CTR, from pre-drawn arrays) and picks the top 3 with GSP prices
// per click (next score / own quality) — the auction core and nothing else: no retrieval,
// users, fatigue, clicks, budgets or pacing. Target (docs/benchmarks.md): >= 2e6 impressions
// per second.
//
// The measurements are interleaved (bench/measurement.h): each of kRepetitions rounds runs
// every measurement for seconds / kRepetitions; medians of rates and of per-round ratios.
//
// Usage: ad_market_bench [seconds per measurement, default 4] [users, default 100000]
//                        [pacing: only this one]
#include <boost/random/uniform_real_distribution.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace {

using agora::bench::Clock;
using agora::bench::kRepetitions;
using agora::bench::median;

constexpr int kAdvertisers = 100;
constexpr int kSlots = 3;
constexpr int kCandidates = 10;

agora::Json market(const std::string& pacing, int users) {
  return {{"users", {{"count", users}, {"sessions_per_day", 1.0}, {"fatigue_strength", 0.1}}},
          {"advertisers",
           {{"count", kAdvertisers},
            {"budget", {{"distribution", "uniform"}, {"low", 100.0}, {"high", 300.0}}}}},
          {"platform",
           {{"position_ctr", {1.0, 0.6, 0.4}}, {"candidates", kCandidates}, {"pacing", pacing}}}};
}

struct Rates {
  std::vector<double> page_views, impressions;
  double pacing_factor = 0.0, spend_over_budget = 0.0, steps = 0.0;
};

volatile double sink = 0.0;

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 4.0;
  const int users = argc > 2 ? std::atoi(argv[2]) : 100000;
  const double slice = seconds / kRepetitions;

  std::vector<std::string> pacings = {"bid_modification", "throttling"};
  if (argc > 3) pacings = {argv[3]};
  std::vector<std::unique_ptr<agora::Env>> envs;
  for (const auto& pacing : pacings) {
    agora::EnvContext ctx;
    ctx.horizon = std::int64_t{1} << 40;
    ctx.mechanism = agora::make_mechanism("gsp", agora::Json::object(), "mechanism");
    envs.push_back(agora::make_env("ad_market", market(pacing, users), ctx));
    envs.back()->reset(1);
  }
  const auto& names = envs[0]->metric_names();
  const auto column = [&](const std::string& name) {
    return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const int page_views_column = column("page_views");
  const int impressions_column = column("impressions");
  const std::vector<agora::RowBatch> ones = {agora::RowBatch::Constant(kAdvertisers, 1, 1.0)};

  // Reference inputs: bids and predicted CTRs of kCandidates candidates per auction.
  constexpr int kPool = 1 << 16;
  agora::Rng rng(7);
  boost::random::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> bids(static_cast<std::size_t>(kPool) * kCandidates);
  std::vector<double> quality(bids.size());
  for (std::size_t j = 0; j < bids.size(); ++j) {
    bids[j] = 0.5 + 1.5 * uniform(rng);
    quality[j] = 0.02 + 0.08 * uniform(rng);
  }
  const double ctr[kSlots] = {1.0, 0.6, 0.4};

  std::vector<Rates> env_rates(envs.size());
  std::vector<double> reference_rates;
  double reference_revenue = 0.0;
  for (int round = 0; round < kRepetitions; ++round) {
    for (std::size_t e = 0; e < envs.size(); ++e) {
      double page_views = 0.0, impressions = 0.0;
      const auto start = Clock::now();
      double elapsed = 0.0;
      do {
        if (envs[e]->last().episode_over) envs[e]->reset();
        const agora::StepResult& r = envs[e]->step(ones);
        page_views += r.metrics(page_views_column);
        env_rates[e].pacing_factor += r.metrics(column("pacing_factor"));
        env_rates[e].spend_over_budget += r.metrics(column("spend_over_budget"));
        env_rates[e].steps += 1.0;
        impressions += r.metrics(impressions_column);
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      } while (elapsed < slice);
      env_rates[e].page_views.push_back(page_views / elapsed);
      env_rates[e].impressions.push_back(impressions / elapsed);
    }
    double auctions = 0.0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do {
      for (int a = 0; a < kPool; ++a) {
        const double* b = bids.data() + static_cast<std::ptrdiff_t>(a) * kCandidates;
        const double* q = quality.data() + static_cast<std::ptrdiff_t>(a) * kCandidates;
        double top[kSlots + 1] = {-1.0, -1.0, -1.0, -1.0};
        int who[kSlots + 1] = {-1, -1, -1, -1};
        for (int i = 0; i < kCandidates; ++i) {
          const double s = b[i] * q[i];
          int pos = kSlots;
          if (s <= top[pos]) continue;
          while (pos > 0 && s > top[pos - 1]) {
            top[pos] = top[pos - 1];
            who[pos] = who[pos - 1];
            --pos;
          }
          top[pos] = s;
          who[pos] = i;
        }
        for (int s = 0; s < kSlots; ++s) {
          const double next = top[s + 1] > 0.0 ? top[s + 1] : 0.0;
          reference_revenue += ctr[s] * q[who[s]] * (next / q[who[s]]);
        }
      }
      auctions += kPool;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < slice);
    reference_rates.push_back(auctions / elapsed);
  }
  sink = reference_revenue;

  std::printf(
      "ad_market_bench: %d advertisers, %d positions, %d candidates, GSP, fatigue on, "
      "%d users, one core, %.1f s per measurement\n",
      kAdvertisers, kSlots, kCandidates, users, seconds);
  const double reference = median(reference_rates);
  std::printf("  %-40s %10.3g page views/s (auctions)\n", "reference loop (score + top 3 GSP)",
              reference);
  for (std::size_t e = 0; e < envs.size(); ++e) {
    std::vector<double> ratios;
    for (int r = 0; r < kRepetitions; ++r) {
      ratios.push_back(env_rates[e].page_views[r] / reference_rates[r]);
    }
    const double impressions = median(env_rates[e].impressions);
    std::printf(
        "  %-40s %10.3g page views/s  %10.3g impressions/s  ratio to reference %.3f  "
        "(target >= 2e6 impressions/s: %s)\n",
        ("env, pacing " + pacings[e]).c_str(), median(env_rates[e].page_views), impressions,
        median(ratios), impressions >= 2e6 ? "met" : "NOT met");
    std::printf("  %-40s mean pacing factor %.3f, spend / budget %.3f over %.0f days\n", "",
                env_rates[e].pacing_factor / env_rates[e].steps,
                env_rates[e].spend_over_budget / env_rates[e].steps, env_rates[e].steps);
  }
  return 0;
}
