// Second-price sealed-bid auction (Vickrey 1961); with several slots, each of the k highest
// bids at or above the reserve wins a slot in order and pays per click the next-highest bid
// (or the reserve, whichever is larger) — the generalized second price rule with all
// qualities equal (Edelman, Ostrovsky & Schwarz 2007; Varian 2007). With one slot truthful
// bidding is dominant and, for n iid U[0,1] values, expected revenue is (n-1)/(n+1).
// Quality-weighted GSP and VCG live in their own units.
//
// Parameters: reserve (>= 0, default 0).
#pragma once

#include "mechanisms/mechanism.h"

namespace agora {

class SecondPrice final : public Mechanism {
 public:
  explicit SecondPrice(double reserve) : reserve_(reserve) {}
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
