// The creator agents on the `content_ecosystem` env (helper C's env, through the registry):
// each plays its contract exactly — a best responder's next topic maximises the oracle's
// payoffs of the last step; a gradient step does not decrease the last step's reward to first
// order; the bandit plays inside the space with bandit feedback — including entrants.
#include <doctest/doctest.h>

#include <cmath>

#include "envs/env_registry.h"
#include "tests/agents/creators/creator_play.h"

namespace agora::testing {
namespace {

std::unique_ptr<Env> small_ecosystem(const Json& overrides, std::int64_t horizon) {
  Json params = {{"n_users", 300},    {"n_creators", 8},    {"initial_creators", 5},
                 {"dim", 4},          {"n_topics", 4},      {"slate_size", 3},
                 {"oracle_users", 0}, {"arrival_rate", 0.5}};
  params.update(overrides);
  EnvContext context;
  context.horizon = horizon;
  return make_env("content_ecosystem", params, context);
}

// Plays `steps` steps of act + step + learn; after each step (before the next act) calls
// `inspect(result, played, acted)` (acted: who was active in that step), and after the next act
// `check(next)`.
struct Loop {
  CreatorPlay& play;
  template <typename Inspect, typename Check>
  void run(int steps, Inspect inspect, Check check) {
    Env& env = *play.env;
    for (int step = 0; step < steps; ++step) {
      play.observations = env.last().roles[0].observations;
      play.policy->act(play.observations, env.last().roles[0].active, play.actions);
      if (step > 0) check(play.actions);
      const BoolArray acted = env.last().roles[0].active;
      const StepResult& result = env.step({play.actions});
      inspect(result, play.actions, acted);
      play.policy->learn(
          Transition{play.observations, play.actions, result.roles[0], env.counterfactuals(0)});
      if (result.episode_over) break;
    }
  }
};

TEST_CASE("creators on content_ecosystem: best responses to the oracle over topics") {
  CreatorPlay play(small_ecosystem({{"creator_action", "topic"}}, 12), "creator_best_response",
                   Json::object(), 3);
  const int topics = play.env->roles()[0].action_space.n();
  RowBatch candidates(topics, 1);
  for (int t = 0; t < topics; ++t) candidates(t, 0) = t;
  std::vector<Eigen::ArrayXd> answers;
  RowBatch played;
  int checked = 0;
  Loop{play}.run(
      12,
      [&](const StepResult& result, const RowBatch& actions, const BoolArray& acted) {
        played = actions;
        answers.assign(static_cast<std::size_t>(actions.rows()), Eigen::ArrayXd());
        for (int i = 0; i < actions.rows(); ++i) {
          if (!acted(i) || !result.roles[0].active(i)) continue;  // entrant, or left
          Eigen::ArrayXd u(topics);
          play.env->counterfactuals(0)->counterfactual_rewards(i, candidates, u);
          answers[static_cast<std::size_t>(i)] = u;
        }
      },
      [&](const RowBatch& next) {
        for (int i = 0; i < next.rows(); ++i) {
          const Eigen::ArrayXd& u = answers[static_cast<std::size_t>(i)];
          if (u.size() == 0) continue;
          const int chosen = static_cast<int>(next(i, 0));
          const int before = static_cast<int>(played(i, 0));
          CHECK(u(chosen) >= u.maxCoeff() - 1e-9);
          if (chosen != before) CHECK(u(chosen) > u(before));
          ++checked;
        }
      });
  CHECK(checked > 20);
}

TEST_CASE("creators on content_ecosystem: gradient steps ascend the last step's reward") {
  CreatorPlay play(
      small_ecosystem({{"exposure_rule", {{"name", "softmax"}, {"params", {{"temperature", 0.3}}}}},
                       {"exposure_weight", 1.0},
                       {"oracle_users", 60}},
                      8),
      "creator_gradient", {{"step_size", 0.05}}, 5);
  const int d = play.env->roles()[0].action_space.dim();
  RowBatch played;
  BoolArray still;
  int checked = 0;
  int improved = 0;
  Loop{play}.run(
      8,
      [&](const StepResult& result, const RowBatch& actions, const BoolArray& acted) {
        played = actions;
        still = result.roles[0].active && acted;
      },
      [&](const RowBatch& next) {
        for (int i = 0; i < next.rows(); ++i) {
          if (!still(i)) continue;
          RowBatch pair(2, d);
          pair.row(0) = played.row(i);
          pair.row(1) = next.row(i);
          Eigen::ArrayXd r(2);
          play.env->counterfactuals(0)->counterfactual_rewards(i, pair, r);
          CHECK(r(1) >= r(0) - 1e-9);
          improved += r(1) > r(0);
          CHECK(play.env->roles()[0].action_space.contains(next.row(i)));
          ++checked;
        }
      });
  CHECK(checked > 20);
  CHECK(improved > checked / 2);
}

TEST_CASE("creators on content_ecosystem: topic_bandit plays topics with bandit feedback") {
  CreatorPlay play(small_ecosystem({{"creator_action", "topic"}}, 30), "topic_bandit",
                   {{"algorithm", "ucb1"}}, 7);
  for (int step = 0; step < 30; ++step) {
    const StepResult& result = play.step();
    CHECK(result.roles[0].rewards.allFinite());
    for (int i = 0; i < play.actions.rows(); ++i) {
      if (play.observations.rows() > 0 && result.roles[0].active(i)) {
        CHECK(play.env->roles()[0].action_space.contains(play.actions.row(i)));
      }
    }
    if (result.episode_over) break;
  }
  CHECK(play.policy->strategy()["agents"].size() == 8);
}

}  // namespace
}  // namespace agora::testing
