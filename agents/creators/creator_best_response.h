// "creator_best_response": myopic best response of content creators through the env's
// counterfactual oracle (full-information feedback).
//
// Model: after each step a revising creator asks the oracle what it would have earned in that
// step with each candidate action, everything else fixed, and plays the best next step; it
// keeps its action unless a candidate beats it by more than min_improvement (so equilibria
// are absorbing). Candidates: every topic (Discrete "topic" actions: an exact best response);
// for content directions, the current direction, `candidates` uniformly random unit vectors
// and `local_candidates` perturbations current + local_scale * N(0, I), normalised (a random
// search best response, exact in the limit of many candidates). Revision: "simultaneous"
// (every creator every step, each with probability revision_probability: inertia), or
// "round_robin" (the policy's creators revise one at a time in turn: sequential best-response
// dynamics, which increase the potential of a potential game at every switch and converge to
// a pure Nash equilibrium in finite games — Monderer & Shapley, "Potential games", GEB 1996;
// Ben-Porat & Tennenholtz, NeurIPS 2018 for the Shapley mediator game).
// The first action is the env's current one when observed ("e0".. or "topic"), else random.
//
// Parameters (registration in creator_best_response.cc):
//   candidates            integer >= 0, default 64    random directions per revision
//   local_candidates      integer >= 0, default 16    perturbations of the current direction
//   local_scale           number > 0, default 0.1
//   min_improvement       number >= 0, default 1e-9   required gain to switch
//   revision              "simultaneous" | "round_robin", default "simultaneous"
//   revision_probability  number in (0, 1], default 1
#pragma once

#include <Eigen/Core>
#include <vector>

#include "agents/creators/creator_space.h"
#include "agents/policy.h"

namespace agora {

class CreatorBestResponse final : public Policy {
 public:
  CreatorBestResponse(const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

 private:
  void build_candidates();  // from played_

  const CreatorSpace space_;
  const int random_candidates_;
  const int local_candidates_;
  const double local_scale_;
  const double min_improvement_;
  const bool round_robin_;
  const double revision_probability_;
  const std::vector<int> agents_;
  std::vector<Eigen::VectorXd> current_;  // per agent: direction, or the topic in entry 0
  std::vector<char> initialized_;
  std::vector<char> acted_;
  std::vector<long long> switches_;
  RowBatch candidates_;
  Eigen::ArrayXd payoffs_;
  Eigen::VectorXd played_;  // scratch: the direction played in the last step
  Eigen::VectorXd work_;    // scratch
  long long steps_ = 0;
  Rng rng_;
};

}  // namespace agora
