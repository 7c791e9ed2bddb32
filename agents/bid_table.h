// Bid-table bidder: a fixed bid function of the value, given as a table.
//
// Model: points v_0 < v_1 < ... < v_{m-1} (`values`) and outputs a_0, ..., a_{m-1} (`bids`):
//   interpolation "linear"  a(v) linear between neighbouring points, a_0 below v_0 and a_{m-1}
//                           above v_{m-1};
//   interpolation "step"    a(v) = a_j for v_j <= v < v_{j+1}, a_0 below v_0 (value buckets with
//                           lower edges v_j).
// With units "bid" the bidder bids a(v) per click; with "shade" it bids a(v) × v. As every
// bidder it writes the env's action units (a shade b/v in a "shade" action space) and clips to
// the action bounds. It draws nothing and does not learn. This is the form of the bid
// functions computed by the Bayes–Nash equilibrium solver (experiments/bne_solver.h) and of the
// best responses PSRO adds to its population (experiments/psro.h).
//
// Parameters:
//   values         list of numbers, required, strictly increasing   the points v_j
//   bids           list of numbers >= 0, required, one per value     the outputs a_j
//   interpolation  "linear" | "step", default "linear"
//   units          "bid" | "shade", default "bid"                     what a_j means
#pragma once

#include <vector>

#include "agents/bid_action.h"
#include "agents/policy.h"

namespace agora {

class BidTableBidder : public Policy {
 public:
  enum class Interpolation { kLinear, kStep };
  enum class Units { kBid, kShade };

  // values strictly increasing, bids >= 0 of the same (non-zero) length; ConfigError at
  // ctx.path + ".params.<key>" otherwise.
  BidTableBidder(const PolicyContext& ctx, std::vector<double> values, std::vector<double> bids,
                 Interpolation interpolation, Units units);
  void act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) override;
  Json strategy() const override;

  // a(v) in the table's units.
  double output(double value) const;
  // The bid per click at value v (a(v) × v for shade units).
  double bid(double value) const {
    return units_ == Units::kBid ? output(value) : output(value) * value;
  }

 private:
  BidAction bid_action_;
  std::vector<int> agents_;
  const std::vector<double> values_;
  const std::vector<double> bids_;
  const Interpolation interpolation_;
  const Units units_;
};

}  // namespace agora
