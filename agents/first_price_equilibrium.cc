#include "agents/first_price_equilibrium.h"

namespace agora {

FirstPriceEquilibriumBidder::FirstPriceEquilibriumBidder(const PolicyContext& ctx, int bidders,
                                                         double low)
    : bid_action_(*ctx.role, join_path(ctx.path, "type"), /*needs_value=*/true),
      agents_(ctx.agents),
      bidders_(bidders),
      low_(low),
      shade_above_low_(static_cast<double>(bidders - 1) / bidders) {}

void FirstPriceEquilibriumBidder::act(const RowBatch& observations, const BoolArray& active,
                                      RowBatch& actions) {
  for (const int agent : agents_) {
    if (!active(agent)) continue;
    const double value = bid_action_.value(observations, agent);
    bid_action_.write(actions, agent, bid_action_.action_for_bid(bid(value), value));
  }
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  const Json& n = params.at("n");
  const int bidders = n.is_null() ? ctx.role->pool_size : n.get<int>();
  return std::make_unique<FirstPriceEquilibriumBidder>(ctx, bidders,
                                                       params.at("low").get<double>());
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "first_price_equilibrium",
     "Symmetric first-price equilibrium bid low + (n−1)/n (v − low) for iid U[low, high].",
     "For n risk-neutral bidders with iid U[low, high] values in a first-price auction without "
     "reserve, the symmetric Bayes–Nash equilibrium is b(v) = low + (n−1)/n · (v − low) "
     "(Vickrey 1961; Krishna, Auction Theory, 2010, ch. 2.2). Values below `low` are bid "
     "truthfully; in a 'shade' action space the agent plays b(v)/v; actions are clipped to the "
     "action-space bounds.",
     {param::integer("n", nullptr, "number of bidders; null = the role's pool size")
          .range(1, std::nullopt)
          .allow_null(),
      param::real("low", 0.0, "lower end of the value support").range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
