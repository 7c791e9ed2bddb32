#include "agents/actor_critic.h"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <numbers>
#include <string>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

namespace {

double sigmoid(double m) { return 1.0 / (1.0 + std::exp(-m)); }

std::vector<int> layer_sizes(int inputs, const std::vector<int>& hidden) {
  std::vector<int> sizes = {inputs};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(1);
  return sizes;
}

Json validate_hidden(const Json& value, const std::string& path) {
  if (!value.is_array()) {
    throw ConfigError(path, "expected a list of layer sizes such as [32, 32], got " + value.dump());
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& n = value[i];
    const bool integral = n.is_number_integer() ||
                          (n.is_number_float() && n.get<double>() == std::floor(n.get<double>()));
    if (!integral || n.get<double>() < 1 || n.get<double>() > 4096) {
      throw ConfigError(index_path(path, i), "expected an integer in [1, 4096], got " + n.dump());
    }
  }
  Json out = Json::array();
  for (const auto& n : value) out.push_back(static_cast<int>(n.get<double>()));
  return out;
}

}  // namespace

GaussianActor::GaussianActor(int inputs, const std::vector<int>& hidden, Activation activation,
                             double low, double high, double initial_mean, double initial_std,
                             double min_std, std::uint64_t seed)
    : low_(low),
      high_(high),
      min_log_std_(std::log(min_std)),
      max_log_std_(std::log(high - low)),
      network_(layer_sizes(inputs, hidden), activation, Activation::kIdentity, seed),
      log_std_(Eigen::VectorXd::Constant(1, std::log(initial_std))),
      log_std_gradient_(Eigen::VectorXd::Zero(1)),
      output_gradient_(Eigen::VectorXd::Zero(1)) {
  AGORA_CHECK(high > low);
  AGORA_CHECK(initial_mean > low && initial_mean < high);
  const int last = network_.layers();
  network_.weights(last) *= 0.1;
  const double p = (initial_mean - low) / (high - low);
  network_.biases(last)(0) = std::log(p / (1.0 - p));
  clamp_log_std();
}

double GaussianActor::mean(const Eigen::Ref<const Eigen::VectorXd>& x) {
  return low_ + (high_ - low_) * sigmoid(network_.forward(x)(0));
}

double GaussianActor::std() const { return std::exp(log_std_(0)); }

double GaussianActor::log_prob(const Eigen::Ref<const Eigen::VectorXd>& x, double u) {
  const double z = (u - mean(x)) / std();
  return -0.5 * z * z - log_std_(0) - 0.5 * std::log(2.0 * std::numbers::pi);
}

void GaussianActor::add_log_prob_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, double u,
                                          double coefficient) {
  const double s = sigmoid(network_.forward(x)(0));
  const double mu = low_ + (high_ - low_) * s;
  const double sigma = std();
  const double z = (u - mu) / sigma;
  output_gradient_(0) = coefficient * (z / sigma) * (high_ - low_) * s * (1.0 - s);
  network_.backward(output_gradient_);
  log_std_gradient_(0) += coefficient * (z * z - 1.0);
}

void GaussianActor::zero_gradients() {
  network_.zero_gradients();
  log_std_gradient_.setZero();
}

void GaussianActor::clamp_log_std() {
  log_std_(0) = std::clamp(log_std_(0), min_log_std_, max_log_std_);
}

ActorCritic::ActorCritic(const Json& params, const PolicyContext& ctx)
    : action_(ctx),
      observation_space_(ctx.role->observation_space),
      features_(params, ctx, /*bias=*/false, ObservationFeatures::Scale::kSymmetric),
      agents_(ctx.agents),
      share_(params.at("share_parameters").get<bool>()),
      discount_(params.at("discount").get<double>()),
      entropy_coefficient_(params.at("entropy_coefficient").get<double>()),
      batch_size_(params.at("batch_size").get<int>()),
      normalize_rewards_(params.at("normalize_rewards").get<bool>()),
      contexts_(Eigen::MatrixXd::Zero(features_.dim(), static_cast<Eigen::Index>(agents_.size()))),
      next_context_(Eigen::VectorXd::Zero(features_.dim())),
      critic_gradient_(Eigen::VectorXd::Zero(1)),
      sampled_(agents_.size(), 0.0),
      means_(agents_.size(), 0.0),
      acted_(agents_.size(), 0),
      rng_(make_rng(ctx.seed, "actor_critic")) {
  const std::string params_path = join_path(ctx.path, "params");
  const double low = action_.low();
  const double high = action_.high();
  const double width = high - low;
  const double initial_mean = params.at("initial_mean").is_null()
                                  ? 0.5 * (low + high)
                                  : params["initial_mean"].get<double>();
  if (!(initial_mean > low && initial_mean < high)) {
    throw ConfigError(join_path(params_path, "initial_mean"),
                      "must lie strictly inside the bounds [" + format_number(low) + ", " +
                          format_number(high) + "] of action '" + action_.label() + "', got " +
                          format_number(initial_mean));
  }
  const double initial_std = params.at("initial_std").get<double>();
  const double min_std = params.at("min_std").get<double>();
  if (min_std > initial_std) {
    throw ConfigError(join_path(params_path, "min_std"), "must not exceed initial_std (" +
                                                             format_number(initial_std) +
                                                             "), got " + format_number(min_std));
  }
  const auto hidden = params.at("hidden").get<std::vector<int>>();
  const Activation activation = activation_from_name(params.at("activation").get<std::string>());
  const double actor_rate = params.at("actor_learning_rate").get<double>();
  const double critic_rate = params.at("critic_learning_rate").get<double>();
  const std::size_t count = share_ ? 1 : agents_.size();
  learners_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string id = std::to_string(i);
    GaussianActor actor(features_.dim(), hidden, activation, low, high, initial_mean,
                        initial_std * width, min_std * width,
                        derive_seed(ctx.seed, "actor_critic/actor/" + id));
    Mlp critic(layer_sizes(features_.dim(), hidden), activation, Activation::kIdentity,
               derive_seed(ctx.seed, "actor_critic/critic/" + id));
    const Eigen::Index actor_size = actor.network().parameter_count();
    const Eigen::Index critic_size = critic.parameter_count();
    learners_.push_back(Learner{std::move(actor), std::move(critic), Adam(actor_size, actor_rate),
                                Adam(1, actor_rate), Adam(critic_size, critic_rate)});
  }
}

void ActorCritic::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  boost::random::normal_distribution<double> normal;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    auto x = contexts_.col(static_cast<Eigen::Index>(i));
    features_.compute(observations, agent, x);
    GaussianActor& actor = learner(static_cast<int>(i)).actor;
    means_[i] = actor.mean(x);
    sampled_[i] = means_[i] + actor.std() * normal(rng_);
    action_.write(actions, agent, sampled_[i]);
  }
}

void ActorCritic::learn(const Transition& transition) {
  const RoleState& outcome = transition.outcome;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const int agent = agents_[i];
    double reward = outcome.rewards(agent);
    AGORA_CHECK(std::isfinite(reward));
    if (normalize_rewards_) {
      ++reward_count_;
      const double delta = reward - reward_mean_;
      reward_mean_ += delta / static_cast<double>(reward_count_);
      reward_m2_ += delta * (reward - reward_mean_);
      const double variance =
          reward_count_ > 1 ? reward_m2_ / static_cast<double>(reward_count_ - 1) : 0.0;
      if (variance > 0.0) reward /= std::sqrt(variance);
    }
    Learner& l = learner(static_cast<int>(i));
    double target = reward;
    if (discount_ > 0.0 && !outcome.terminated(agent)) {
      features_.compute(outcome.observations, agent, next_context_);
      target += discount_ * l.critic.forward(next_context_)(0);
    }
    const auto x = contexts_.col(static_cast<Eigen::Index>(i));
    const double value = l.critic.forward(x)(0);
    const double advantage = target - value;
    critic_gradient_(0) = -advantage;
    l.critic.backward(critic_gradient_);
    l.actor.add_log_prob_gradient(x, sampled_[i], -advantage);
    l.actor.log_std_gradient()(0) -= entropy_coefficient_;
    if (++l.pending == batch_size_) update(l);
  }
}

void ActorCritic::update(Learner& l) {
  const double scale = 1.0 / l.pending;
  l.pending = 0;
  l.critic.gradients() *= scale;
  l.critic_optimizer.step(l.critic.parameters(), l.critic.gradients());
  l.critic.zero_gradients();
  GaussianActor& actor = l.actor;
  actor.network().gradients() *= scale;
  actor.log_std_gradient() *= scale;
  l.actor_optimizer.step(actor.network().parameters(), actor.network().gradients());
  l.log_std_optimizer.step(actor.log_std_parameter(), actor.log_std_gradient());
  actor.clamp_log_std();
  actor.zero_gradients();
}

Json ActorCritic::strategy() const {
  Json out = {{"algorithm", "actor_critic"},
              {"action", action_.label()},
              {"bounds", {action_.low(), action_.high()}},
              {"features", features_.names()},
              {"share_parameters", share_}};
  const std::vector<int>& columns = features_.columns();
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    GaussianActor actor = learners_[share_ ? 0 : i].actor;
    Json agent = {{"agent", agents_[i]}, {"std", actor.std()}, {"last_mean", means_[i]}};
    if (columns.size() == 1) {
      const double low = observation_space_.low()(columns[0]);
      const double high = observation_space_.high()(columns[0]);
      if (std::isfinite(low) && std::isfinite(high)) {
        RowBatch row = RowBatch::Zero(1, observation_space_.dim());
        Eigen::VectorXd x(features_.dim());
        std::vector<double> at, mean;
        for (int k = 0; k <= 10; ++k) {
          row(0, columns[0]) = low + (high - low) * k / 10.0;
          features_.compute(row, 0, x);
          at.push_back(row(0, columns[0]));
          mean.push_back(actor.mean(x));
        }
        agent["mean_function"] = {
            {"feature", features_.names()[0]}, {"x", std::move(at)}, {"mean", std::move(mean)}};
      }
    }
    per_agent.push_back(std::move(agent));
  }
  out["agents"] = std::move(per_agent);
  return out;
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<ActorCritic>(params, ctx);
}

ParamSpecs actor_critic_params() {
  ParamSpecs specs = observation_feature_params(ObservationFeatures::Scale::kSymmetric);
  specs.push_back(param::custom("hidden", Json::array({32}), "list of integers ≥ 1",
                                "hidden layer sizes of the policy and value networks ([] = linear)",
                                &validate_hidden));
  specs.push_back(
      param::text("activation", "tanh", {"tanh", "relu"}, "hidden-layer activation of both nets"));
  specs.push_back(positive_real("actor_learning_rate", 0.003, "Adam step of the policy and log σ"));
  specs.push_back(positive_real("critic_learning_rate", 0.01, "Adam step of the value network"));
  specs.push_back(param::real("discount", 0.0,
                              "γ in δ = r + γ V(x') − V(x); 0 when actions do not move later "
                              "observations (each step a one-shot decision)")
                      .range(0.0, 1.0));
  specs.push_back(param::real("initial_mean", nullptr,
                              "initial mean action (strictly inside the bounds); null = the middle")
                      .allow_null());
  specs.push_back(positive_real("initial_std", 0.1, "initial σ as a fraction of the action range"));
  specs.push_back(positive_real("min_std", 0.005, "least σ as a fraction of the action range"));
  specs.push_back(param::real("entropy_coefficient", 0.0, "β, weight of the entropy bonus")
                      .range(0.0, std::nullopt));
  specs.push_back(param::integer("batch_size", 8, "transitions averaged per update and learner")
                      .range(1, 1000000));
  specs.push_back(param::boolean("normalize_rewards", false,
                                 "divide rewards by the running std of the rewards seen"));
  specs.push_back(param::boolean("share_parameters", false,
                                 "one policy and value network for all agents of the group"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "actor_critic",
     "One-step advantage actor-critic with a Gaussian policy on a continuous one-dimensional "
     "action (own reward only).",
     "Gaussian policy N(μ(x), σ²) whose mean is an MLP of the normalized observation squashed "
     "into the action bounds by a sigmoid, with a learned log σ, and a value MLP V(x) as "
     "baseline. Each step's δ = r + γV(x') − V(x) gives the critic's semi-gradient TD(0) and the "
     "actor's δ ∇log π gradients, averaged over batch_size transitions and applied with Adam. "
     "Sutton & Barto, Reinforcement Learning, 2nd ed. (2018), §13.5.",
     actor_critic_params()},
    &make);

}  // namespace
}  // namespace agora
