// Mechanism `vcg`: Vickrey-Clarke-Groves for position auctions. Slots go to the k best scores;
// the winner of slot s pays Σ_{t>=s} (u_t - u_{t+1}) θ_i(O_t), the externality it imposes on
// the bidders below (with α = 1, w = 0: Σ (ctr_t - ctr_{t+1}) (score of the bidder ranked
// t+1)). Truthful bidding is dominant. With α != 1 or w != 0 the rule is the threshold
// (Myerson payment identity) price of the score-ranking allocation, which keeps truthfulness.
// Vickrey (1961), Clarke (1971), Groves (1973); Aggarwal, Goel & Motwani (2006); Varian (2007);
// Edelman, Ostrovsky & Schwarz (2007).
#include "mechanisms/mechanism_params.h"

namespace agora {
namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<PositionAuction>(position_auction_config(PriceRule::kVcg, params));
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "vcg", "VCG position auction: each winner pays its externality; truthful.",
     "Eligible bidders (bid >= reserve) are ranked by score b q^α + w e; the k best win the "
     "slots in order. The winner of slot s pays Σ_{t>=s} (u_t - u_{t+1}) θ(O_t), where u_t is "
     "its quantity in slot t (ctr_t q per click, 1 per impression) and θ(O_t) the least bid "
     "beating the t-th best other score (at least its reserve): the VCG externality payment "
     "for α = 1, w = 0, and in general the truthful threshold price. Clarke (1971); Groves "
     "(1973); Aggarwal, Goel & Motwani (2006); Varian (2007).",
     position_auction_params(SharedParams::kReserves | SharedParams::kScore |
                             SharedParams::kPricing)},
    &make);

}  // namespace
}  // namespace agora
