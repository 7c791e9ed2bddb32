// Benchmark: tabular Q-learning bidders (agents/tabular_td.h) in a repeated first-price
// auction, the Banchio & Skrzypacz (2022) setting: 2 bidders, values 1, 21 bids 0, 0.05, ...,
// 1, stateless, α = 0.05, γ = 0.95, ε_t = e^{−βt} from 1 (β = 2e-5, so ε is tiny after the
// first ~10^6 steps of the run), own-reward feedback. Rates are learning steps (agent updates)
// per second, two per auction, on one core.
//
//   A. agora: the `auction` env and two `q_learning` policies through experiments/simulation.h
//      (act -> env.step -> learn), as `agora run` executes a config;
//   B. policy API only: the same policy's act() and learn() on a hand-written first-price
//      auction (no env);
//   C. reference: a plain loop doing the same Q-learning arithmetic the textbook way (ε-greedy
//      with Boost draws on mt19937_64, argmax by scanning with uniform ties, max over the next
//      row by scanning) on a hand-written first-price auction with a random tie-break.
// Target (issue 7): >= 1e7 learning steps per second for A.
//
//   A0. bound: the env alone through Simulation's loop shape (env.step with both bids fixed at
//      0.3, tied as in the learners' collusive outcome): no learner can make A faster than this.
// Measurements are interleaved (bench/measurement.h): medians over 7 rounds, and the median of
// the per-round ratios. Rates are per second of this thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID), so a loaded shared VM inflates them less than wall time would;
// the wall-clock rates are printed too.
//
// Usage: q_learning_bench [total seconds per measurement, default 2]
#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "agents/policy.h"
#include "bench/measurement.h"
#include "core/rng.h"
#include "envs/env_registry.h"
#include "experiments/experiment_config.h"
#include "experiments/simulation.h"
#include "mechanisms/mechanism.h"

namespace {

using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kBidders = 2;
constexpr int kArms = 21;
constexpr double kAlpha = 0.05;
constexpr double kGamma = 0.95;
constexpr double kBeta = 2e-5;
constexpr int kStepsPerChunk = 20000;

const char* kBidderParams = R"({"grid": "bid", "points": 21, "learning_rate": 0.05,
  "discount": 0.95, "schedule": "exponential", "epsilon": 1.0, "epsilon_beta": 2e-5})";

agora::Json experiment_json() {
  agora::Json config = agora::Json::parse(R"({
    "env": {"name": "auction", "params": {"n_bidders": 2, "feedback": "own", "max_bid": 1.0,
                                          "values": {"distribution": "constant", "value": 1.0}}},
    "mechanism": {"name": "first_price"},
    "agents": {"bidder": [{"type": "q_learning"}]},
    "horizon": 1000000000000,
    "seeds": {"first": 1, "count": 1}
  })");
  config["agents"]["bidder"][0]["params"] = agora::Json::parse(kBidderParams);
  return config;
}

// The textbook Q-learner of the reference loop.
struct PlainQ {
  double q[kArms] = {};
  double raw_epsilon = 1.0;
  int action = 0;

  int greedy(agora::Rng& rng) const {
    double best = q[0];
    for (int a = 1; a < kArms; ++a) best = std::max(best, q[a]);
    int ties = 0;
    for (int a = 0; a < kArms; ++a) ties += q[a] == best;
    int pick = ties == 1 ? 0 : boost::random::uniform_int_distribution<int>(0, ties - 1)(rng);
    for (int a = 0; a < kArms; ++a) {
      if (q[a] == best && pick-- == 0) return a;
    }
    return 0;
  }
  int choose(agora::Rng& rng, double factor) {
    const double epsilon = raw_epsilon;
    raw_epsilon *= factor;
    if (epsilon > 0.0 && boost::random::bernoulli_distribution<double>(epsilon)(rng)) {
      return boost::random::uniform_int_distribution<int>(0, kArms - 1)(rng);
    }
    return greedy(rng);
  }
  void learn(double reward) {
    double best = q[0];
    for (int a = 1; a < kArms; ++a) best = std::max(best, q[a]);
    q[action] += kAlpha * (reward + kGamma * best - q[action]);
  }
};

volatile double sink = 0.0;

double thread_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// As bench::measure (wall time in m.rates), also recording the rate per CPU second.
struct Timed {
  Measurement m;
  std::vector<double> cpu_rates = {};
};

void measure_both(Timed& t, double seconds) {
  const auto start = agora::bench::Clock::now();
  const double cpu_start = thread_seconds();
  double done = 0.0;
  double elapsed = 0.0;
  do {
    t.m.chunk();
    done += t.m.per_chunk;
    elapsed = std::chrono::duration<double>(agora::bench::Clock::now() - start).count();
  } while (elapsed < seconds);
  t.m.rates.push_back(done / elapsed);
  t.cpu_rates.push_back(done / (thread_seconds() - cpu_start));
}

double median_cpu_ratio(const Timed& a, const Timed& b) {
  std::vector<double> ratios;
  for (std::size_t r = 0; r < a.cpu_rates.size(); ++r) {
    ratios.push_back(a.cpu_rates[r] / b.cpu_rates[r]);
  }
  return median(ratios);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const double slice = seconds / kRepetitions;
  constexpr double kUpdatesPerChunk = static_cast<double>(kStepsPerChunk) * kBidders;

  // A. Simulation: env + policies, as the runner executes them.
  const auto experiment =
      agora::validate_experiment(experiment_json(), "q_learning_bench", "(inline)");
  agora::Simulation simulation(experiment.cells[0], 1);
  double agora_revenue = 0.0;
  double agora_steps = 0.0;
  Timed agora_api{{"agora: env + q_learning (Simulation)", kUpdatesPerChunk, [&] {
                     for (int s = 0; s < kStepsPerChunk; ++s) {
                       simulation.step();
                       agora_revenue += simulation.last().metrics(0);
                     }
                     agora_steps += kStepsPerChunk;
                   }}};

  // A0. The env alone in Simulation's loop shape, both bids fixed at 0.3 (tied).
  std::unique_ptr<agora::Env> env = [&] {
    agora::EnvContext context;
    context.horizon = 1000000000000;
    context.mechanism = agora::make_mechanism("first_price", agora::Json::object(), "mechanism");
    return agora::make_env("auction", experiment_json()["env"]["params"], context);
  }();
  const agora::StepResult* last = &env->reset(1);
  std::vector<agora::RowBatch> fixed = {agora::RowBatch::Constant(kBidders, 1, 0.3)};
  agora::RowBatch observations_before = last->roles[0].observations;
  double env_revenue = 0.0;
  Timed env_bound{{"bound: env alone, bids fixed (tied)", kUpdatesPerChunk, [&] {
                     for (int s = 0; s < kStepsPerChunk; ++s) {
                       observations_before = last->roles[0].observations;
                       last = &env->step(fixed);
                       env_revenue += last->metrics(0);
                     }
                   }}};

  // B. The policy API on a hand-written first-price auction.
  agora::RoleSpec role = simulation.env().roles()[0];
  agora::PolicyContext ctx;
  ctx.role = &role;
  ctx.agents = {0, 1};
  ctx.horizon = 1000000000000;
  ctx.seed = 1;
  ctx.path = "agents.bidder[0]";
  auto policy = agora::make_policy("q_learning", agora::Json::parse(kBidderParams), ctx);
  agora::RowBatch observations = agora::RowBatch::Zero(kBidders, role.observation_space.dim());
  observations.col(0).setConstant(1.0);
  agora::RowBatch actions = agora::RowBatch::Zero(kBidders, 1);
  agora::RoleState outcome;
  outcome.observations = observations;
  outcome.rewards = Eigen::ArrayXd::Zero(kBidders);
  outcome.active = agora::BoolArray::Constant(kBidders, true);
  outcome.terminated = agora::BoolArray::Constant(kBidders, false);
  outcome.truncated = agora::BoolArray::Constant(kBidders, false);
  agora::Rng policy_tie_rng(3);
  double policy_revenue = 0.0;
  double policy_steps = 0.0;
  Timed policy_api{{"policy API, hand-written auction", kUpdatesPerChunk, [&] {
                      for (int s = 0; s < kStepsPerChunk; ++s) {
                        policy->act(observations, outcome.active, actions);
                        const double b0 = actions(0, 0);
                        const double b1 = actions(1, 0);
                        const int winner = b0 != b1 ? (b1 > b0 ? 1 : 0)
                                                    : boost::random::uniform_int_distribution<int>(
                                                          0, 1)(policy_tie_rng);
                        const double price = std::max(b0, b1);
                        outcome.rewards(winner) = 1.0 - price;
                        outcome.rewards(1 - winner) = 0.0;
                        policy_revenue += price;
                        policy->learn(agora::Transition{observations, actions, outcome, nullptr});
                      }
                      policy_steps += kStepsPerChunk;
                    }}};

  // C. Reference loop.
  agora::Rng rng(7);
  PlainQ learners[kBidders];
  double grid[kArms];
  for (int a = 0; a < kArms; ++a) grid[a] = a / (kArms - 1.0);
  const double factor = std::exp(-kBeta);
  double reference_revenue = 0.0;
  double reference_steps = 0.0;
  Timed reference{{"plain reference loop", kUpdatesPerChunk, [&] {
                     for (int s = 0; s < kStepsPerChunk; ++s) {
                       for (PlainQ& learner : learners)
                         learner.action = learner.choose(rng, factor);
                       const double b0 = grid[learners[0].action];
                       const double b1 = grid[learners[1].action];
                       const int winner =
                           b0 != b1 ? (b1 > b0 ? 1 : 0)
                                    : boost::random::uniform_int_distribution<int>(0, 1)(rng);
                       const double price = std::max(b0, b1);
                       reference_revenue += price;
                       learners[winner].learn(1.0 - price);
                       learners[1 - winner].learn(0.0);
                     }
                     reference_steps += kStepsPerChunk;
                   }}};

  std::vector<Timed*> all = {&agora_api, &env_bound, &policy_api, &reference};
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (Timed* t : all) measure_both(*t, slice);
  }
  sink = agora_revenue + env_revenue + policy_revenue + reference_revenue;

  std::printf(
      "q_learning_bench: 2 Q-learning bidders x 21 bids, first price, values 1, stateless "
      "(median of %d interleaved repetitions)\n",
      kRepetitions);
  std::printf("  %-40s %22s %22s\n", "learning steps (agent updates) per second", "per CPU second",
              "per wall second");
  for (const Timed* t : all) {
    const double cpu = median(t->cpu_rates);
    std::printf("  %-40s %10.3e (%5.1f ns) %10.3e (%5.1f ns)\n", t->m.name.c_str(), cpu, 1e9 / cpu,
                median(t->m.rates), 1e9 / median(t->m.rates));
  }
  std::printf("  ratio agora / reference (CPU, wall)      %10.3f %22.3f\n",
              median_cpu_ratio(agora_api, reference), median_ratio(agora_api.m, reference.m));
  std::printf("  ratio policy API / reference             %10.3f %22.3f\n",
              median_cpu_ratio(policy_api, reference), median_ratio(policy_api.m, reference.m));
  std::printf("  ratio agora / env-alone bound            %10.3f %22.3f\n",
              median_cpu_ratio(agora_api, env_bound), median_ratio(agora_api.m, env_bound.m));
  std::printf("  mean revenue per auction: agora %.4f, policy API %.4f, reference %.4f\n",
              agora_revenue / agora_steps, policy_revenue / policy_steps,
              reference_revenue / reference_steps);
  std::printf("  target (issue 7): >= 1e7 learning steps per CPU second through env + policy: %s\n",
              median(agora_api.cpu_rates) >= 1e7 ? "met" : "NOT met");
  return 0;
}
