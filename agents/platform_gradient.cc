#include "agents/platform_gradient.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

PlatformGradient::PlatformGradient(const PolicyContext& ctx, const Eigen::ArrayXd& initial,
                                   Gains gains)
    : agents_(ctx.agents),
      dim_(ctx.role->action_space.dim()),
      low_(ctx.role->action_space.low()),
      width_(ctx.role->action_space.high() - ctx.role->action_space.low()),
      gains_(gains),
      theta_(static_cast<Eigen::Index>(agents_.size()), dim_),
      direction_(RowBatch::Zero(static_cast<Eigen::Index>(agents_.size()), dim_)),
      plus_(RowBatch::Zero(static_cast<Eigen::Index>(agents_.size()), dim_)),
      minus_(RowBatch::Zero(static_cast<Eigen::Index>(agents_.size()), dim_)),
      reward_plus_(Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(agents_.size()))),
      iterations_(agents_.size(), 0),
      second_half_(agents_.size(), 0),
      acted_(agents_.size(), 0),
      rng_(make_rng(ctx.seed, "platform_gradient")) {
  AGORA_CHECK_EQ(initial.size(), dim_);
  for (int d = 0; d < dim_; ++d) {
    const double u = width_(d) > 0.0 ? (initial(d) - low_(d)) / width_(d) : 0.0;
    theta_.col(d).setConstant(std::clamp(u, 0.0, 1.0));
  }
}

double PlatformGradient::step_gain(std::int64_t k) const {
  return gains_.step_size /
         std::pow(static_cast<double>(k) + 1.0 + gains_.stability, gains_.step_decay);
}

double PlatformGradient::perturbation_gain(std::int64_t k) const {
  return gains_.perturbation / std::pow(static_cast<double>(k) + 1.0, gains_.perturbation_decay);
}

void PlatformGradient::act(const RowBatch& /*observations*/, const BoolArray& active,
                           RowBatch& actions) {
  boost::random::bernoulli_distribution<double> coin(0.5);
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    const Eigen::Index row = static_cast<Eigen::Index>(i);
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    if (!second_half_[i]) {
      const double c = perturbation_gain(iterations_[i]);
      for (int d = 0; d < dim_; ++d) {
        const double sign = coin(rng_) ? 1.0 : -1.0;
        direction_(row, d) = sign;
        plus_(row, d) = std::clamp(theta_(row, d) + c * sign, 0.0, 1.0);
        minus_(row, d) = std::clamp(theta_(row, d) - c * sign, 0.0, 1.0);
      }
    }
    const auto& played = second_half_[i] ? minus_ : plus_;
    for (int d = 0; d < dim_; ++d) {
      actions(agent, d) =
          std::clamp(low_(d) + width_(d) * played(row, d), low_(d), low_(d) + width_(d));
    }
  }
}

void PlatformGradient::learn(const Transition& transition) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const Eigen::Index row = static_cast<Eigen::Index>(i);
    const double reward = transition.outcome.rewards(agents_[i]);
    AGORA_CHECK(std::isfinite(reward));
    if (!second_half_[i]) {
      reward_plus_(row) = reward;
      second_half_[i] = 1;
      continue;
    }
    second_half_[i] = 0;
    const double difference = reward_plus_(row) - reward;
    const double a = step_gain(iterations_[i]);
    for (int d = 0; d < dim_; ++d) {
      const double spread = plus_(row, d) - minus_(row, d);
      if (spread == 0.0) continue;
      const double step = std::clamp(a * difference / spread, -gains_.max_step, gains_.max_step);
      theta_(row, d) = std::clamp(theta_(row, d) + step, 0.0, 1.0);
    }
    ++iterations_[i];
  }
}

Eigen::ArrayXd PlatformGradient::estimate(int agent_index) const {
  return low_ + width_ * theta_.row(agent_index).transpose();
}

Json PlatformGradient::strategy() const {
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const Eigen::ArrayXd x = estimate(static_cast<int>(i));
    per_agent.push_back({{"agent", agents_[i]},
                         {"estimate", std::vector<double>(x.data(), x.data() + x.size())},
                         {"iterations", iterations_[i]}});
  }
  return {{"algorithm", "platform_gradient"}, {"agents", std::move(per_agent)}};
}

namespace {

// A number in (low, high] or [low, high) as the flags say.
ParamSpec bounded(std::string name, Json default_value, double low, bool low_open, double high,
                  bool high_open, std::string doc) {
  const std::string type = std::string("number in ") + (low_open ? "(" : "[") + format_number(low) +
                           ", " + (std::isinf(high) ? "inf" : format_number(high)) +
                           (high_open ? ")" : "]");
  return param::custom(std::move(name), default_value, type, std::move(doc),
                       [=](const Json& value, const std::string& path) {
                         if (!value.is_number()) {
                           throw ConfigError(path, "expected a number, got " + value.dump());
                         }
                         const double x = value.get<double>();
                         const bool above = low_open ? x > low : x >= low;
                         const bool below = high_open ? x < high : x <= high;
                         if (!std::isfinite(x) || !above || !below) {
                           throw ConfigError(path,
                                             "must be a " + type + ", got " + format_number(x));
                         }
                         return Json(x);
                       });
}

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const RoleSpec& role = *ctx.role;
  const Space& space = role.action_space;
  const std::string params_path = join_path(ctx.path, "params");
  if (space.kind() != Space::Kind::kBox) {
    throw ConfigError(join_path(ctx.path, "type"),
                      "'platform_gradient' needs a Box action, but role '" + role.name + "' has " +
                          space.describe());
  }
  if (!space.low().isFinite().all() || !space.high().isFinite().all()) {
    throw ConfigError(join_path(ctx.path, "type"),
                      "'platform_gradient' needs finite action bounds, but role '" + role.name +
                          "' has " + space.describe());
  }
  Eigen::ArrayXd initial = 0.5 * (space.low() + space.high());
  const Json& given = params.at("initial");
  if (!given.is_null()) {
    const std::string path = join_path(params_path, "initial");
    if (!given.is_array() || static_cast<int>(given.size()) != space.dim()) {
      throw ConfigError(path, "expected a list of " + std::to_string(space.dim()) +
                                  " numbers (one per action dimension of " + space.describe() +
                                  "), got " + given.dump());
    }
    for (int d = 0; d < space.dim(); ++d) {
      const std::string where = index_path(path, static_cast<std::size_t>(d));
      if (!given[d].is_number())
        throw ConfigError(where, "expected a number, got " + given[d].dump());
      initial(d) = given[d].get<double>();
      if (!(initial(d) >= space.low()(d) && initial(d) <= space.high()(d))) {
        throw ConfigError(where, format_number(initial(d)) + " is outside the action bounds [" +
                                     format_number(space.low()(d)) + ", " +
                                     format_number(space.high()(d)) + "]");
      }
    }
  }
  PlatformGradient::Gains gains;
  gains.step_size = params.at("step_size").get<double>();
  gains.step_decay = params.at("step_decay").get<double>();
  gains.perturbation = params.at("perturbation").get<double>();
  gains.perturbation_decay = params.at("perturbation_decay").get<double>();
  gains.max_step = params.at("max_step").get<double>();
  const Json& stability = params.at("stability");
  gains.stability =
      stability.is_null() ? 0.1 * static_cast<double>(ctx.horizon) / 2.0 : stability.get<double>();
  return std::make_unique<PlatformGradient>(ctx, initial, gains);
}

ParamSpecs platform_gradient_params() {
  constexpr double kInf = INFINITY;
  return {
      param::custom("initial", nullptr, "list of numbers or null",
                    "starting point in action units, one per action dimension; null = the "
                    "middle of the bounds",
                    [](const Json& value, const std::string&) { return value; })
          .allow_null(),
      bounded("step_size", 0.5, 0.0, true, kInf, true,
              "a in the step gain a_k = a / (k + 1 + A)^alpha (unit-cube coordinates per unit "
              "of reward)"),
      bounded("stability", nullptr, 0.0, false, kInf, true,
              "A in the step gain; null = 10% of the iterations (horizon / 2), Spall 1998")
          .allow_null(),
      bounded("step_decay", 0.602, 0.0, true, 1.0, false, "alpha in the step gain"),
      bounded("perturbation", 0.05, 0.0, true, 0.5, false,
              "c in the perturbation c_k = c / (k + 1)^gamma, a fraction of each range"),
      bounded("perturbation_decay", 0.101, 0.0, false, 0.5, true, "gamma in the perturbation size"),
      bounded("max_step", 0.05, 0.0, true, 1.0, false,
              "largest change of one coordinate per update, a fraction of its range"),
  };
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "platform_gradient",
     "SPSA gradient ascent on a continuous Box action (e.g. a platform's reserve), own reward "
     "only.",
     "Simultaneous perturbation stochastic approximation: every two steps plays θ ± c_k Δ "
     "(Rademacher Δ, clipped to the bounds), estimates the gradient from the two rewards and "
     "ascends θ by a_k times it (capped at max_step), projected onto the bounds; gains "
     "a_k = a / (k + 1 + A)^α, c_k = c / (k + 1)^γ (default α = 0.602, γ = 0.101). Converges "
     "to a local maximizer of the expected reward. Spall, IEEE TAC 37 (1992); Spall, IEEE "
     "TAES 34 (1998); Kushner & Yin (2003).",
     platform_gradient_params()},
    &make);

}  // namespace
}  // namespace agora
