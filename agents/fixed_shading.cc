#include "agents/fixed_shading.h"

namespace agora {

FixedShadingBidder::FixedShadingBidder(const PolicyContext& ctx, double shade)
    : bid_action_(*ctx.role, join_path(ctx.path, "type"), /*needs_value=*/true),
      agents_(ctx.agents),
      shade_(shade) {}

void FixedShadingBidder::act(const RowBatch& observations, const BoolArray& active,
                             RowBatch& actions) {
  for (const int agent : agents_) {
    if (!active(agent)) continue;
    const double value = bid_action_.value(observations, agent);
    bid_action_.write(actions, agent, bid_action_.action_for_shade(shade_, value));
  }
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<FixedShadingBidder>(ctx, params.at("shade").get<double>());
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "fixed_shading",
     "Bids shade × value, clipped to the action bounds.",
     "Bids b(v) = shade · v per click (in a 'shade' action space plays `shade`), clipped to "
     "the action-space bounds. shade = (n−1)/n is the symmetric first-price equilibrium for n "
     "bidders with iid U[0, h] values (Krishna, Auction Theory, 2010, ch. 2); shade = 1 is "
     "truthful.",
     {param::real("shade", 0.5, "bid per click as a fraction of the value")
          .range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
