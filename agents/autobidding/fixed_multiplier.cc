#include "agents/autobidding/fixed_multiplier.h"

namespace agora {

FixedMultiplier::FixedMultiplier(const PolicyContext& ctx, double multiplier)
    : signals_(*ctx.role, join_path(ctx.path, "type"), {}),
      multiplier_(signals_.clip(multiplier)),
      turns_(ctx.agents) {}

void FixedMultiplier::act(const RowBatch& /*observations*/, const BoolArray& active,
                          RowBatch& actions) {
  turns_.act(active, [&](std::size_t, int agent) { signals_.write(actions, agent, multiplier_); });
}

void FixedMultiplier::learn(const Transition& transition) {
  turns_.learn(transition.outcome, [](std::size_t, int) {});
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
