// Which of a policy's agents act in a step and are learned from, shared by the autobidders.
//
// act() visits every agent that is active and has not left, and remembers it; learn() visits
// each remembered agent once, after noting whether the step terminated it. An agent that left
// is never visited again, even if a (faulty) active mask says otherwise.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "envs/env.h"

namespace agora {

class AgentTurns {
 public:
  explicit AgentTurns(std::vector<int> agents)
      : agents_(std::move(agents)), acted_(agents_.size(), 0), left_(agents_.size(), 0) {}

  const std::vector<int>& agents() const { return agents_; }
  std::size_t size() const { return agents_.size(); }

  // visit(i, agent) for the i-th agent of the policy, if it acts in this step.
  template <class Visit>
  void act(const BoolArray& active, Visit&& visit) {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      acted_[i] = active(agents_[i]) && !left_[i];
      if (acted_[i]) visit(i, agents_[i]);
    }
  }

  // visit(i, agent) for every agent that acted in the step `outcome` ends.
  template <class Visit>
  void learn(const RoleState& outcome, Visit&& visit) {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (!acted_[i]) continue;
      acted_[i] = 0;
      if (outcome.terminated(agents_[i])) left_[i] = 1;
      visit(i, agents_[i]);
    }
  }

 private:
  std::vector<int> agents_;
  std::vector<char> acted_;
  std::vector<char> left_;
};

}  // namespace agora
