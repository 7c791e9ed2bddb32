// Benchmark: the `auction` env with 10 bidders, one slot, second price, fresh U[0,1] values,
// truthful bidders, on one core, through the env API (reset + step loop, actions filled
// directly):
//   A. bid_mode "shade", action 1.0, rounds_per_step R = 1000 (the batched path);
//   B. bid_mode "bid", R = 1, bid = the observed value (one auction per env step).
// Reference, in the same process: a plain C++ loop drawing 10 values with agora::Rng and
// boost::random::uniform_real_distribution, taking the top two and accumulating the revenue.
// Targets (docs/benchmarks.md): A >= 2e7 auctions/s and >= 0.7 of the reference.
//
// Also: the value draws alone (10 Boost uniform draws per auction), a bound on any loop that
// draws values the way Agora's RNG contract fixes; Mechanism::deviation_profile() against 9 other
// bids against one slot (the full-information learners' hot path; target well under 100 ns
// per call); AuctionEnv::counterfactual_rewards() for one bidder, 101 candidates, R = 1.
//
// The measurements are interleaved: each of kRepetitions rounds runs every measurement once
// for seconds / kRepetitions, and we report the median rate and the median of the per-round
// ratios, so a machine whose speed drifts (a shared VM) biases no ratio.
//
// Usage: auction_bench [total seconds per measurement, default 2]
#include <algorithm>
#include <boost/random/uniform_real_distribution.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace {

constexpr int kBidders = 10;
using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

std::unique_ptr<agora::Env> make_auction_env(const agora::Json& params) {
  agora::EnvContext ctx;
  ctx.horizon = std::int64_t{1} << 60;
  ctx.mechanism = agora::make_mechanism("second_price", agora::Json::object(), "mechanism");
  return agora::make_env("auction", params, ctx);
}

volatile double sink = 0.0;  // keeps results observable

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const double slice = seconds / kRepetitions;

  // A. Env API, shade mode, R = 1000.
  constexpr int kRounds = 1000;
  auto batched = make_auction_env({{"n_bidders", kBidders},
                                   {"bid_mode", "shade"},
                                   {"rounds_per_step", kRounds},
                                   {"feedback", "own"}});
  batched->reset(1);
  const std::vector<agora::RowBatch> shade_one = {agora::RowBatch::Constant(kBidders, 1, 1.0)};
  double env_revenue = 0.0;
  double env_auctions = 0.0;
  constexpr int kStepsPerChunk = 20;
  Measurement env{"env API, shade 1.0, R=1000", kStepsPerChunk * kRounds, [&] {
                    for (int s = 0; s < kStepsPerChunk; ++s) {
                      env_revenue += batched->step(shade_one).metrics(0) * kRounds;
                    }
                    env_auctions += kStepsPerChunk * kRounds;
                  }};

  // B. Env API, bid mode, R = 1, bid = observed value.
  auto single = make_auction_env({{"n_bidders", kBidders}, {"feedback", "own"}});
  const agora::StepResult* last = &single->reset(1);
  std::vector<agora::RowBatch> bids = {agora::RowBatch::Zero(kBidders, 1)};
  double single_revenue = 0.0;
  constexpr int kAuctionsPerChunk = 20000;
  Measurement env_single{"env API, bid = value, R=1", kAuctionsPerChunk, [&] {
                           for (int s = 0; s < kAuctionsPerChunk; ++s) {
                             bids[0].col(0) = last->roles[0].observations.col(0);
                             last = &single->step(bids);
                             single_revenue += last->metrics(0);
                           }
                         }};

  // Reference: the same auctions in a plain loop, drawing the same numbers as the env
  // (agora::uniform_real is Boost's uniform_real_distribution bit for bit, core/rng.h).
  const auto top_two_loop = [&](agora::Rng& rng, auto&& draw, double& revenue) {
    for (int a = 0; a < kAuctionsPerChunk; ++a) {
      double first = -1.0, second = -1.0;
      for (int i = 0; i < kBidders; ++i) {
        const double v = draw(rng);
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) {
          second = v;
        }
      }
      revenue += second;
    }
  };
  agora::Rng rng(1);
  double reference_revenue = 0.0;
  double reference_auctions = 0.0;
  Measurement reference{"reference loop", kAuctionsPerChunk, [&] {
                          top_two_loop(
                              rng, [](agora::Rng& r) { return agora::uniform_real(r, 0.0, 1.0); },
                              reference_revenue);
                          reference_auctions += kAuctionsPerChunk;
                        }};
  // The same loop calling a boost::random::uniform_real_distribution object.
  agora::Rng boost_rng(1);
  boost::random::uniform_real_distribution<double> uniform(0.0, 1.0);
  double boost_revenue = 0.0;
  Measurement reference_boost{"reference loop, Boost's distribution", kAuctionsPerChunk, [&] {
                                top_two_loop(boost_rng, uniform, boost_revenue);
                              }};

  // Bound: the value draws alone.
  agora::Rng draw_rng(2);
  double draw_sum = 0.0;
  Measurement draws{"value draws only (bound)", kAuctionsPerChunk, [&] {
                      for (int a = 0; a < kAuctionsPerChunk; ++a) {
                        for (int i = 0; i < kBidders; ++i) {
                          draw_sum += agora::uniform_real(draw_rng, 0.0, 1.0);
                        }
                      }
                    }};

  // deviation_profile(): one slot, 9 other bids — the full-information learners' per-agent,
  // per-round hot path.
  std::vector<double> others = {0.93, 0.81, 0.77, 0.6, 0.52, 0.41, 0.3, 0.22, 0.1};
  const std::vector<double> ctr = {1.0};
  constexpr int kCallsPerChunk = 20000;
  const auto second_price = agora::make_mechanism("second_price", agora::Json::object(), "m");
  const auto first_price = agora::make_mechanism("first_price", agora::Json::object(), "m");
  double deviation_total = 0.0;
  agora::DeviationProfile profile;
  const auto deviation_chunk = [&](const agora::Mechanism& mechanism) {
    for (int c = 0; c < kCallsPerChunk; ++c) {
      others[0] = 0.93 + 1e-9 * (c & 7);  // a dependency per call
      mechanism.deviation_profile(others, agora::BidderView{0, 1.0, 0.0}, ctr, profile);
      deviation_total += profile.payment.pieces().back().intercept;
    }
  };
  Measurement dev_second{"deviation_profile(), second price", kCallsPerChunk,
                         [&] { deviation_chunk(*second_price); }};
  Measurement dev_first{"deviation_profile(), first price", kCallsPerChunk,
                        [&] { deviation_chunk(*first_price); }};

  // counterfactual_rewards(): one bidder, 101 candidates, R = 1, full information.
  auto full = make_auction_env({{"n_bidders", kBidders}, {"feedback", "full"}});
  full->reset(1);
  full->step({agora::RowBatch::Constant(kBidders, 1, 0.5)});
  agora::RowBatch candidate_rows(101, 1);
  for (int c = 0; c <= 100; ++c) candidate_rows(c, 0) = 0.01 * c;
  Eigen::ArrayXd out(101);
  const agora::CounterfactualFeedback* cf = full->counterfactuals(0);
  double cf_total = 0.0;
  Measurement counterfactual{"counterfactual_rewards()", kCallsPerChunk, [&] {
                               for (int c = 0; c < kCallsPerChunk; ++c) {
                                 cf->counterfactual_rewards(c % kBidders, candidate_rows, out);
                                 cf_total += out(50);
                               }
                             }};

  std::vector<Measurement*> all = {&env,   &env_single, &reference, &reference_boost,
                                   &draws, &dev_second, &dev_first, &counterfactual};
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (Measurement* m : all) measure(*m, slice);
  }
  sink = env_revenue + single_revenue + reference_revenue + boost_revenue + draw_sum + deviation_total + cf_total;

  std::printf(
      "auction_bench: 10 bidders, 1 slot, second price, U[0,1] values, truthful "
      "(median of %d interleaved repetitions)\n",
      kRepetitions);
  std::printf("  %-34s %10.3e auctions/s\n", env.name.c_str(), median(env.rates));
  std::printf("  %-34s %10.3e auctions/s\n", env_single.name.c_str(), median(env_single.rates));
  std::printf("  %-34s %10.3e auctions/s\n", reference.name.c_str(), median(reference.rates));
  std::printf("  %-34s %10.3e auctions/s\n", draws.name.c_str(), median(draws.rates));
  std::printf("  %-34s %10.3e auctions/s\n", reference_boost.name.c_str(),
              median(reference_boost.rates));
  std::printf("  ratio env (R=1000) / reference     %10.3f   (target >= 0.7; >= 2e7 auctions/s)\n",
              median_ratio(env, reference));
  std::printf("  ratio env (R=1) / reference        %10.3f\n", median_ratio(env_single, reference));
  std::printf("  ratio reference / value draws only %10.3f\n", median_ratio(reference, draws));
  std::printf("  mean revenue per auction: env %.4f, reference %.4f (theory 9/11 = %.4f)\n",
              env_revenue / env_auctions, reference_revenue / reference_auctions, 9.0 / 11);
  std::printf(
      "  deviation_profile(), 1 slot        %6.1f ns (second price) %6.1f ns (first price)\n",
      1e9 / median(dev_second.rates), 1e9 / median(dev_first.rates));
  std::printf("  counterfactual_rewards(), 101 bids %6.1f ns per bidder and step (R=1)\n",
              1e9 / median(counterfactual.rates));
  return 0;
}
