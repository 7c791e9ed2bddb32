// Replicator dynamics: both discretisations by hand, the exact log-ratio decay of a strictly
// dominated action (prisoner's dilemma: defection takes over), Hedge's regret bound for the
// exponential map (Cesa-Bianchi & Lugosi 2006, Thm. 2.2), the outward drift of multiplicative
// weights from the interior equilibrium of a zero-sum game (Bailey & Piliouras 2018), step-size
// schedules and errors.
#include "agents/replicator_dynamics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "envs/matrix_game.h"
#include "tests/agents/game_fixture.h"

namespace agora {
namespace {

using Update = ReplicatorLearner::Update;
using Schedule = ReplicatorLearner::Schedule;

Eigen::ArrayXd array(std::initializer_list<double> values) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(values.size()));
  Eigen::Index k = 0;
  for (double v : values) a(k++) = v;
  return a;
}

TEST_CASE("replicator dynamics: both discretisations by hand") {
  ReplicatorLearner exponential(3, Update::kExponential, 0.5);
  ReplicatorLearner linear(3, Update::kLinear, 0.5);
  const Eigen::ArrayXd u = array({1, 0, -1});
  exponential.update(u);
  linear.update(u);
  // Exponential: x ∝ exp(0.5 u) = (e^0.5, 1, e^-0.5).
  const Eigen::ArrayXd w = array({std::exp(0.5), 1.0, std::exp(-0.5)});
  CHECK(exponential.strategy().isApprox(w / w.sum()));
  // Linear: x·u = 0, x(k) = 1/3 (1 + 0.5 u(k)) = (1/2, 1/3, 1/6).
  CHECK(linear.strategy().isApprox(array({0.5, 1.0 / 3, 1.0 / 6})));
  // Second step, u = (0, 3, 0): x·u = 1 for the linear map → x(k) (1 + 0.5 (u(k) − 1)).
  linear.update(array({0, 3, 0}));
  CHECK(linear.strategy().isApprox(array({0.25, 2.0 / 3, 1.0 / 12})));
  CHECK(linear.strategy().sum() == doctest::Approx(1.0));
  CHECK(linear.average_strategy().isApprox(array({(1.0 / 3 + 0.5) / 2, 1.0 / 3, 0.25})));
  // The exponential map is Hedge: x ∝ exp(η Σ_s u_s).
  exponential.update(array({0, 3, 0}));
  const Eigen::ArrayXd w2 = (0.5 * array({1, 3, -1})).exp();
  CHECK(exponential.strategy().isApprox(w2 / w2.sum()));
}

TEST_CASE("replicator dynamics: step-size schedules") {
  const ReplicatorLearner constant(2, Update::kExponential, 0.3);
  const ReplicatorLearner decaying(2, Update::kExponential, 0.3, Schedule::kInverseSqrt);
  CHECK(constant.step_size(100) == 0.3);
  CHECK(decaying.step_size(1) == 0.3);
  CHECK(decaying.step_size(4) == doctest::Approx(0.15));
  CHECK(decaying.step_size(100) == doctest::Approx(0.03));
}

TEST_CASE("replicator dynamics on the prisoner's dilemma: the dominant strategy takes over") {
  // Defect earns 2 more than cooperate against a cooperator and 1 more against a defector, so
  // with the exponential map ln(x_C / x_D) falls by exactly η (u_D − u_C) ∈ {η, 2η} per step.
  for (const char* update : {"exponential", "linear"}) {
    INFO(update);
    const double eta = 0.1;
    test::GamePlay play({{"game", "prisoners_dilemma"}}, "replicator_dynamics",
                        {{"update", update}, {"step_size", eta}}, "replicator_dynamics",
                        {{"update", update}, {"step_size", eta}}, 400);
    double previous = 0.0;  // ln(x_C / x_D) at the start: uniform
    for (int t = 0; t < 400; ++t) {
      const auto [i, j] = play.step();
      const Eigen::VectorXd x = test::to_vector(play.row->strategy()["agents"][0]["current"]);
      const double log_ratio = std::log(x(0) / x(1));
      if (std::string(update) == "exponential") {
        const double drop = previous - log_ratio;
        CHECK(drop == doctest::Approx(j == 0 ? 2 * eta : eta).epsilon(1e-9));
      } else {
        CHECK(log_ratio < previous);  // monotone decline as well
      }
      previous = log_ratio;
    }
    const Eigen::VectorXd row = test::to_vector(play.row->strategy()["agents"][0]["current"]);
    const Eigen::VectorXd column = test::to_vector(play.column->strategy()["agents"][0]["current"]);
    CHECK(row(1) > 1.0 - 1e-9);
    CHECK(column(1) > 1.0 - 1e-9);
    // With 400 steps the defection share of play is close to 1 as well.
    CHECK(test::to_vector(play.row->strategy()["agents"][0]["average"])(1) > 0.9);
  }
}

double hedge_regret(int arms, int horizon, double width,
                    const std::function<Eigen::ArrayXd(int, const Eigen::ArrayXd&)>& payoffs) {
  const double eta = std::sqrt(8.0 * std::log(arms) / horizon) / width;
  ReplicatorLearner learner(arms, Update::kExponential, eta);
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(arms);
  double earned = 0.0;
  for (int t = 0; t < horizon; ++t) {
    const Eigen::ArrayXd u = payoffs(t, learner.strategy());
    earned += (learner.strategy() * u).sum();
    cumulative += u;
    learner.update(u);
  }
  return cumulative.maxCoeff() - earned;
}

TEST_CASE("replicator dynamics (exponential): regret within Δ sqrt(T ln K / 2)") {
  const int arms = 6;
  const int horizon = 5000;
  const double bound = std::sqrt(horizon * std::log(arms) / 2.0);
  const double adaptive = hedge_regret(arms, horizon, 1.0, [&](int, const Eigen::ArrayXd& p) {
    Eigen::ArrayXd u = Eigen::ArrayXd::Zero(arms);
    Eigen::Index least;
    p.minCoeff(&least);
    u(least) = 1.0;
    return u;
  });
  CHECK(adaptive <= bound);
  CHECK(adaptive > 0.1 * bound);  // the adversary does hurt
  const double scaled = hedge_regret(arms, horizon, 4.0, [&](int t, const Eigen::ArrayXd&) {
    Eigen::ArrayXd u = Eigen::ArrayXd::Constant(arms, -1.0);
    u(t < horizon / 3 ? 0 : 5) = 3.0;
    return u;
  });
  CHECK(scaled <= 4.0 * bound);
}

TEST_CASE("multiplicative weights drift away from the interior equilibrium of RPS") {
  // Expected-payoff self-play (u = A y for the row player, −Aᵀ x for the column player) from a
  // point near the uniform equilibrium: the sum of KL divergences KL(uniform ‖ x) +
  // KL(uniform ‖ y) increases every step (Bailey & Piliouras 2018), while the time averages stay
  // close to the equilibrium.
  const Eigen::MatrixXd a = (Eigen::MatrixXd(3, 3) << 0, -1, 1, 1, 0, -1, -1, 1, 0).finished();
  ReplicatorLearner row(3, Update::kExponential, 0.05);
  ReplicatorLearner column(3, Update::kExponential, 0.05);
  row.update(array({4, 0, 0}));  // a first nudge off the equilibrium
  auto kl = [](const Eigen::ArrayXd& x) { return (-(3.0 * x).log()).sum() / 3.0; };
  const double initial = kl(row.strategy()) + kl(column.strategy());
  double divergence = initial;
  for (int t = 0; t < 2000; ++t) {
    const Eigen::VectorXd x = row.strategy().matrix();
    const Eigen::VectorXd y = column.strategy().matrix();
    row.update((a * y).array());
    column.update((-a.transpose() * x).array());
    const double next = kl(row.strategy()) + kl(column.strategy());
    CHECK(next > divergence);
    divergence = next;
  }
  MESSAGE("KL divergence from the equilibrium: ", initial, " -> ", divergence);
  CHECK(divergence > 2.0 * initial);  // moved visibly outwards
  const Eigen::VectorXd xbar = row.average_strategy().matrix();
  const Eigen::VectorXd ybar = column.average_strategy().matrix();
  CHECK(test::duality_gap(a, xbar, ybar) < 0.1);
}

TEST_CASE("replicator dynamics: a too-large linear step is a ConfigError at params.step_size") {
  // Payoffs of the prisoner's dilemma span 5: η = 1 makes 1 + η (u(k) − x·u) negative.
  test::GamePlay play({{"game", "prisoners_dilemma"}}, "replicator_dynamics",
                      {{"update", "linear"}, {"step_size", 1.0}}, "replicator_dynamics",
                      Json::object(), 10);
  try {
    for (int t = 0; t < 10; ++t) play.step();
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "agents.row[0].params.step_size");
    CHECK(std::string(e.what()).find("1 / (payoff range)") != std::string::npos);
  }
  EnvContext context;
  auto env = make_env("matrix_game", {{"game", "shapley"}}, context);
  CHECK_THROWS_AS(
      make_policy("replicator_dynamics", {{"step_size", 0.0}}, test::game_context(*env, 0, 10, 1)),
      ConfigError);
  CHECK_THROWS_AS(
      make_policy("replicator_dynamics", {{"update", "euler"}}, test::game_context(*env, 0, 10, 1)),
      ConfigError);
}

}  // namespace
}  // namespace agora
