#include "agents/autobidding/fixed_multiplier.h"

namespace agora {

FixedMultiplier::FixedMultiplier(const PolicyContext& ctx, double multiplier)
    : signals_(*ctx.role, join_path(ctx.path, "type"), {}),
      multiplier_(signals_.clip(multiplier)),
      agents_(ctx.agents),
      left_(ctx.agents.size(), 0) {}

void FixedMultiplier::act(const RowBatch& /*observations*/, const BoolArray& active,
                          RowBatch& actions) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (active(agents_[i]) && !left_[i]) signals_.write(actions, agents_[i], multiplier_);
  }
}

void FixedMultiplier::learn(const Transition& transition) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (transition.outcome.terminated(agents_[i])) left_[i] = 1;
  }
}

Json FixedMultiplier::strategy() const {
  return {{"algorithm", "fixed_multiplier"}, {"multiplier", multiplier_}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<FixedMultiplier>(ctx, params.at("multiplier").get<double>());
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "fixed_multiplier",
     "Bids a constant multiplier × value per click (1 = truthful value bidding).",
     "Plays the bid multiplier m in every step (bid = m · value per click), clipped to the "
     "action's bounds; m = 1 is truthful bidding, optimal without budget or ROI constraints in "
     "a truthful auction. The baseline for the autobidding agents (docs/autobidding.md).",
     {param::real("multiplier", 1.0, "the bid multiplier").range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
