// "topic_bandit": a content creator choosing a topic with bandit feedback (own reward only).
//
// Model: each creator of the policy runs an independent K-armed bandit over the topics of a
// Discrete "topic" action: EXP3 (adversarial bandit; Auer, Cesa-Bianchi, Freund & Schapire,
// SIAM J. Computing 2002; agents/exp3.h) — the natural choice when the other creators adapt
// too — or UCB1 (stochastic bandit; Auer, Cesa-Bianchi & Fischer, Machine Learning 2002;
// agents/ucb1.h). The cores are the project's bidding bandits; the existing "exp3"/"ucb1"
// agents are grid learners over a bid, so they cannot play a topic.
//
// Parameters (registration in topic_bandit.cc):
//   algorithm     "exp3" | "ucb1", default "exp3"
//   gamma         number in [0, 1] or null, default null   EXP3 exploration; null:
//                 min(1, sqrt(K ln K / ((e - 1) T))) with T the horizon
//   reward_range  [low, high] or null, default null        maps rewards to [0, 1]; required by
//                 EXP3; null for UCB1: the running min and max of observed rewards
#pragma once

#include <variant>
#include <vector>

#include "agents/exp3.h"
#include "agents/policy.h"
#include "agents/ucb1.h"

namespace agora {

class TopicBandit final : public Policy {
 public:
  TopicBandit(const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

 private:
  using Core = std::variant<Exp3, Ucb1>;
  const std::vector<int> agents_;
  std::vector<Core> cores_;
  std::vector<int> played_;  // -1: did not act
  Rng rng_;
};

}  // namespace agora
