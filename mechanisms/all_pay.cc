// Mechanism `all_pay`: every eligible bidder pays its bid, win or lose; the k best scores win
// the slots. The bid is a payment per auction (per impression opportunity), so `pricing` does
// not apply. Theory: with n iid U[0,1] values, one slot and ctr 1, the symmetric equilibrium bid
// is (n-1)/n v^n and expected revenue (n-1)/(n+1), as in first and second price (revenue
// equivalence; Krishna, Auction Theory, 2nd ed., §2.5 and ch. 3). With ctr c the bids scale
// by c.
#include "mechanisms/mechanism_params.h"

namespace agora {
namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<PositionAuction>(position_auction_config(PriceRule::kAllPay, params));
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "all_pay", "All-pay auction: every eligible bidder pays its bid.",
     "Eligible bidders (bid >= reserve) are ranked by score b q^α + w e and the k best win the "
     "slots in order; every eligible bidder pays its bid once per auction, win or lose (bids "
     "below the reserve are not entered and pay nothing). Krishna, Auction Theory (2010) "
     "§2.5; Baye, Kovenock & de Vries (1996).",
     position_auction_params(SharedParams::kReserves | SharedParams::kScore)},
    &make);

}  // namespace
}  // namespace agora
