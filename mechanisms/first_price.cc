// Mechanism `first_price`: first-price sealed bid; with several slots the generalized first
// price (GFP) position auction — winners pay their own bid per click (or per impression).
// Theory: with n iid U[0,1] values and one slot the symmetric Bayes-Nash equilibrium bid is
// (n-1)/n v and expected revenue (n-1)/(n+1) (Vickrey 1961; Krishna, Auction Theory, 2nd ed.,
// ch. 2). GFP in sponsored search: Edelman, Ostrovsky & Schwarz (2007).
#include "mechanisms/mechanism_params.h"

namespace agora {
namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<PositionAuction>(position_auction_config(PriceRule::kFirstPrice, params));
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "first_price",
     "First-price sealed bid; generalized first price (GFP) with several slots.",
     "Eligible bidders (bid >= reserve) are ranked by score b q^α + w e; the k best win the "
     "slots in order and pay their own bid per click (per impression with pricing "
     "\"per_impression\"). Ties are broken uniformly at random. Vickrey (1961); Krishna, "
     "Auction Theory (2010) ch. 2; Edelman, Ostrovsky & Schwarz (2007); Lahaie & Pennock "
     "(2007) for the score.",
     position_auction_params(SharedParams::kReserves | SharedParams::kScore |
                             SharedParams::kPricing)},
    &make);

}  // namespace
}  // namespace agora
