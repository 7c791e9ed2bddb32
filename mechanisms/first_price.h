// First-price sealed-bid auction; with several slots, the generalized first-price (GFP)
// position auction: the k highest bids at or above the reserve win the slots in order and
// each winner pays its own bid per click.
//
// Parameters: reserve (>= 0, default 0), a minimum bid per click.
// Theory: with n iid U[0,1] values and one slot, the symmetric Bayes-Nash equilibrium bid is
// b(v) = (n-1)/n * v and expected revenue is (n-1)/(n+1) (Vickrey 1961; Krishna, Auction
// Theory, 2nd ed., ch. 2). GFP in sponsored search: Edelman, Ostrovsky & Schwarz (2007).
#pragma once

#include "mechanisms/mechanism.h"

namespace agora {

class FirstPrice final : public Mechanism {
 public:
  explicit FirstPrice(double reserve) : reserve_(reserve) {}
  void run(const double* bids, int auctions, int bidders, std::span<const double> ctr,
           AuctionOutcome& out, Rng& rng) const override;
  DeviationOutcome deviation(std::span<const double> others_desc, double bid,
                             std::span<const double> ctr) const override;
  void deviations(std::span<const double> others_desc, std::span<const double> bids,
                  std::span<const double> ctr, std::span<double> clicks,
                  std::span<double> payments) const override;
  double reserve() const override { return reserve_; }

 private:
  const double reserve_;
};

}  // namespace agora
