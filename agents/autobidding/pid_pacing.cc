#include "agents/autobidding/pid_pacing.h"

#include <algorithm>
#include <cmath>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

PidPacing::PidPacing(const PolicyContext& ctx, const PidPacingConfig& config)
    : signals_(*ctx.role, join_path(ctx.path, "type"),
               {Signal::kBudget, Signal::kSpend, Signal::kBudgetRemaining, Signal::kDayFractionLeft,
                Signal::kExpectedSpendShare}),
      config_(config),
      log_initial_(std::log(config.initial_multiplier)),
      log_min_(std::log(config.min_multiplier)),
      log_max_(std::log(config.max_multiplier)),
      turns_(ctx.agents),
      multiplier_(ctx.agents.size(), config.initial_multiplier),
      integral_(ctx.agents.size(), 0.0),
      last_error_(ctx.agents.size(), 0.0) {}

void PidPacing::act(const RowBatch& /*observations*/, const BoolArray& active, RowBatch& actions) {
  turns_.act(active,
             [&](std::size_t i, int agent) { signals_.write(actions, agent, multiplier_[i]); });
}

void PidPacing::learn(const Transition& transition) {
  const RowBatch& before = transition.observations;
  const RowBatch& after = transition.outcome.observations;
  turns_.learn(transition.outcome, [&](std::size_t i, int agent) {
    const double nominal = signals_.nominal_spend(before, agent);
    if (!(nominal > 0.0)) return;
    const double target =
        signals_.spend_target(before, agent, config_.target, config_.budget_fraction);
    const double error = (target - signals_.get(after, agent, Signal::kSpend)) / nominal;
    if (!std::isfinite(error)) {
      throw InvariantError("pid_pacing: non-finite spend or target for advertiser " +
                           std::to_string(agent));
    }
    const double derivative = error - last_error_[i];
    last_error_[i] = error;
    const auto output = [&](double integral) {
      return log_initial_ + config_.kp * error + config_.ki * integral + config_.kd * derivative;
    };
    const double integrated = integral_[i] + error;
    const double raw = output(integrated);
    const bool winds_up = (raw > log_max_ && error > 0.0) || (raw < log_min_ && error < 0.0);
    if (!winds_up) integral_[i] = integrated;
    multiplier_[i] = std::exp(std::clamp(output(integral_[i]), log_min_, log_max_));
  });
}

Json PidPacing::strategy() const {
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < turns_.size(); ++i) {
    per_agent.push_back({{"agent", turns_.agents()[i]},
                         {"multiplier", multiplier_[i]},
                         {"integral", integral_[i]},
                         {"last_error", last_error_[i]}});
  }
  return {{"algorithm", "pid_pacing"}, {"agents", std::move(per_agent)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const std::string params_path = join_path(ctx.path, "params");
  const AdvertiserSignals signals(*ctx.role, join_path(ctx.path, "type"), {});
  PidPacingConfig config;
  config.kp = params.at("kp").get<double>();
  config.ki = params.at("ki").get<double>();
  config.kd = params.at("kd").get<double>();
  config.initial_multiplier = params.at("initial_multiplier").get<double>();
  config.min_multiplier = params.at("min_multiplier").get<double>();
  const Json& max = params.at("max_multiplier");
  config.max_multiplier = max.is_null() ? signals.multiplier_high()
                                        : std::min(max.get<double>(), signals.multiplier_high());
  config.target = spend_target_mode(params.at("target").get<std::string>());
  config.budget_fraction = params.at("budget_fraction").get<double>();
  if (!(config.max_multiplier > 0.0)) {
    throw ConfigError(join_path(params_path, "max_multiplier"),
                      "the multiplier bound must be > 0; the action allows at most " +
                          format_number(signals.multiplier_high()));
  }
  if (config.min_multiplier > config.max_multiplier) {
    throw ConfigError(join_path(params_path, "min_multiplier"),
                      "must be at most the largest multiplier (" +
                          format_number(config.max_multiplier) + "), got " +
                          format_number(config.min_multiplier));
  }
  if (config.initial_multiplier < config.min_multiplier ||
      config.initial_multiplier > config.max_multiplier) {
    throw ConfigError(join_path(params_path, "initial_multiplier"),
                      "must lie in " + format_range(config.min_multiplier, config.max_multiplier) +
                          ", got " + format_number(config.initial_multiplier));
  }
  return std::make_unique<PidPacing>(ctx, config);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "pid_pacing",
     "Budget pacing by a PID controller on the spend error, acting on the log multiplier.",
     "Feedback-control pacing (Zhang et al. 2016, WSDM): with e_t = (ρ_t − z_t) / (B s_t) the "
     "normalised gap between the step's spend target and its spend, the multiplier is "
     "m = clamp(m_0 exp(k_p e_t + k_i Σ e + k_d Δe), m_min, m_max); the integral stops while "
     "the output is saturated in the error's direction (anti-windup). The integral term drives "
     "the mean spend to the target. Without a budget the agent plays m_0. Needs the advertiser "
     "observation labels of docs/autobidding.md and a 'multiplier' action.",
     {param::real("kp", 0.1, "proportional gain on the normalised spend error")
          .range(0.0, std::nullopt),
      param::real("ki", 0.2, "integral gain").range(0.0, std::nullopt),
      param::real("kd", 0.0, "derivative gain").range(0.0, std::nullopt),
      positive_real("initial_multiplier", 1.0, "m_0: the multiplier before any feedback"),
      positive_real("min_multiplier", 0.01, "lower bound on the multiplier"),
      positive_real("max_multiplier", nullptr,
                    "upper bound on the multiplier; null = the action's upper bound")
          .allow_null(),
      spend_target_param(), budget_fraction_param()}},
    &make);

}  // namespace
}  // namespace agora
