// Tabular Q-learning and SARSA against theory on toy problems driven directly through the
// Policy API: Bellman fixed points (bandit with γ = 0, stateless with γ > 0, a two-state chain
// where the optimal policy switches with γ), SARSA's on-policy fixed point, the update rules
// replayed by hand, ε schedules, optimistic initialisation, tie-breaking and the states.
#include "agents/tabular_td.h"

#include <doctest/doctest.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <functional>
#include <set>

#include "agents/bidder_fixture.h"

namespace agora {
namespace {

// Drives one policy for a pool of bidders; the reward of agent i for bid b is reward(i, b).
struct Toy {
  explicit Toy(RoleSpec spec) : role(std::move(spec)) {
    observations = RowBatch::Zero(role.pool_size, role.observation_space.dim());
    actions = RowBatch::Zero(role.pool_size, role.action_space.dim());
    outcome.observations = observations;
    outcome.rewards = Eigen::ArrayXd::Zero(role.pool_size);
    active = BoolArray::Constant(role.pool_size, true);
    outcome.active = active;
    outcome.terminated = BoolArray::Constant(role.pool_size, false);
    outcome.truncated = BoolArray::Constant(role.pool_size, false);
  }

  std::unique_ptr<TabularTD> make(const std::string& type, Json params, std::int64_t horizon = 1000,
                                  std::uint64_t seed = 7) {
    std::vector<int> agents(role.pool_size);
    for (int i = 0; i < role.pool_size; ++i) agents[i] = i;
    auto policy = make_policy(type, params, test::context(role, agents, horizon, seed));
    return std::unique_ptr<TabularTD>(dynamic_cast<TabularTD*>(policy.release()));
  }

  void step(Policy& policy, const std::function<double(int, double)>& reward) {
    policy.act(observations, active, actions);
    for (int i = 0; i < role.pool_size; ++i) outcome.rewards(i) = reward(i, actions(i, 0));
    outcome.observations = observations;
    policy.learn(Transition{observations, actions, outcome, nullptr});
  }

  RoleSpec role;
  RowBatch observations;
  RowBatch actions;
  RoleState outcome;
  BoolArray active;
};

int grid_index(double bid, double low, double high, int points) {
  return static_cast<int>(std::lround((bid - low) / (high - low) * (points - 1)));
}

TEST_CASE("q_learning: with γ = 0 the Q values converge to the expected rewards") {
  // Two bids against a rival bidding 0.2 or 0.6 with probability 1/2, second price, value 1:
  // E[r(0.4)] = (1 − 0.2) / 2 = 0.4, E[r(0.8)] = (0.8 + 0.4) / 2 = 0.6.
  Toy toy(test::bidder_role(1));
  auto policy = toy.make("q_learning", Json{{"points", 2},
                                            {"grid_low", 0.4},
                                            {"grid_high", 0.8},
                                            {"learning_rate", 0.002},
                                            {"discount", 0.0},
                                            {"epsilon", 1.0}});
  Rng rng(11);
  for (int t = 0; t < 40000; ++t) {
    const double rival = boost::random::bernoulli_distribution<double>(0.5)(rng) ? 0.6 : 0.2;
    toy.step(*policy, [&](int, double bid) { return bid > rival ? 1.0 - rival : 0.0; });
  }
  CHECK(policy->q(0, 0, 0) == doctest::Approx(0.4).epsilon(0.05));
  CHECK(policy->q(0, 0, 1) == doctest::Approx(0.6).epsilon(0.05));
  CHECK(policy->strategy()["agents"][0]["greedy_actions"][0] == 1);
}

TEST_CASE("q_learning: stateless with γ > 0 converges to r(a) + γ max r / (1 − γ)") {
  // Rival bid 0.5, value 1, second price, ties split: r = (0, 0.25, 0.5) for bids (0, 0.5, 1).
  Toy toy(test::bidder_role(1));
  auto policy =
      toy.make("q_learning",
               Json{{"points", 3}, {"learning_rate", 0.2}, {"discount", 0.8}, {"epsilon", 1.0}});
  const auto reward = [](int, double bid) { return bid > 0.5 ? 0.5 : (bid == 0.5 ? 0.25 : 0.0); };
  for (int t = 0; t < 5000; ++t) toy.step(*policy, reward);
  // Q*(a) = r(a) + γ V*, V* = 0.5 / (1 − 0.8) = 2.5.
  CHECK(policy->q(0, 0, 0) == doctest::Approx(2.0).epsilon(1e-9));
  CHECK(policy->q(0, 0, 1) == doctest::Approx(2.25).epsilon(1e-9));
  CHECK(policy->q(0, 0, 2) == doctest::Approx(2.5).epsilon(1e-9));
}

// The two-state chain: the state is the agent's previous bid (0 or 1) and
// r(prev, bid) = 3 for (0, 1), 1 for (1, 1) and 0 for a bid of 0. Bidding 1 forever earns
// 1 / (1 − γ); alternating 0, 1 earns 3γ / (1 − γ²) from state 1, better iff γ > 1/2.
double chain_reward(int previous, int bid) {
  if (bid == 0) return 0.0;
  return previous == 0 ? 3.0 : 1.0;
}

struct ChainRun {
  std::unique_ptr<TabularTD> policy;
};

std::unique_ptr<TabularTD> run_chain(const std::string& type, double gamma, double alpha, int steps,
                                     std::uint64_t seed = 7) {
  Toy toy(test::bidder_role(1));
  auto policy = toy.make("q_learning" == type ? "q_learning" : "sarsa",
                         Json{{"points", 2},
                              {"state", "own_last_bid"},
                              {"learning_rate", alpha},
                              {"discount", gamma},
                              {"epsilon", 1.0}},
                         1000, seed);
  int previous = 1;  // the start state pays as if the last bid was 1
  for (int t = 0; t < steps; ++t) {
    toy.step(*policy, [&](int, double bid) {
      const int b = bid > 0.5 ? 1 : 0;
      const double r = chain_reward(previous, b);
      previous = b;
      return r;
    });
  }
  return policy;
}

TEST_CASE("q_learning: the chain's Bellman fixed point and the switch of the optimal policy") {
  SUBCASE("γ = 0.9: alternating is optimal") {
    auto policy = run_chain("q_learning", 0.9, 0.3, 20000);
    REQUIRE(policy->states() == 3);  // bids 0 and 1, and the start state
    // V(0) = 3 / (1 − γ²), V(1) = γ V(0); Q(s, a) = r(s, a) + γ V(a).
    const double v0 = 3.0 / (1.0 - 0.81);
    const double v1 = 0.9 * v0;
    CHECK(policy->q(0, 0, 0) == doctest::Approx(0.9 * v0).epsilon(1e-6));
    CHECK(policy->q(0, 0, 1) == doctest::Approx(3.0 + 0.9 * v1).epsilon(1e-6));
    CHECK(policy->q(0, 1, 0) == doctest::Approx(0.9 * v0).epsilon(1e-6));
    CHECK(policy->q(0, 1, 1) == doctest::Approx(1.0 + 0.9 * v1).epsilon(1e-6));
    const Json greedy = policy->strategy()["agents"][0]["greedy_actions"];
    CHECK(greedy[0] == 1);  // after 0 bid 1
    CHECK(greedy[1] == 0);  // after 1 bid 0
  }
  SUBCASE("γ = 0.3: bidding 1 forever is optimal") {
    auto policy = run_chain("q_learning", 0.3, 0.3, 20000);
    const double v1 = 1.0 / 0.7;
    const double v0 = 3.0 + 0.3 * v1;
    CHECK(policy->q(0, 0, 0) == doctest::Approx(0.3 * v0).epsilon(1e-6));
    CHECK(policy->q(0, 0, 1) == doctest::Approx(3.0 + 0.3 * v1).epsilon(1e-6));
    CHECK(policy->q(0, 1, 0) == doctest::Approx(0.3 * v0).epsilon(1e-6));
    CHECK(policy->q(0, 1, 1) == doctest::Approx(1.0 + 0.3 * v1).epsilon(1e-6));
    const Json greedy = policy->strategy()["agents"][0]["greedy_actions"];
    CHECK(greedy[0] == 1);
    CHECK(greedy[1] == 1);
  }
}

TEST_CASE("sarsa: with ε = 1 it evaluates the uniform behaviour policy, not the greedy one") {
  // Q^π(s, a) = r(s, a) + γ m(a), m(s) = mean_a Q^π(s, a): m(0) + m(1) = 2 / (1 − γ),
  // m(0) = 1.5 + γ (m(0) + m(1)) / 2, m(1) = 0.5 + γ (m(0) + m(1)) / 2. With γ = 0.9:
  // m = (10.5, 9.5), Q^π = [[9.45, 11.55], [9.45, 9.55]] (Q* = [[14.21, 15.79], [14.21, 13.79]]).
  // SARSA's target is noisy (a' random), so the constant-α estimate fluctuates around Q^π:
  // average it over the second half of the run.
  Toy toy(test::bidder_role(1));
  auto policy = toy.make("sarsa", Json{{"points", 2},
                                       {"state", "own_last_bid"},
                                       {"learning_rate", 0.01},
                                       {"discount", 0.9},
                                       {"epsilon", 1.0}});
  int previous = 1;
  double sums[2][2] = {{0, 0}, {0, 0}};
  const int steps = 200000;
  for (int t = 0; t < steps; ++t) {
    toy.step(*policy, [&](int, double bid) {
      const int b = bid > 0.5 ? 1 : 0;
      const double r = chain_reward(previous, b);
      previous = b;
      return r;
    });
    if (t >= steps / 2) {
      for (int s = 0; s < 2; ++s) {
        for (int a = 0; a < 2; ++a) sums[s][a] += policy->q(0, s, a);
      }
    }
  }
  const double expected[2][2] = {{9.45, 11.55}, {9.45, 9.55}};
  for (int s = 0; s < 2; ++s) {
    for (int a = 0; a < 2; ++a) {
      CAPTURE(s);
      CAPTURE(a);
      CHECK(sums[s][a] / (steps / 2) == doctest::Approx(expected[s][a]).epsilon(0.03));
    }
  }
}

TEST_CASE("q_learning and sarsa: each update follows its rule, replayed by hand") {
  // Stateless, 3 bids with rewards (0.1, 0.5, 0.2), α = 0.5, γ = 0.5, ε = 0.6: replay
  //   Q-learning: Q(a_t) += α (r_t + γ max Q − Q(a_t))
  //   SARSA:      Q(a_t) += α (r_t + γ Q(a_{t+1}) − Q(a_t)), a_{t+1} the bid played next,
  // on the bids each policy actually played, and compare every step.
  const double rewards[3] = {0.1, 0.5, 0.2};
  for (const char* type : {"q_learning", "sarsa"}) {
    CAPTURE(type);
    const bool sarsa = std::string(type) == "sarsa";
    Toy toy(test::bidder_role(1));
    auto policy = toy.make(
        type, Json{{"points", 3}, {"learning_rate", 0.5}, {"discount", 0.5}, {"epsilon", 0.6}});
    double q[3] = {0.0, 0.0, 0.0};
    int pending = -1;  // SARSA: the bid whose update waits for a_{t+1}
    double pending_reward = 0.0;
    int off_greedy_bootstraps = 0;
    for (int t = 0; t < 300; ++t) {
      // Before learning step t, the policy's table equals the replay up to step t − 1.
      int a = -1;
      toy.step(*policy, [&](int, double bid) {
        a = grid_index(bid, 0.0, 1.0, 3);
        return rewards[a];
      });
      const double best = std::max({q[0], q[1], q[2]});
      if (sarsa) {
        if (pending >= 0) {
          if (q[a] < best) ++off_greedy_bootstraps;
          q[pending] += 0.5 * (pending_reward + 0.5 * q[a] - q[pending]);
        }
        pending = a;
        pending_reward = rewards[a];
        // The policy has already applied step t's update, bootstrapping on a_{t+1}, which the
        // replay learns at the next step: compare all but the pending entry.
        for (int k = 0; k < 3; ++k) {
          if (k != a) CHECK(policy->q(0, 0, k) == doctest::Approx(q[k]).epsilon(1e-12));
        }
      } else {
        q[a] += 0.5 * (rewards[a] + 0.5 * best - q[a]);
        for (int k = 0; k < 3; ++k)
          CHECK(policy->q(0, 0, k) == doctest::Approx(q[k]).epsilon(1e-12));
      }
    }
    if (sarsa) CHECK(off_greedy_bootstraps > 10);  // where SARSA and Q-learning differ
  }
}

TEST_CASE("q_learning: no bootstrap after the agent terminated") {
  Toy toy(test::bidder_role(1));
  for (const bool terminated : {false, true}) {
    auto policy = toy.make("q_learning", Json{{"points", 2},
                                              {"learning_rate", 1.0},
                                              {"discount", 0.9},
                                              {"initial_q", 2.0},
                                              {"epsilon", 0.0}});
    toy.outcome.terminated(0) = terminated;
    int a = -1;
    toy.step(*policy, [&](int, double bid) {
      a = grid_index(bid, 0.0, 1.0, 2);
      return 0.5;
    });
    CHECK(policy->q(0, 0, a) == doctest::Approx(terminated ? 0.5 : 0.5 + 0.9 * 2.0));
    CHECK(policy->q(0, 0, 1 - a) == 2.0);
  }
}

TEST_CASE("tabular ε schedules: constant, exponential, geometric, floor, default from horizon") {
  Toy toy(test::bidder_role(1));
  const auto zero = [](int, double) { return 0.0; };
  struct Case {
    Json params;
    std::function<double(int)> expected;
  };
  const std::vector<Case> cases = {
      {Json{{"epsilon", 0.3}}, [](int) { return 0.3; }},
      {Json{{"schedule", "exponential"}, {"epsilon", 0.8}, {"epsilon_beta", 0.01}},
       [](int t) { return 0.8 * std::exp(-0.01 * t); }},
      {Json{{"schedule", "geometric"}, {"epsilon", 1.0}, {"epsilon_decay", 0.99}},
       [](int t) { return std::pow(0.99, t); }},
      {Json{{"schedule", "exponential"},
            {"epsilon", 1.0},
            {"epsilon_beta", 0.02},
            {"epsilon_min", 0.05}},
       [](int t) { return std::max(0.05, std::exp(-0.02 * t)); }},
      // null β: ln(1000) / horizon, so ε falls 1000-fold over the 1000-step horizon.
      {Json{{"schedule", "exponential"}, {"epsilon", 0.5}},
       [](int t) { return 0.5 * std::pow(1000.0, -t / 1000.0); }},
      {Json{{"schedule", "geometric"}, {"epsilon", 0.5}},
       [](int t) { return 0.5 * std::pow(1000.0, -t / 1000.0); }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.params.dump());
    Json params = c.params;
    params["points"] = 3;
    auto policy = toy.make("q_learning", params, 1000);
    for (int t = 0; t <= 1000; ++t) {
      if (t % 100 == 0) {
        CAPTURE(t);
        CHECK(policy->epsilon(0) == doctest::Approx(c.expected(t)).epsilon(1e-9));
        CHECK(policy->decisions(0) == t);
      }
      toy.step(*policy, zero);
    }
  }
}

TEST_CASE("q_learning: exploration frequency follows ε") {
  // ε = 0.4, K = 5, the greedy bid (bid 1 earns 1, all others 0) is played with probability
  // 1 − ε + ε / K = 0.68.
  Toy toy(test::bidder_role(1));
  auto policy = toy.make("q_learning", Json{{"points", 5}, {"epsilon", 0.4}, {"discount", 0.0}});
  int top = 0;
  const int steps = 20000;
  for (int t = 0; t < steps; ++t) {
    toy.step(*policy, [&](int, double bid) {
      top += bid == 1.0;
      return bid == 1.0 ? 1.0 : 0.0;
    });
  }
  CHECK(top / static_cast<double>(steps) == doctest::Approx(0.68).epsilon(0.03));
}

TEST_CASE("EpsilonClock: below the thinning threshold, explorations still have probability ε_t") {
  // Constant ε = 0.05 and a geometric decay from 0.08 (both on the thinned path): the number
  // of explorations is Binomial / Poisson-binomial with mean Σ ε_t; 4 standard deviations.
  Rng rng(21);
  const std::vector<EpsilonSchedule> schedules = {
      {EpsilonSchedule::Kind::kConstant, 0.05, 1.0, 0.0},
      {EpsilonSchedule::Kind::kGeometric, 0.08, 0.99998, 0.01},
      {EpsilonSchedule::Kind::kExponential, 0.3, std::exp(-1e-4), 0.0},  // crosses 0.1
  };
  for (const EpsilonSchedule& schedule : schedules) {
    CAPTURE(schedule.initial);
    EpsilonClock clock(schedule);
    double mean = 0.0;
    double variance = 0.0;
    int explorations = 0;
    int in_window[2] = {0, 0};
    double window_mean[2] = {0.0, 0.0};
    const int steps = 200000;
    for (int t = 0; t < steps; ++t) {
      const double e = clock.epsilon();
      if (t % 1000 == 0) CHECK(e == doctest::Approx(schedule.at(t)).epsilon(1e-9));
      mean += e;
      variance += e * (1.0 - e);
      const bool explored = clock.explore(rng);
      explorations += explored;
      in_window[t < steps / 2 ? 0 : 1] += explored;
      window_mean[t < steps / 2 ? 0 : 1] += e;
    }
    CHECK(std::abs(explorations - mean) < 4.0 * std::sqrt(variance));
    for (int w = 0; w < 2; ++w) {
      CHECK(std::abs(in_window[w] - window_mean[w]) < 4.0 * std::sqrt(window_mean[w]) + 1.0);
    }
    CHECK(clock.decisions() == steps);
  }
  // Tiny ε: the geometric gaps stay finite (b >= 1e-12) and nothing explores in practice.
  EpsilonClock tiny({EpsilonSchedule::Kind::kConstant, 1e-200, 1.0, 0.0});
  int tiny_explorations = 0;
  for (int t = 0; t < 1000; ++t) tiny_explorations += tiny.explore(rng);
  CHECK(tiny_explorations == 0);
}

TEST_CASE("q_learning: optimistic initial values make a greedy learner try every bid") {
  // Second price against a rival bidding 0, value 1: every positive bid earns 1, bid 0 ties
  // and earns 0.5. All rewards are positive, so with Q = 0 initially a greedy learner keeps
  // its first bid forever; with Q = 5 > any return, each tried bid drops below the untried.
  Toy toy(test::bidder_role(1));
  const auto reward = [](int, double bid) { return bid > 0.0 ? 1.0 : 0.5; };
  for (const double gamma : {0.0, 0.5}) {
    CAPTURE(gamma);
    auto optimistic =
        toy.make("q_learning",
                 Json{{"points", 11}, {"epsilon", 0.0}, {"discount", gamma}, {"initial_q", 5.0}});
    std::set<double> first;
    for (int t = 0; t < 11; ++t) {
      toy.step(*optimistic, reward);
      first.insert(toy.actions(0, 0));
    }
    CHECK(first.size() == 11);
    for (int a = 0; a < 11; ++a) CHECK(optimistic->visits(0, 0, a) == 1);

    auto pessimistic =
        toy.make("q_learning",
                 Json{{"points", 11}, {"epsilon", 0.0}, {"discount", gamma}, {"initial_q", 0.0}});
    std::set<double> played;
    for (int t = 0; t < 200; ++t) {
      toy.step(*pessimistic, reward);
      played.insert(toy.actions(0, 0));
    }
    CHECK(played.size() == 1);
  }
}

TEST_CASE("q_learning: ties in the argmax are broken uniformly at random") {
  // α = 0 keeps every Q value at initial_q: each greedy choice is uniform over the 4 bids.
  Toy toy(test::bidder_role(1));
  auto policy =
      toy.make("q_learning", Json{{"points", 4}, {"epsilon", 0.0}, {"learning_rate", 0.0}});
  std::vector<int> counts(4, 0);
  for (int t = 0; t < 8000; ++t) {
    toy.step(*policy, [](int, double) { return 1.0; });
    ++counts[grid_index(toy.actions(0, 0), 0.0, 1.0, 4)];
  }
  for (const int c : counts) CHECK(c == doctest::Approx(2000).epsilon(0.08));
  // The strategy reports the lowest-index maximiser.
  CHECK(policy->strategy()["agents"][0]["greedy_actions"][0] == 0);
}

TEST_CASE("q_learning: the cached row maxima always equal a full scan") {
  // Rewards from {0, 0.5, 1} with α = 0.5 make exact ties frequent; every step compares the
  // maximum, the lowest maximiser (strategy) and the greedy bids with a scan of the table.
  Toy toy(test::bidder_role(1));
  for (const double gamma : {0.0, 0.5}) {
    auto policy = toy.make("q_learning", Json{{"points", 5},
                                              {"state", "own_last_bid"},
                                              {"learning_rate", 0.5},
                                              {"discount", gamma},
                                              {"epsilon", 0.7}});
    Rng rng(9);
    for (int t = 0; t < 1500; ++t) {
      const int level = boost::random::uniform_int_distribution<int>(0, 2)(rng);
      toy.step(*policy, [&](int, double) { return 0.5 * level; });
      const Json strategy = policy->strategy()["agents"][0];
      for (int s = 0; s < policy->states(); ++s) {
        double best = policy->q(0, s, 0);
        int first = 0;
        for (int a = 1; a < 5; ++a) {
          if (policy->q(0, s, a) > best) {
            best = policy->q(0, s, a);
            first = a;
          }
        }
        REQUIRE(strategy["max_q"][s].get<double>() == best);
        REQUIRE(strategy["greedy_actions"][s].get<int>() == first);
      }
    }
  }
}

RoleSpec role_with_winning_bid(int pool) {
  RoleSpec role = test::bidder_role(pool);
  role.observation_space =
      Space::box(Eigen::Array4d(0.0, 0.0, 0.0, 0.0), Eigen::Array4d(1.0, 1.0, INFINITY, 1.0),
                 {"value", "clicks", "payment", "winning_bid"});
  return role;
}

TEST_CASE("q_learning: last_winning_bid states bin the observation") {
  Toy toy(role_with_winning_bid(1));
  auto nearest = toy.make("q_learning", Json{{"points", 5}, {"state", "last_winning_bid"}});
  CHECK(nearest->states() == 5);
  const std::vector<std::pair<double, int>> cases = {{0.0, 0}, {0.12, 0}, {0.13, 1}, {0.3, 1},
                                                     {0.6, 2}, {0.9, 4},  {1.0, 4}};
  for (const auto& [bid, state] : cases) {
    CAPTURE(bid);
    toy.observations(0, 3) = bid;
    CHECK(nearest->state_of(toy.observations, 0) == state);
  }
  auto binned = toy.make("q_learning", Json{{"points", 5},
                                            {"state", "last_winning_bid"},
                                            {"state_bins", 2},
                                            {"state_range", {0.0, 0.8}}});
  CHECK(binned->states() == 2);
  toy.observations(0, 3) = 0.39;
  CHECK(binned->state_of(toy.observations, 0) == 0);
  toy.observations(0, 3) = 0.41;
  CHECK(binned->state_of(toy.observations, 0) == 1);
  toy.observations(0, 3) = 0.95;
  CHECK(binned->state_of(toy.observations, 0) == 1);

  // With value buckets the rows are bucket × feature.
  auto bucketed = toy.make(
      "q_learning", Json{{"points", 5}, {"state", "last_winning_bid"}, {"value_buckets", 2}});
  CHECK(bucketed->states() == 10);
  toy.observations(0, 0) = 0.7;
  toy.observations(0, 3) = 0.3;
  CHECK(bucketed->state_of(toy.observations, 0) == 5 + 1);
}

TEST_CASE("q_learning: the state learns from the next observation") {
  // The winning bid observed next is the agent's own bid: with γ = 0 and α = 1, the row of
  // the state before acting holds the reward; with state own_last_bid, the next row is the bid.
  Toy toy(role_with_winning_bid(1));
  auto policy = toy.make("q_learning", Json{{"points", 3},
                                            {"state", "own_last_bid"},
                                            {"learning_rate", 1.0},
                                            {"discount", 0.0},
                                            {"epsilon", 1.0}});
  CHECK(policy->states() == 4);
  CHECK(policy->state_of(toy.observations, 0) == 3);  // the start state
  toy.step(*policy, [](int, double bid) { return bid; });
  const int a = grid_index(toy.actions(0, 0), 0.0, 1.0, 3);
  CHECK(policy->q(0, 3, a) == doctest::Approx(0.5 * a));
  CHECK(policy->state_of(toy.observations, 0) == a);
}

TEST_CASE("tabular agents: configuration errors name the parameter") {
  Toy toy(test::bidder_role(1));
  CHECK_THROWS_WITH_AS(toy.make("q_learning", Json{{"state", "last_winning_bid"}}),
                       doctest::Contains("agents.bidder[0].params.state: state "
                                         "\"last_winning_bid\" needs an observation labelled "
                                         "'winning_bid'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(toy.make("sarsa", Json{{"state_bins", 4}}),
                       doctest::Contains("agents.bidder[0].params.state_bins: is only used with "
                                         "state \"last_winning_bid\""),
                       ConfigError);
  CHECK_THROWS_WITH_AS(toy.make("q_learning", Json{{"discount", 1.0}}),
                       doctest::Contains("agents.bidder[0].params.discount: must be in [0, 1)"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(toy.make("q_learning", Json{{"epsilon_decay", 0.0}}),
                       doctest::Contains("agents.bidder[0].params.epsilon_decay"), ConfigError);
  CHECK_THROWS_WITH_AS(toy.make("q_learning", Json{{"schedule", "linear"}}),
                       doctest::Contains("agents.bidder[0].params.schedule"), ConfigError);
}

TEST_CASE("tabular agents: same seed, same play; pools learn separately") {
  Toy toy(test::bidder_role(3));
  const auto reward = [](int i, double bid) { return (i + 1) * bid * (1.0 - bid); };
  auto run = [&](std::uint64_t seed) {
    auto policy = toy.make("sarsa", Json{{"points", 6}}, 1000, seed);
    for (int t = 0; t < 500; ++t) toy.step(*policy, reward);
    return policy->strategy();
  };
  const Json a = run(3);
  CHECK(a == run(3));
  CHECK(a != run(4));
  CHECK(a["agents"].size() == 3);
  CHECK(a["agents"][0]["q"] != a["agents"][2]["q"]);
}

}  // namespace
}  // namespace agora
