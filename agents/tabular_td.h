// Tabular Q-learning and SARSA bidders (agent types "q_learning" and "sarsa").
//
// Model: each agent keeps a table Q(s, a) over a small state set and the K points of a bid or
// shading grid (grid_learner.h), acts ε-greedily — with probability ε_t a uniform grid point,
// otherwise argmax_a Q(s, a), ties broken uniformly at random with the policy's stream — and
// after each step applies the temporal-difference update
//   Q(s, a) ← Q(s, a) + α (r + γ B − Q(s, a)),
//   Q-learning: B = max_a' Q(s', a');   SARSA: B = Q(s', a'), a' the ε-greedy action it then
// plays in s' (chosen when it learns, before the update, as in Sutton & Barto's box).
// B = 0 when the agent left the env (terminated); a time-limit truncation bootstraps. With
// exploration that visits every pair and suitable α, Q-learning converges to the Bellman
// fixed point Q*(s, a) = E[r + γ max Q*(s', ·)] (Watkins & Dayan 1992).
//
// States (one table row each; with value_buckets > 1 the rows are bucket × feature):
//   none              one state: the repeated-game bandit of Banchio & Skrzypacz (2022);
//   last_winning_bid  the observation "winning_bid" (auction feedback "winning_bid" or
//                     "full") binned: by default into the nearest point of the bid grid;
//   own_last_bid      the agent's own previous grid point (K states, plus one start state).
// ε schedules, t = 0, 1, ... the agent's decisions: constant ε_t = ε_0; exponential
// ε_t = max(ε_min, ε_0 e^{−βt}); geometric ε_t = max(ε_min, ε_0 d^t) (computed by one
// multiplication per decision). The exploration coin is exact; below ε = 0.1 it draws nothing
// between thinned candidate decisions (EpsilonClock).
//
// Parameters (plus the grid parameters of grid_learner.h):
//   state          "none" | "last_winning_bid" | "own_last_bid", default "none"
//   state_bins     integer ≥ 1 or null, default null  last_winning_bid: equal-width bins of
//                                                     state_range; null = the nearest bid-grid
//                                                     point (bid grid) or K bins (shade grid)
//   state_range    [low, high] or null, default null  null = the bounds of "winning_bid"
//   learning_rate  α in [0, 1], default 0.1
//   discount       γ in [0, 1), default 0.95
//   initial_q      number, default 0                  Q before any update (optimism: high)
//   schedule       "constant" | "exponential" | "geometric", default "constant"
//   epsilon        ε_0 in [0, 1], default 0.1
//   epsilon_beta   β ≥ 0 or null, default null        exponential; null = ln(1000) / horizon
//   epsilon_decay  d in (0, 1] or null, default null  geometric; null = 1000^(−1 / horizon)
//   epsilon_min    ε floor in [0, 1], default 0
//
// Watkins & Dayan, "Q-learning", Machine Learning 8 (1992); Rummery & Niranjan (1994) and
// Sutton & Barto, Reinforcement Learning (2018), ch. 6 (SARSA, Q-learning); Calvano, Calzolari,
// Denicolò & Pastorello, "Artificial intelligence, algorithmic pricing, and collusion", AER
// 110 (2020); Banchio & Skrzypacz, "Artificial intelligence and auction design", EC (2022).
#pragma once

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/grid_learner.h"
#include "agents/policy.h"

namespace agora {

// The ε-greedy exploration schedule shared by the tabular and linear TD learners.
struct EpsilonSchedule {
  enum class Kind { kConstant, kExponential, kGeometric };
  Kind kind = Kind::kConstant;
  double initial = 0.1;  // ε_0
  double factor = 1.0;   // per decision: e^{−β} or d
  double floor = 0.0;    // ε_min
  // ε_t by the closed form (the learners multiply step by step).
  double at(std::int64_t t) const {
    if (kind == Kind::kConstant) return initial;
    return std::max(floor, initial * std::pow(factor, static_cast<double>(t)));
  }
};

// schedule, epsilon, epsilon_beta, epsilon_decay, epsilon_min.
ParamSpecs epsilon_schedule_params();
EpsilonSchedule read_epsilon_schedule(const Json& params, std::int64_t horizon);
// A number in [0, 1) named "discount".
ParamSpec discount_param(double default_value);

// One agent's ε-greedy coin: explore() is true with probability ε_t at decision t,
// independently of the past. Above kThinningBelow it draws a Boost Bernoulli per decision;
// below, it thins a Bernoulli process: the next candidate decision is a Boost geometric draw
// with success probability b (the ε of the last candidate, ≥ every later ε_t since the
// schedules never increase), and a candidate explores with probability ε_t / b (Lewis &
// Shedler's thinning, for Bernoulli trials) — exact, with no draw between candidates.
class EpsilonClock {
 public:
  static constexpr double kThinningBelow = 0.1;

  explicit EpsilonClock(const EpsilonSchedule& schedule)
      : raw_(schedule.initial), factor_(schedule.factor), floor_(schedule.floor) {}
  double epsilon() const { return raw_ > floor_ ? raw_ : floor_; }  // for the next decision
  std::int64_t decisions() const { return decisions_; }

  bool explore(Rng& rng) {
    const double epsilon_t = epsilon();
    const std::int64_t t = decisions_++;
    if (raw_ > floor_) raw_ = raw_ * factor_ < 1e-300 ? 0.0 : raw_ * factor_;
    if (epsilon_t > kThinningBelow) {
      next_candidate_ = -1;
      return boost::random::bernoulli_distribution<double>(epsilon_t)(rng);
    }
    if (!(epsilon_t > 0.0)) return false;
    if (t < next_candidate_ && epsilon_t <= bound_) return false;
    return thinned(t, epsilon_t, rng);
  }

 private:
  bool thinned(std::int64_t t, double epsilon_t, Rng& rng);

  double raw_;
  double factor_;
  double floor_;
  std::int64_t decisions_ = 0;
  std::int64_t next_candidate_ = -1;  // thinning: the next candidate decision; -1 = none
  double bound_ = 0.0;                // thinning: its success probability b
};

class TabularTD final : public Policy {
 public:
  enum class Algorithm { kQLearning, kSarsa };
  enum class StateKind { kNone, kLastWinningBid, kOwnLastBid };

  // params: validated against tabular_td_params(); throws ConfigError naming ctx.path.
  TabularTD(Algorithm algorithm, const Json& params, const PolicyContext& ctx);

  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  void learn(const Transition& transition) override;
  Json strategy() const override;

  const GridSetup& setup() const { return setup_; }
  int actions() const { return actions_; }
  int states() const { return states_; }  // table rows per agent
  // Of the i-th agent of this policy (ctx.agents[i]).
  double q(int agent_index, int state, int action) const {
    return q_[row(agent_index, state) * actions_ + action];
  }
  std::int64_t visits(int agent_index, int state, int action) const {
    return visits_[row(agent_index, state) * actions_ + action];
  }
  double epsilon(int agent_index) const { return clocks_[agent_index].epsilon(); }
  std::int64_t decisions(int agent_index) const { return clocks_[agent_index].decisions(); }
  // The state the i-th agent is in given an observation row (before acting).
  int state_of(const RowBatch& observations, int agent_index) const;

 private:
  static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);

  // The row's maximum, kept up to date by set_q: a row is rescanned only when its unique
  // maximiser falls to or below `second`, an upper bound on the other entries.
  struct RowMax {
    double value;
    int action;     // the lowest-index maximiser
    int ties;       // number of maximisers
    double second;  // >= every entry below `value`
  };

  std::size_t row(int agent_index, int state) const {
    return static_cast<std::size_t>(agent_index) * states_ + state;
  }
  int feature_state(const RowBatch& observations, int agent, int agent_index) const;
  int choose(int agent_index, std::size_t row_index);
  int greedy(std::size_t row_index);
  void set_q(std::size_t row_index, int action, double value);
  void rescan(std::size_t row_index);

  const Algorithm algorithm_;
  const GridSetup setup_;
  const std::vector<int> agents_;
  const int actions_;
  const StateKind state_kind_;
  bool stateless_ = false;      // one row per agent: no state feature, one value bucket
  bool single_action_ = false;  // the action space has one dimension: write it directly
  int feature_states_ = 1;
  int states_ = 1;
  int winning_bid_column_ = -1;
  double bin_low_ = 0.0;
  double bin_scale_ = 0.0;
  std::vector<double> bin_centres_;
  const double alpha_;
  const double gamma_;
  const double initial_q_;
  const EpsilonSchedule schedule_;

  std::vector<double> q_;
  std::vector<std::int64_t> visits_;
  std::vector<RowMax> row_max_;
  std::vector<EpsilonClock> clocks_;
  std::vector<std::size_t> chosen_row_;
  std::vector<int> chosen_action_;
  std::vector<int> last_action_;          // own_last_bid: the start state K before the first bid
  std::vector<std::size_t> pending_row_;  // SARSA: the row a' was chosen for; kNoRow if none
  std::vector<int> pending_action_;       // SARSA: a'
  std::vector<char> acted_;
  Rng rng_;
};

ParamSpecs tabular_td_params();

}  // namespace agora
