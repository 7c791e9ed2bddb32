// Mechanisms `gsp` and `second_price` (the same rule under two names): the generalized second
// price position auction. Each winner pays the least bid that keeps its slot: the score of the
// bidder below, converted back to a bid, θ_i(O_s) = max(r_i, (O_s - w e_i) / q_i^α). With one
// slot and unit quality this is Vickrey's second-price auction, where truthful bidding is
// dominant; with several slots truthful bidding is not an equilibrium, and the lowest
// envy-free equilibrium of GSP yields the VCG payments (Edelman, Ostrovsky & Schwarz 2007;
// Varian 2007). Optional soft floor: Zeithammer (2019), "Soft floors in auctions".
#include "mechanisms/mechanism_params.h"

namespace agora {
namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<PositionAuction>(
      position_auction_config(PriceRule::kSecondPrice, params));
}

constexpr const char* kModel =
    "Eligible bidders (bid >= reserve) are ranked by score b q^α + w e; the k best win the "
    "slots in order; each pays per click (or impression) the least bid that keeps its slot, "
    "max(its reserve, (next score - w e) / q^α). A soft floor f: winners bidding below f pay "
    "their bid, the others max(GSP price, f). Ties are broken uniformly at random. Vickrey "
    "(1961); Edelman, Ostrovsky & Schwarz (2007); Varian (2007); Lahaie & Pennock (2007); "
    "Zeithammer (2019).";

ParamSpecs params() {
  return position_auction_params(SharedParams::kReserves | SharedParams::kScore |
                                 SharedParams::kPricing | SharedParams::kSoftFloor);
}

const bool registered_second_price = MechanismRegistry::instance().add(
    {"mechanism", "second_price",
     "Second-price sealed bid (Vickrey); with several slots the same rule as gsp.", kModel,
     params()},
    &make);

const bool registered_gsp = MechanismRegistry::instance().add(
    {"mechanism", "gsp", "Generalized second price position auction with score ranking.", kModel,
     params()},
    &make);

}  // namespace
}  // namespace agora
