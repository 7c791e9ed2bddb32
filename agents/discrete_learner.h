// The Policy adapter shared by the game-theoretic learners (regret_matching, fictitious_play,
// replicator_dynamics, best_response) for roles with a Discrete(K) action space.
//
// Model: each agent of the policy owns one learner core over the K actions. In act() the core
// picks an action (possibly with the policy's own Boost stream); in learn() the env's
// counterfactual feedback gives u(k), the reward the agent would have received in the last
// step playing k, everything else equal, for every k (one call per agent with a preallocated
// K-row candidate batch), and the core updates on (u, played action). The learners ignore
// observations: they are learners for repeated (stage) games. Inactive agents neither act nor
// learn.
//
// Requirements, checked at construction (ConfigError at <agent path>.type): the action space is
// Discrete, and the role's feedback is full information.
//
// A core offers
//   int select(Rng&);  void update(const Eigen::ArrayXd& payoffs, int played);
//   Json to_json() const;  // {"current": [...], "average": [...], ...}
// strategy() reports {"algorithm", "actions": K, "agents": [{"agent": i, <core json>}]}.
#pragma once

#include <Eigen/Core>
#include <boost/random/uniform_int_distribution.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "core/error.h"
#include "core/rng.h"

namespace agora {

// K for a learner of `algorithm`; throws ConfigError at ctx.path.type unless the action space
// is Discrete and the role gets full-information feedback.
inline int discrete_actions(const PolicyContext& ctx, const std::string& algorithm) {
  const std::string where = join_path(ctx.path, "type");
  const RoleSpec& role = *ctx.role;
  if (role.action_space.kind() != Space::Kind::kDiscrete) {
    throw ConfigError(where, algorithm + " needs a Discrete action space; role '" + role.name +
                                 "' has " + role.action_space.describe());
  }
  if (role.feedback != Feedback::kFull) {
    throw ConfigError(where, algorithm +
                                 " needs full-information feedback (the payoff of every action "
                                 "each step); role '" +
                                 role.name + "' gets bandit feedback");
  }
  return role.action_space.n();
}

// An action drawn from the probability vector p (inverse CDF; the last positive entry absorbs
// rounding).
inline int sample_action(const Eigen::ArrayXd& p, Rng& rng) {
  const double u = uniform01(rng);
  double cumulative = 0.0;
  int last = 0;
  for (Eigen::Index k = 0; k < p.size(); ++k) {
    if (p(k) <= 0.0) continue;
    cumulative += p(k);
    last = static_cast<int>(k);
    if (u < cumulative) return last;
  }
  return last;
}

enum class TieBreak { kLowest, kRandom };

inline TieBreak read_tie_break(const Json& params) {
  return params.at("tie_break").get<std::string>() == "random" ? TieBreak::kRandom
                                                               : TieBreak::kLowest;
}

inline ParamSpec tie_break_param() {
  return param::text("tie_break", "lowest", {"lowest", "random"},
                     "among maximisers: the lowest action index, or uniformly at random with "
                     "the policy's stream");
}

// The index of the largest entry; ties (exact equality) to the lowest index or uniformly at
// random among the maximisers (one draw when there is a tie).
inline int argmax(const Eigen::ArrayXd& x, TieBreak tie_break, Rng& rng) {
  int best = 0;
  int ties = 1;
  for (Eigen::Index k = 1; k < x.size(); ++k) {
    if (x(k) > x(best)) {
      best = static_cast<int>(k);
      ties = 1;
    } else if (x(k) == x(best)) {
      ++ties;
    }
  }
  if (ties == 1 || tie_break == TieBreak::kLowest) return best;
  int pick = boost::random::uniform_int_distribution<int>(0, ties - 1)(rng);
  for (Eigen::Index k = best;; ++k) {
    if (x(k) == x(best) && pick-- == 0) return static_cast<int>(k);
  }
}

// The uniform distribution over the maximisers (the mixed strategy a random tie-break plays).
inline Eigen::ArrayXd maximisers(const Eigen::ArrayXd& x, TieBreak tie_break) {
  Eigen::ArrayXd p = Eigen::ArrayXd::Zero(x.size());
  const double best = x.maxCoeff();
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    if (x(k) == best) {
      p(k) = 1.0;
      if (tie_break == TieBreak::kLowest) return p;
    }
  }
  return p / p.sum();
}

inline std::vector<double> to_vector(const Eigen::ArrayXd& x) {
  return std::vector<double>(x.data(), x.data() + x.size());
}

template <class Core>
class DiscreteLearner final : public Policy {
 public:
  DiscreteLearner(std::string algorithm, const Core& prototype, const PolicyContext& ctx)
      : algorithm_(std::move(algorithm)),
        actions_(ctx.role->action_space.n()),
        agents_(ctx.agents),
        cores_(agents_.size(), prototype),
        acted_(agents_.size(), 0),
        candidates_(RowBatch::Zero(actions_, 1)),
        payoffs_(Eigen::ArrayXd::Zero(actions_)),
        rng_(make_rng(ctx.seed, algorithm_)) {
    AGORA_CHECK_EQ(ctx.role->action_space.dim(), 1);
    for (int k = 0; k < actions_; ++k) candidates_(k, 0) = k;
  }

  void act(const RowBatch& /*observations*/, const BoolArray& active, RowBatch& actions) override {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      const int agent = agents_[i];
      acted_[i] = active(agent);
      if (acted_[i]) actions(agent, 0) = cores_[i].select(rng_);
    }
  }

  void learn(const Transition& transition) override {
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      if (!acted_[i]) continue;
      acted_[i] = 0;
      const int agent = agents_[i];
      AGORA_CHECK(transition.counterfactuals != nullptr);
      transition.counterfactuals->counterfactual_rewards(agent, candidates_, payoffs_);
      cores_[i].update(payoffs_, static_cast<int>(transition.actions(agent, 0)));
    }
  }

  Json strategy() const override {
    Json agents = Json::array();
    for (std::size_t i = 0; i < agents_.size(); ++i) {
      Json entry = cores_[i].to_json();
      entry["agent"] = agents_[i];
      agents.push_back(std::move(entry));
    }
    return {{"algorithm", algorithm_}, {"actions", actions_}, {"agents", std::move(agents)}};
  }

  const Core& core(std::size_t i) const { return cores_[i]; }

 private:
  const std::string algorithm_;
  const int actions_;
  const std::vector<int> agents_;
  std::vector<Core> cores_;
  std::vector<char> acted_;
  RowBatch candidates_;
  Eigen::ArrayXd payoffs_;
  Rng rng_;
};

}  // namespace agora
