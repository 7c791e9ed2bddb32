// Policy-Space Response Oracles (PSRO; Lanctot et al., "A unified game-theoretic approach to
// multiagent reinforcement learning", NeurIPS 2017), with the double-oracle algorithm
// (McMahan, Gordon & Blum, ICML 2003) as the special case of an exact meta-solver.
//
// Model. Each role has a population of policies (Candidates, experiments/empirical_game.h). An
// iteration:
//   1. estimates the empirical game among the populations by simulation (only the profiles not
//      yet simulated; EmpiricalGame),
//   2. solves it for a meta-strategy x (solve_meta_game),
//   3. measures the meta-strategy in the full game: every agent plays MixturePolicy(x_r), which
//      draws one of its role's policies from x_r independently for every agent and step, and
//      estimate_nash_conv (experiments/exploitability.h) runs it for `samples` steps, recording
//      what each grid action would have earned against the others' play; per agent, the best
//      response per value bucket and its gain; NashConv(x) = Σ agents' gains ± se,
//   4. adds to each role's population the best response of its first agent, as a `bid_table`
//      policy: the bucket's best action at the bucket's midpoint value, linear in between (a
//      step table would put every value of a bucket on one bid, an atom that the next best
//      response exploits by bidding just above it), in the env's action units.
// The last iteration stops after step 3. Agents of a role are exchangeable, so one best response
// per role (the first agent's) serves the role; the meta-game's NashConv (in the estimated
// empirical game) is reported next to the full-game one.
//
// Meta-solver: replicator dynamics by default (as Lanctot et al.'s projected replicator
// dynamics, it keeps older policies in the mixture). With an exact Nash meta-solver (double
// oracle) the meta-strategy tends to jump to the newest best response, which is tuned to the
// sampling noise of the previous one. Either way NashConv need not decrease monotonically from
// one iteration to the next (McAleer et al., "Anytime PSRO", 2022).
//
// What the numbers mean. The full-game NashConv is the grid-and-bucket restricted best-response
// gain of experiments/exploitability.h (its error statement applies: sampling error ± se, an
// upward bias of order sqrt(log(G × buckets) / samples) from choosing the best response on the
// same samples, a downward bias from the grid and the buckets). Mixing per step equals mixing
// per episode for stationary policies in an env without state (the auction env with values
// redrawn each round); policies do not learn while the best response is estimated, so learners
// are evaluated as they are when built.
//
// Roles must be bidder roles (an observation "value", a one-dimensional action "bid" or
// "shade") whose env answers counterfactuals (Env::counterfactual_oracle): otherwise
// ConfigError("psro").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "experiments/empirical_game.h"
#include "experiments/exploitability.h"

namespace agora {

// Acts for a set of agents by drawing, for each agent and step, one of several policies with
// fixed probabilities; each policy acts for the agents that drew it. Does not learn.
class MixturePolicy : public Policy {
 public:
  MixturePolicy(std::vector<std::unique_ptr<Policy>> policies, std::vector<double> probabilities,
                const PolicyContext& ctx);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  Json strategy() const override { return {{"probabilities", probabilities_}}; }

 private:
  std::vector<std::unique_ptr<Policy>> policies_;
  std::vector<double> probabilities_;
  std::vector<double> cumulative_;
  std::vector<int> agents_;
  std::vector<BoolArray> masks_;
  Rng rng_;
};

struct PsroOptions {
  int iterations = 4;  // best responses added per role; iterations + 1 meta-games are solved
  MetaSolverOptions meta_solver{MetaSolverOptions::Method::kReplicatorDynamics};
  EmpiricalGameOptions empirical;
  ExploitabilityOptions best_response{50000, 101, 10};  // samples, grid points, value buckets
  std::uint64_t seed = 1;  // streams of the mixtures and of the best-response envs
};

struct PsroIteration {
  int iteration = 0;
  std::vector<int> population;  // per role
  MetaSolution meta;            // in the empirical game of this iteration
  Json meta_json;               // meta.to_json(that game): the mixture by label
  Json full_game;               // estimate_nash_conv's result for the meta-strategy
  double nash_conv = 0.0;       // full game
  double nash_conv_se = 0.0;
  std::vector<Candidate> added;  // per role, empty in the last iteration
};

struct PsroResult {
  std::vector<PsroIteration> iterations;
  std::unique_ptr<EmpiricalGame> game;  // the final empirical game

  Json to_json() const;
};

// `base` and `initial` as for EmpiricalGame. ConfigError for roles PSRO cannot respond in.
PsroResult run_psro(Json base, std::map<std::string, std::vector<Candidate>> initial,
                    const PsroOptions& options = {});

// The bid_table candidate of a best response as estimate_nash_conv reports it
// ([[bucket_low, bucket_high, action], ...]) in action units "bid" or "shade": the actions at
// the buckets' midpoints, linear in between (buckets with a repeated midpoint are dropped).
Candidate best_response_candidate(const Json& buckets, const std::string& units,
                                  const std::string& label);

}  // namespace agora
