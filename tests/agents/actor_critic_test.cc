#include "agents/actor_critic.h"

#include <doctest/doctest.h>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <numbers>

#include "agents/contextual_fixture.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

TEST_CASE("gaussian actor: ∇ log π matches central finite differences, for μ and log σ") {
  const std::vector<std::pair<std::vector<int>, Activation>> shapes = {
      {{8}, Activation::kTanh}, {{6, 5}, Activation::kRelu}, {{}, Activation::kTanh}};
  Rng rng(7);
  boost::random::normal_distribution<double> normal;
  for (std::size_t s = 0; s < shapes.size(); ++s) {
    CAPTURE(s);
    GaussianActor actor(3, shapes[s].first, shapes[s].second, -1.0, 2.0, 0.3, 0.4, 0.01, 5 + s);
    Eigen::VectorXd& theta = actor.network().parameters();
    for (Eigen::Index i = 0; i < theta.size(); ++i) theta(i) += 0.3 * normal(rng);
    const Eigen::Vector3d x(0.2, -0.7, 0.9);
    for (const double u : {-0.4, 0.35, 1.8}) {
      CAPTURE(u);
      actor.zero_gradients();
      actor.add_log_prob_gradient(x, u, 1.0);
      const Eigen::VectorXd analytic = actor.network().gradients();
      const double analytic_log_std = actor.log_std_gradient()(0);
      const double h = 1e-6;
      Eigen::VectorXd numeric(theta.size());
      for (Eigen::Index i = 0; i < theta.size(); ++i) {
        const double saved = theta(i);
        theta(i) = saved + h;
        const double up = actor.log_prob(x, u);
        theta(i) = saved - h;
        const double down = actor.log_prob(x, u);
        theta(i) = saved;
        numeric(i) = (up - down) / (2 * h);
      }
      double& log_std = actor.log_std_parameter()(0);
      const double saved = log_std;
      log_std = saved + h;
      const double up = actor.log_prob(x, u);
      log_std = saved - h;
      const double down = actor.log_prob(x, u);
      log_std = saved;
      const double numeric_log_std = (up - down) / (2 * h);
      CHECK((analytic - numeric).norm() / analytic.norm() < 1e-6);
      CHECK(std::fabs(analytic_log_std - numeric_log_std) / std::fabs(numeric_log_std) < 1e-6);
    }
  }
}

TEST_CASE("gaussian actor: the Gaussian density, the squashed mean and the initial policy") {
  GaussianActor actor(2, {4}, Activation::kTanh, 0.0, 2.0, 0.5, 0.1, 0.01, 1);
  const Eigen::Vector2d x(0.1, -0.3);
  const double mu = actor.mean(x);
  CHECK(mu == doctest::Approx(0.5).epsilon(0.1));  // small last layer: near initial_mean
  CHECK(actor.std() == doctest::Approx(0.1));
  const double u = 0.7;
  const double density =
      std::exp(-0.5 * std::pow((u - mu) / 0.1, 2)) / (0.1 * std::sqrt(2 * std::numbers::pi));
  CHECK(std::exp(actor.log_prob(x, u)) == doctest::Approx(density).epsilon(1e-12));
  // The mean stays inside the bounds whatever the network says.
  actor.network().biases(actor.network().layers())(0) = 50.0;
  CHECK(actor.mean(x) <= 2.0);
  CHECK(actor.mean(x) > 1.99);
  // log σ is kept in [log min_std, log(high − low)].
  actor.log_std_parameter()(0) = -20.0;
  actor.clamp_log_std();
  CHECK(actor.std() == doctest::Approx(0.01));
  actor.log_std_parameter()(0) = 20.0;
  actor.clamp_log_std();
  CHECK(actor.std() == doctest::Approx(2.0));
}

// A one-step continuous bandit: context s ~ U[0, 1], reward −(a − a*(s))², a*(s) = 0.2 + 0.6 s.
TEST_CASE("actor_critic: on a one-step continuous bandit the policy mean approaches a*(s)") {
  const RoleSpec role = test::context_role(1, {"s"});
  auto policy = make_policy("actor_critic", Json::object(), test::context_for(role, {0}, 1, 3));
  auto& agent = dynamic_cast<ActorCritic&>(*policy);
  Rng rng(12);
  boost::random::uniform_real_distribution<double> uniform(0.0, 1.0);
  RowBatch observations = RowBatch::Zero(1, 1);
  RowBatch actions = RowBatch::Zero(1, 1);
  RoleState outcome;
  outcome.observations = observations;
  outcome.rewards = Eigen::ArrayXd::Zero(1);
  outcome.active = BoolArray::Constant(1, true);
  outcome.terminated = BoolArray::Constant(1, false);
  outcome.truncated = BoolArray::Constant(1, false);
  const auto target = [](double s) { return 0.2 + 0.6 * s; };
  for (int t = 0; t < 30000; ++t) {
    observations(0, 0) = uniform(rng);
    policy->act(observations, outcome.active, actions);
    REQUIRE(actions(0, 0) >= 0.0);
    REQUIRE(actions(0, 0) <= 1.0);
    outcome.rewards(0) = -std::pow(actions(0, 0) - target(observations(0, 0)), 2);
    policy->learn(Transition{observations, actions, outcome, nullptr});
  }
  const Json strategy = policy->strategy();
  const auto& mean_function = strategy["agents"][0]["mean_function"];
  CHECK(mean_function["feature"] == "s");
  for (int k = 0; k <= 10; ++k) {
    const double s = mean_function["x"][k].get<double>();
    const double mean = mean_function["mean"][k].get<double>();
    CAPTURE(s);
    CHECK(std::fabs(mean - target(s)) < 0.05);
  }
  // The reward is concave in the action, so the policy also learns to stop exploring.
  CHECK(agent.actor(0).std() < 0.05);
}

// Drives a policy on a role whose observation never changes and whose reward is always 1.
void run_constant(Policy& policy, const RoleSpec& role, int steps, bool terminated) {
  RowBatch observations = RowBatch::Constant(role.pool_size, 1, 0.5);
  RowBatch actions = RowBatch::Zero(role.pool_size, 1);
  RoleState outcome;
  outcome.observations = observations;
  outcome.rewards = Eigen::ArrayXd::Ones(role.pool_size);
  outcome.active = BoolArray::Constant(role.pool_size, true);
  outcome.terminated = BoolArray::Constant(role.pool_size, terminated);
  outcome.truncated = BoolArray::Constant(role.pool_size, false);
  for (int t = 0; t < steps; ++t) {
    policy.act(observations, outcome.active, actions);
    policy.learn(Transition{observations, actions, outcome, nullptr});
  }
}

TEST_CASE("actor_critic: the critic learns V = r / (1 − γ), and V = r when every step terminates") {
  const RoleSpec role = test::context_role(1, {"s"});
  const Eigen::VectorXd x = Eigen::VectorXd::Zero(1);  // s = 0.5 normalized to [−1, 1]
  for (const double discount : {0.0, 0.5, 0.8}) {
    CAPTURE(discount);
    auto policy = make_policy("actor_critic", Json{{"discount", discount}},
                              test::context_for(role, {0}, 1, 4));
    run_constant(*policy, role, 6000, false);
    CHECK(dynamic_cast<ActorCritic&>(*policy).value(0, x) ==
          doctest::Approx(1.0 / (1.0 - discount)).epsilon(0.02));
    auto episodic = make_policy("actor_critic", Json{{"discount", discount}},
                                test::context_for(role, {0}, 1, 4));
    run_constant(*episodic, role, 6000, true);
    CHECK(dynamic_cast<ActorCritic&>(*episodic).value(0, x) == doctest::Approx(1.0).epsilon(0.02));
  }
}

TEST_CASE("actor_critic agent: determinism, inactive agents, shared parameters, strategy") {
  const RoleSpec role = test::context_role(2, {"s"});
  const auto trajectory = [&](std::uint64_t seed, const Json& params) {
    auto policy = make_policy("actor_critic", params, test::context_for(role, {0, 1}, 1, seed));
    RowBatch observations(2, 1);
    RowBatch actions = RowBatch::Constant(2, 1, -1.0);
    RoleState outcome;
    outcome.observations = observations;
    outcome.rewards = Eigen::ArrayXd::Zero(2);
    outcome.active = BoolArray::Constant(2, true);
    outcome.active(1) = false;
    outcome.terminated = BoolArray::Constant(2, false);
    outcome.truncated = BoolArray::Constant(2, false);
    std::vector<double> played;
    for (int t = 0; t < 40; ++t) {
      observations << 0.1 * (t % 10), 0.3;
      policy->act(observations, outcome.active, actions);
      CHECK(actions(1, 0) == -1.0);  // inactive: untouched
      played.push_back(actions(0, 0));
      outcome.rewards(0) = actions(0, 0);
      policy->learn(Transition{observations, actions, outcome, nullptr});
    }
    return std::make_pair(played, policy->strategy());
  };
  const auto [first, strategy] = trajectory(1, Json::object());
  CHECK(first == trajectory(1, Json::object()).first);
  CHECK(first != trajectory(2, Json::object()).first);
  CHECK(strategy["algorithm"] == "actor_critic");
  CHECK(strategy["action"] == "multiplier");
  CHECK(strategy["bounds"] == Json({0.0, 1.0}));
  CHECK(strategy["agents"][0]["std"].get<double>() > 0.0);
  // Agent 1 never acted: its policy is still the initial one (mean 0.5, σ = 0.1 of the range).
  CHECK(strategy["agents"][1]["std"].get<double>() == doctest::Approx(0.1));
  CHECK(strategy["agents"][1]["mean_function"]["mean"][5].get<double>() ==
        doctest::Approx(0.5).epsilon(0.05));

  auto shared = make_policy("actor_critic", Json{{"share_parameters", true}},
                            test::context_for(role, {0, 1}));
  auto& agent = dynamic_cast<ActorCritic&>(*shared);
  CHECK(&agent.actor(0) == &agent.actor(1));
  auto separate = make_policy("actor_critic", Json::object(), test::context_for(role, {0, 1}));
  auto& two = dynamic_cast<ActorCritic&>(*separate);
  CHECK(&two.actor(0) != &two.actor(1));
  CHECK(two.actor(0).network().parameters() != two.actor(1).network().parameters());
}

// Second price, two bidders with U[0, 1] values, shade action in [0, 2]: bidder 0 learns with
// actor_critic from shade 0.4, bidder 1 is truthful. Against a truthful rival (bids ~ U[0, 1])
// shade s at value v loses, relative to truthful bidding (the dominant strategy),
//   L(v, s) = (v − min(sv, 1))² / 2 (s < 1),  (min(sv, 1) − v)² / 2 (s > 1),
// the expected utility of the rival bids between sv and v. Above s = 1/v the loss is flat (the
// bidder always wins), so the learner is only pushed towards 1 from below.
TEST_CASE("actor_critic in the auction env: the learned shade moves to truthful (second price)") {
  EnvContext env_ctx;
  env_ctx.horizon = 20000;
  env_ctx.mechanism = make_mechanism("second_price", Json::object(), "mechanism");
  auto env = make_env(
      "auction",
      Json{{"n_bidders", 2}, {"bid_mode", "shade"}, {"max_shade", 2.0}, {"feedback", "own"}},
      env_ctx);
  const RoleSpec& role = env->roles()[0];
  auto learner = make_policy("actor_critic", Json{{"features", {"value"}}, {"initial_mean", 0.4}},
                             test::context_for(role, {0}, env_ctx.horizon, 5, "agents.bidder[0]"));
  auto truthful = make_policy("truthful", Json::object(),
                              test::context_for(role, {1}, env_ctx.horizon, 6, "agents.bidder[1]"));
  const StepResult* result = &env->reset(1);
  std::vector<RowBatch> actions(1, RowBatch::Zero(2, 1));
  while (!result->episode_over) {
    const RowBatch observations = result->roles[0].observations;
    learner->act(observations, result->roles[0].active, actions[0]);
    truthful->act(observations, result->roles[0].active, actions[0]);
    result = &env->step(actions);
    learner->learn(Transition{observations, actions[0], result->roles[0], nullptr});
  }
  const Json mean_function = learner->strategy()["agents"][0]["mean_function"];
  REQUIRE(mean_function["feature"] == "value");
  const auto loss = [](double v, double s) {
    const double bid = std::min(s * v, 1.0);
    return 0.5 * (bid - v) * (bid - v);
  };
  double learned_loss = 0.0;
  double initial_loss = 0.0;
  double least_shade = INFINITY;  // over v ≥ 0.5, where underbidding costs most
  for (int k = 1; k <= 10; ++k) {
    const double v = mean_function["x"][k].get<double>();
    const double shade = mean_function["mean"][k].get<double>();
    learned_loss += loss(v, shade);
    initial_loss += loss(v, 0.4);
    if (k >= 5) least_shade = std::min(least_shade, shade);
  }
  CAPTURE(mean_function.dump());
  CHECK(learned_loss < 0.2 * initial_loss);
  CHECK(least_shade > 0.85);
}

TEST_CASE("actor_critic agent: bad configurations are ConfigErrors naming the path") {
  const RoleSpec role = test::context_role(1, {"s"});
  const auto ctx = test::context_for(role, {0});
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"initial_mean", 1.0}}, ctx),
                       doctest::Contains("agents.learner[0].params.initial_mean: must lie strictly "
                                         "inside the bounds [0, 1] of action 'multiplier'"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"hidden", {16, 0}}}, ctx),
                       doctest::Contains("agents.learner[0].params.hidden[1]: expected an integer"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"min_std", 0.5}}, ctx),
                       doctest::Contains("agents.learner[0].params.min_std: must not exceed"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"discount", 1.5}}, ctx),
                       doctest::Contains("agents.learner[0].params.discount"), ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"activation", "sigmoid"}}, ctx),
                       doctest::Contains("agents.learner[0].params.activation"), ConfigError);
  CHECK_THROWS_WITH_AS(make_policy("actor_critic", Json{{"features", {"t"}}}, ctx),
                       doctest::Contains("agents.learner[0].params.features[0]"), ConfigError);
  CHECK_NOTHROW(make_policy("actor_critic", Json{{"hidden", Json::array()}}, ctx));
}

}  // namespace
}  // namespace agora
