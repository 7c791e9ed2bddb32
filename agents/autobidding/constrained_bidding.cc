#include "agents/autobidding/constrained_bidding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

ConstrainedBidding::ConstrainedBidding(const PolicyContext& ctx,
                                       const ConstrainedBiddingConfig& config)
    : signals_(*ctx.role, join_path(ctx.path, "type"),
               {Signal::kBudget, Signal::kSpend, Signal::kBudgetRemaining, Signal::kDayFractionLeft,
                Signal::kExpectedSpendShare, Signal::kValueObtained, Signal::kConversions,
                Signal::kTargetCpa, Signal::kTargetRoas}),
      config_(config),
      path_(ctx.path),
      turns_(ctx.agents),
      constraint_(ctx.agents.size(), Constraint::kUnknown),
      target_(ctx.agents.size(), 0.0),
      lambda_(ctx.agents.size(), config.initial_lambda),
      mu_(ctx.agents.size(), 0.0),
      total_value_(ctx.agents.size(), 0.0),
      total_conversions_(ctx.agents.size(), 0.0) {}

void ConstrainedBidding::read_constraint(const RowBatch& observations, std::size_t i) {
  const int agent = turns_.agents()[i];
  const double cpa = signals_.get(observations, agent, Signal::kTargetCpa);
  const double roas = signals_.get(observations, agent, Signal::kTargetRoas);
  if (cpa > 0.0 && roas > 0.0) {
    throw ConfigError(path_, "constrained_bidding: advertiser " + std::to_string(agent) +
                                 " has both a target_cpa (" + format_number(cpa) +
                                 ") and a target_roas (" + format_number(roas) +
                                 "); it needs exactly one");
  }
  if (roas > 0.0) {
    constraint_[i] = Constraint::kRoas;
    target_[i] = roas;
  } else if (cpa > 0.0) {
    constraint_[i] = Constraint::kCpa;
    target_[i] = cpa;
  } else {
    constraint_[i] = Constraint::kNone;
    lambda_[i] = 0.0;
  }
}

double ConstrainedBidding::value_coefficient(int i) const {
  const auto k = static_cast<std::size_t>(i);
  switch (constraint_[k]) {
    case Constraint::kRoas:
      return 1.0 / target_[k];
    case Constraint::kCpa:
      return total_value_[k] > 0.0 ? target_[k] * total_conversions_[k] / total_value_[k] : 0.0;
    default:
      return 0.0;
  }
}

double ConstrainedBidding::multiplier(int i) const {
  const double numerator = 1.0 + lambda(i) * value_coefficient(i);
  const double denominator = config_.kappa + lambda(i) + mu(i);
  return signals_.clip(denominator > 0.0 ? numerator / denominator
                                         : std::numeric_limits<double>::infinity());
}

void ConstrainedBidding::act(const RowBatch& observations, const BoolArray& active,
                             RowBatch& actions) {
  turns_.act(active, [&](std::size_t i, int agent) {
    if (constraint_[i] == Constraint::kUnknown) read_constraint(observations, i);
    signals_.write(actions, agent, multiplier(static_cast<int>(i)));
  });
}

void ConstrainedBidding::learn(const Transition& transition) {
  const RowBatch& before = transition.observations;
  const RowBatch& after = transition.outcome.observations;
  turns_.learn(transition.outcome, [&](std::size_t i, int agent) {
    const double spend = signals_.get(after, agent, Signal::kSpend);
    const double value = signals_.get(after, agent, Signal::kValueObtained);
    const double conversions = signals_.get(after, agent, Signal::kConversions);
    if (!std::isfinite(spend + value + conversions)) {
      throw InvariantError(
          "constrained_bidding: non-finite spend, value or conversions for "
          "advertiser " +
          std::to_string(agent));
    }
    total_value_[i] += value;
    total_conversions_[i] += conversions;
    if (constraint_[i] == Constraint::kRoas || constraint_[i] == Constraint::kCpa) {
      const double allowance =
          constraint_[i] == Constraint::kRoas ? value / target_[i] : target_[i] * conversions;
      const double scale = std::max(allowance, spend);
      if (scale > 0.0) {
        const double slack = (allowance - spend) / scale;
        lambda_[i] =
            std::clamp(lambda_[i] - config_.constraint_step * slack, 0.0, config_.lambda_max);
      }
    }
    const double nominal = signals_.nominal_spend(before, agent);
    if (config_.pace_budget && nominal > 0.0) {
      const double target =
          signals_.spend_target(before, agent, config_.target, config_.budget_fraction);
      mu_[i] = std::clamp(mu_[i] + config_.budget_step * (spend - target) / nominal, 0.0,
                          config_.mu_max);
    }
  });
}

Json ConstrainedBidding::strategy() const {
  static constexpr const char* kNames[] = {"unknown", "none", "roas", "cpa"};
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < turns_.size(); ++i) {
    const int k = static_cast<int>(i);
    per_agent.push_back({{"agent", turns_.agents()[i]},
                         {"constraint", kNames[static_cast<int>(constraint_[i])]},
                         {"lambda", lambda_[i]},
                         {"mu", mu_[i]},
                         {"value_coefficient", value_coefficient(k)},
                         {"multiplier", multiplier(k)}});
  }
  return {{"algorithm", "constrained_bidding"}, {"agents", std::move(per_agent)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  ConstrainedBiddingConfig config;
  config.kappa = params.at("objective").get<std::string>() == "surplus" ? 1.0 : 0.0;
  config.constraint_step = params.at("constraint_step").get<double>();
  config.initial_lambda = params.at("initial_lambda").get<double>();
  config.lambda_max = params.at("lambda_max").get<double>();
  config.pace_budget = params.at("pace_budget").get<bool>();
  config.budget_step = params.at("budget_step").get<double>();
  config.mu_max = params.at("mu_max").get<double>();
  config.target = spend_target_mode(params.at("target").get<std::string>());
  config.budget_fraction = params.at("budget_fraction").get<double>();
  if (config.initial_lambda > config.lambda_max) {
    throw ConfigError(join_path(join_path(ctx.path, "params"), "initial_lambda"),
                      "must be at most lambda_max (" + format_number(config.lambda_max) +
                          "), got " + format_number(config.initial_lambda));
  }
  return std::make_unique<ConstrainedBidding>(ctx, config);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "constrained_bidding",
     "CPA/ROAS-constrained autobidder: bid multiplier from the Lagrangian, duals by descent.",
     "Maximises value (or surplus) subject to a ROAS or CPA target and optionally the daily "
     "budget. The Lagrangian bid in a truthful auction is m · value with m = (1 + λc) / "
     "(κ + λ + μ), c = 1 / target_roas (CPA: target_cpa × observed conversions per unit value), "
     "κ = 0 for value and 1 for surplus (Aggarwal, Badanidiyuru & Mehta 2019). λ follows the "
     "relative constraint slack and μ the normalised spend error by projected dual descent "
     "(Balseiro, Lu & Mirrokni 2021). Reads target_roas / target_cpa from the observation: "
     "both > 0 is a ConfigError, neither leaves λ = 0. Needs the advertiser observation labels "
     "of docs/autobidding.md and a 'multiplier' action.",
     {param::text("objective", "value", {"value", "surplus"},
                  "what is maximised: total value (autobidding) or value − spend"),
      positive_real("constraint_step", 0.2, "η: dual step per unit of relative constraint slack"),
      param::real("initial_lambda", 1.0, "λ at the start").range(0.0, std::nullopt),
      positive_real("lambda_max", 100.0, "cap on λ"),
      param::boolean("pace_budget", true, "pace the daily budget with μ when it is > 0"),
      positive_real("budget_step", 0.1, "ε: budget dual step (as dual_pacing's step_size)"),
      positive_real("mu_max", 100.0, "cap on μ"), spend_target_param(), budget_fraction_param()}},
    &make);

}  // namespace
}  // namespace agora
