#include "agents/autobidding/dual_pacing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

DualPacing::DualPacing(const PolicyContext& ctx, const DualPacingConfig& config)
    : signals_(*ctx.role, join_path(ctx.path, "type"),
               {Signal::kBudget, Signal::kSpend, Signal::kBudgetRemaining, Signal::kDayFractionLeft,
                Signal::kExpectedSpendShare}),
      config_(config),
      turns_(ctx.agents),
      mu_(ctx.agents.size(), config.initial_mu) {}

void DualPacing::act(const RowBatch& /*observations*/, const BoolArray& active, RowBatch& actions) {
  turns_.act(active, [&](std::size_t i, int agent) {
    signals_.write(actions, agent, multiplier(static_cast<int>(i)));
  });
}

void DualPacing::learn(const Transition& transition) {
  const RowBatch& before = transition.observations;
  const RowBatch& after = transition.outcome.observations;
  turns_.learn(transition.outcome, [&](std::size_t i, int agent) {
    const double nominal = signals_.nominal_spend(before, agent);
    if (!(nominal > 0.0)) return;
    const double target =
        signals_.spend_target(before, agent, config_.target, config_.budget_fraction);
    const double spend = signals_.get(after, agent, Signal::kSpend);
    const double error = (spend - target) / nominal;
    if (!std::isfinite(error)) {
      throw InvariantError("dual_pacing: non-finite spend or target for advertiser " +
                           std::to_string(agent));
    }
    mu_[i] = std::clamp(mu_[i] + config_.step_size * error, 0.0, config_.mu_max);
  });
}

Json DualPacing::strategy() const {
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < turns_.size(); ++i) {
    per_agent.push_back({{"agent", turns_.agents()[i]},
                         {"mu", mu_[i]},
                         {"multiplier", multiplier(static_cast<int>(i))}});
  }
  return {{"algorithm", "dual_pacing"}, {"agents", std::move(per_agent)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  DualPacingConfig config;
  config.step_size = params.at("step_size").get<double>();
  config.initial_mu = params.at("initial_mu").get<double>();
  config.mu_max = params.at("mu_max").get<double>();
  config.target = spend_target_mode(params.at("target").get<std::string>());
  config.budget_fraction = params.at("budget_fraction").get<double>();
  if (config.initial_mu > config.mu_max) {
    throw ConfigError(join_path(join_path(ctx.path, "params"), "initial_mu"),
                      "must be at most mu_max (" + format_number(config.mu_max) + "), got " +
                          format_number(config.initial_mu));
  }
  return std::make_unique<DualPacing>(ctx, config);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "dual_pacing",
     "Budget pacing by dual descent: bids value / (1 + μ), μ follows the spend error.",
     "Adaptive pacing of Balseiro & Gur (2019, Management Science): the advertiser bids "
     "m · value per click with m = 1 / (1 + μ), the Lagrangian bid of a budget-constrained "
     "quasi-linear bidder, and after each step updates μ ← clamp(μ − ε (ρ_t − z_t) / (B s_t), "
     "0, μ_max) with z_t its spend, ρ_t the step's spend target and B s_t the step's share of "
     "the daily budget. μ converges to the dual optimum that makes the budget bind (0 when it "
     "does not bind). Without a budget μ stays 0. Needs the advertiser observation labels of "
     "docs/autobidding.md and a 'multiplier' action.",
     {positive_real("step_size", 0.1, "ε: dual step per unit of spend error / nominal spend"),
      param::real("initial_mu", 0.0, "μ at the start").range(0.0, std::nullopt),
      positive_real("mu_max", 100.0, "cap on μ; the multiplier stays ≥ 1 / (1 + mu_max)"),
      spend_target_param(), budget_fraction_param()}},
    &make);

}  // namespace
}  // namespace agora
