// Benchmark: the `auction` env with 10 Hedge bidders over 101 bids, one slot, second price,
// fresh U[0,1] values, one auction per step, full-information feedback — through the env and
// agent APIs (experiments/simulation.h), as `agora run` executes it. Target: >= 10^6 auctions
// per second on one core.
//
// Reference: a plain C++ loop doing the same work the textbook way in the same process: draw
// 10 values, let each of 10 Hedge learners sample a bid from its exponential weights (K exps
// and a linear scan), run the second-price auction, and update every learner's weights with
// the counterfactual utility of all 101 bids.
//
// Usage: hedge_bench [auctions]   (default 2000000)
#include <boost/random/uniform_real_distribution.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/rng.h"
#include "experiments/experiment_config.h"
#include "experiments/simulation.h"

namespace {

constexpr int kBidders = 10;
constexpr int kArms = 101;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// rounds_per_step = 1: a bid grid, one Hedge update per auction. rounds_per_step = R > 1: a
// shading grid (bid = shade x value in every round) updated once per step with the mean reward
// of each shade over the step's R auctions.
double run_agora(std::int64_t auctions, int rounds_per_step, double& revenue) {
  agora::Json config = agora::Json::parse(R"({
    "env": {"name": "auction", "params": {"n_bidders": 10, "feedback": "full"}},
    "mechanism": {"name": "second_price"},
    "agents": {"bidder": [{"type": "hedge", "params": {"points": 101}}]},
    "horizon": 1000000000,
    "seeds": {"first": 1, "count": 1}
  })");
  config["env"]["params"]["rounds_per_step"] = rounds_per_step;
  config["env"]["params"]["bid_mode"] = rounds_per_step == 1 ? "bid" : "shade";
  config["agents"]["bidder"][0]["params"]["grid"] = rounds_per_step == 1 ? "bid" : "shade";
  auto experiment = agora::validate_experiment(config, "hedge_bench", "(inline)");
  agora::Simulation simulation(experiment.cells[0], 1);
  const auto start = std::chrono::steady_clock::now();
  revenue = 0.0;
  for (std::int64_t t = 0; t < auctions / rounds_per_step; ++t) {
    simulation.step();
    revenue += simulation.last().metrics(0) * rounds_per_step;
  }
  return seconds_since(start);
}

double run_reference(std::int64_t auctions, double& revenue) {
  agora::Rng rng(7);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  const double eta = std::sqrt(8.0 * std::log(kArms) / static_cast<double>(auctions)) / 2.0;
  std::vector<double> grid(kArms);
  for (int a = 0; a < kArms; ++a) grid[a] = a / (kArms - 1.0);
  std::vector<double> log_weights(kBidders * kArms, 0.0);
  std::vector<double> weights(kArms);
  double values[kBidders];
  double bids[kBidders];
  revenue = 0.0;
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t t = 0; t < auctions; ++t) {
    for (int i = 0; i < kBidders; ++i) values[i] = unit(rng);
    for (int i = 0; i < kBidders; ++i) {
      const double* l = &log_weights[i * kArms];
      double max_l = l[0];
      for (int a = 1; a < kArms; ++a) max_l = std::max(max_l, l[a]);
      double total = 0.0;
      for (int a = 0; a < kArms; ++a) total += weights[a] = std::exp(l[a] - max_l);
      double u = unit(rng) * total;
      int chosen = kArms - 1;
      for (int a = 0; a < kArms; ++a) {
        u -= weights[a];
        if (u < 0.0) {
          chosen = a;
          break;
        }
      }
      bids[i] = grid[chosen];
    }
    int best = 0;
    double second = -1.0;
    for (int i = 1; i < kBidders; ++i) {
      if (bids[i] > bids[best]) {
        second = bids[best];
        best = i;
      } else {
        second = std::max(second, bids[i]);
      }
    }
    revenue += second;
    for (int i = 0; i < kBidders; ++i) {
      double others = -1.0;
      for (int j = 0; j < kBidders; ++j) {
        if (j != i) others = std::max(others, bids[j]);
      }
      double* l = &log_weights[i * kArms];
      for (int a = 0; a < kArms; ++a) {
        if (grid[a] > others) l[a] += eta * (values[i] - others);
      }
    }
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t auctions = argc > 1 ? std::atoll(argv[1]) : 2000000;
  double agora_revenue = 0.0;
  double reference_revenue = 0.0;
  const double reference_seconds = run_reference(auctions / 4, reference_revenue);
  const double agora_seconds = run_agora(auctions, 1, agora_revenue);
  constexpr int kBatch = 10;
  double batched_revenue = 0.0;
  const double batched_seconds = run_agora(auctions, kBatch, batched_revenue);
  const double agora_rate = static_cast<double>(auctions) / agora_seconds;
  const double reference_rate = static_cast<double>(auctions / 4) / reference_seconds;
  std::printf("hedge_bench: 10 Hedge bidders x 101 bids, second price, 1 slot, 1 auction/step\n");
  std::printf("  agora (env + agents API): %12.4g auctions/s  (mean revenue %.4f)\n", agora_rate,
              agora_revenue / static_cast<double>(auctions));
  std::printf("  plain reference loop:     %12.4g auctions/s  (mean revenue %.4f)\n",
              reference_rate, reference_revenue / static_cast<double>(auctions / 4));
  std::printf("  ratio agora / reference:  %12.3f\n", agora_rate / reference_rate);
  std::printf("  Hedge updates (%d per auction):  %10.4g updates/s\n", kBidders,
              kBidders * agora_rate);
  std::printf("  target (issue 2): >= 1e6 auctions/s: %s\n", agora_rate >= 1e6 ? "met" : "NOT met");
  std::printf("  shading grid, %d auctions per step and update: %10.4g auctions/s  (mean revenue %.4f)\n",
              kBatch, static_cast<double>(auctions / kBatch * kBatch) / batched_seconds,
              batched_revenue / static_cast<double>(auctions / kBatch * kBatch));
  std::printf("  target (issue 7): >= 1e6 updates/s over 101 actions: %s\n",
              kBidders * agora_rate >= 1e6 ? "met" : "NOT met");
  return 0;
}
