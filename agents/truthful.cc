#include "agents/truthful.h"

namespace agora {

TruthfulBidder::TruthfulBidder(const PolicyContext& ctx)
    : bid_action_(*ctx.role, join_path(ctx.path, "type"), /*needs_value=*/true),
      agents_(ctx.agents) {}

void TruthfulBidder::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  for (const int agent : agents_) {
    if (!active(agent)) continue;
    const double value = bid_action_.value(observations, agent);
    bid_action_.write(actions, agent, bid_action_.action_for_shade(1.0, value));
  }
}

namespace {

std::unique_ptr<Policy> make(const Json& /*params*/, const PolicyContext& ctx) {
  return std::make_unique<TruthfulBidder>(ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "truthful",
     "Bids its value (shade 1), clipped to the action bounds.",
     "Bids b(v) = v per click; in a 'shade' action space plays shade 1. Dominant strategy in "
     "the second-price auction (Vickrey 1961); a baseline elsewhere. Bids are clipped to the "
     "action-space bounds.",
     {}},
    &make);

}  // namespace
}  // namespace agora
