#include "agents/linear_thompson.h"

#include "agents/grid_learner.h"

namespace agora {
namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<ContextualBandit<LinearThompsonRule>>(
      params, ctx, LinearThompsonRule(params.at("posterior_scale").get<double>()));
}

ParamSpecs linear_thompson_params() {
  ParamSpecs specs = linear_bandit_params();
  specs.push_back(
      positive_real("posterior_scale", 1.0, "v: θ̃_a ~ N(θ_a, v² A_a⁻¹); the reward noise scale"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "linear_thompson",
     "Linear Thompson sampling over a grid of one action (own reward only), linear in the "
     "observation.",
     "Every grid point (arm) has a ridge posterior N(θ_a, v² A_a⁻¹) of the reward's linear "
     "model on the context (the observation's chosen features, normalized to [0, 1], plus a "
     "bias), A_a⁻¹ updated by Sherman–Morrison; each round draws θ̃_a for every arm (exactly, "
     "through the score θ̃_aᵀx ~ N(θ_aᵀx, v² xᵀA_a⁻¹x)) and plays the best. One learner per "
     "agent. Agrawal & Goyal, ICML (2013).",
     linear_thompson_params()},
    &make);

}  // namespace
}  // namespace agora
