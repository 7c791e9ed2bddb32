#include "agents/linear_q.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

namespace {

// The grid parameters without value buckets: the features carry the value.
Json grid_params_of(const Json& params) {
  Json out = params;
  out["value_buckets"] = 1;
  out["value_range"] = nullptr;
  return out;
}

}  // namespace

ParamSpecs linear_q_params() {
  ParamSpecs specs;
  for (ParamSpec& spec : grid_learner_params()) {
    if (spec.name != "value_buckets" && spec.name != "value_range") specs.push_back(spec);
  }
  for (ParamSpec& spec : observation_feature_params(ObservationFeatures::Scale::kUnit)) {
    specs.push_back(std::move(spec));
  }
  specs.push_back(param::real("learning_rate", 0.05, "α, the step size of the semi-gradient update")
                      .range(0.0, std::nullopt));
  specs.push_back(discount_param(0.95));
  specs.push_back(param::real("initial_q", 0.0, "the initial bias weight of every action"));
  for (ParamSpec& spec : epsilon_schedule_params()) specs.push_back(std::move(spec));
  return specs;
}

LinearQ::LinearQ(const Json& params, const PolicyContext& ctx)
    : setup_(grid_params_of(params), ctx),
      agents_(ctx.agents),
      actions_(setup_.points()),
      observation_features_(params, ctx, /*bias=*/true, ObservationFeatures::Scale::kUnit),
      features_(observation_features_.dim()),
      alpha_(params.at("learning_rate").get<double>()),
      gamma_(params.at("discount").get<double>()),
      schedule_(read_epsilon_schedule(params, ctx.horizon)),
      learning_rate_path_(join_path(join_path(ctx.path, "params"), "learning_rate")),
      rng_(make_rng(ctx.seed, "linear_q")) {
  const Space& space = ctx.role->observation_space;
  if (space.kind() != Space::Kind::kBox) {
    throw ConfigError(join_path(ctx.path, "type"),
                      "linear_q needs a Box observation space; role '" + ctx.role->name +
                          "' observes " + space.describe());
  }
  const Eigen::Index rows = static_cast<Eigen::Index>(agents_.size()) * actions_;
  weights_ = RowBatch::Zero(rows, features_);
  weights_.col(features_ - 1).setConstant(params.at("initial_q").get<double>());
  phi_ = RowBatch::Zero(static_cast<Eigen::Index>(agents_.size()), features_);
  q_ = Eigen::ArrayXd::Zero(actions_);
  next_phi_ = Eigen::ArrayXd::Zero(features_);
  clocks_.assign(agents_.size(), EpsilonClock(schedule_));
  chosen_action_.assign(agents_.size(), 0);
  acted_.assign(agents_.size(), 0);
}

void LinearQ::features_of(const RowBatch& observations, int agent,
                          Eigen::Ref<Eigen::ArrayXd> out) const {
  observation_features_.compute(observations, agent, out);
}

double LinearQ::q(int agent_index, int action, const Eigen::ArrayXd& phi) const {
  return (weights(agent_index).row(action).transpose() * phi).sum();
}

int LinearQ::choose(int agent_index) {
  if (clocks_[agent_index].explore(rng_)) {
    return boost::random::uniform_int_distribution<int>(0, actions_ - 1)(rng_);
  }
  q_.matrix().noalias() =
      weights(agent_index).matrix() * phi_.row(agent_index).matrix().transpose();
  const double best = q_.maxCoeff();
  if (!std::isfinite(best)) {
    throw ConfigError(learning_rate_path_,
                      "linear_q diverged (a Q value is not finite); lower the learning rate");
  }
  int ties = 0;
  for (int a = 0; a < actions_; ++a) ties += q_(a) == best;
  int pick = ties == 1 ? 0 : boost::random::uniform_int_distribution<int>(0, ties - 1)(rng_);
  for (int a = 0; a < actions_; ++a) {
    if (q_(a) == best && pick-- == 0) return a;
  }
  throw InvariantError("LinearQ: no greedy action");
}

void LinearQ::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  const BidAction& bid_action = setup_.bid_action();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    const int index = static_cast<int>(i);
    features_of(observations, agent, phi_.row(index).transpose());
    const int action = choose(index);
    chosen_action_[i] = action;
    const double value = setup_.needs_value() ? bid_action.value(observations, agent) : 0.0;
    bid_action.write(actions, agent, setup_.action(action, value));
  }
}

void LinearQ::learn(const Transition& transition) {
  const RoleState& outcome = transition.outcome;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const int agent = agents_[i];
    const int index = static_cast<int>(i);
    const double reward = outcome.rewards(agent);
    AGORA_CHECK(std::isfinite(reward));
    const auto w = weights_.middleRows(static_cast<Eigen::Index>(index) * actions_, actions_);
    double target = reward;
    if (!outcome.terminated(agent)) {
      features_of(outcome.observations, agent, next_phi_);
      q_.matrix().noalias() = w.matrix() * next_phi_.matrix();
      target += gamma_ * q_.maxCoeff();
    }
    auto row = weights_.row(static_cast<Eigen::Index>(index) * actions_ + chosen_action_[i]);
    const double delta = target - (row * phi_.row(index)).sum();
    if (!std::isfinite(delta)) {
      throw ConfigError(learning_rate_path_,
                        "linear_q diverged (a Q value is not finite); lower the learning rate");
    }
    row += (alpha_ * delta) * phi_.row(index);
  }
}

Json LinearQ::strategy() const {
  Json out = setup_.to_json();
  out.erase("value_buckets");
  out["algorithm"] = "linear_q";
  out["features"] = observation_features_.names();
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int index = static_cast<int>(i);
    Json rows = Json::array();
    const auto w = weights(index);
    for (int a = 0; a < actions_; ++a) {
      rows.push_back(std::vector<double>(w.row(a).begin(), w.row(a).end()));
    }
    per_agent.push_back(
        {{"agent", agents_[i]}, {"epsilon", clocks_[i].epsilon()}, {"weights", std::move(rows)}});
  }
  out["agents"] = std::move(per_agent);
  return out;
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<LinearQ>(params, ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "linear_q",
     "Q-learning with linear function approximation over a bid or shading grid.",
     "Q(s,a) = w_a · φ(s), φ = the observation (or the listed features), normalised to [0, 1] "
     "by its bounds, plus a bias; ε-greedy over the grid (ties at random; constant, "
     "exponential or geometric ε); semi-gradient update w_a += α (r + γ max_a' w_a'·φ(s') − "
     "w_a·φ(s)) φ(s). Sutton & Barto (2018), ch. 9–11; Watkins & Dayan, Machine Learning 8 "
     "(1992).",
     linear_q_params()},
    &make);

}  // namespace
}  // namespace agora
