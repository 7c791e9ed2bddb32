// The mechanism interface: a sealed-bid position auction rule as a pure function over a batch.
//
// Model (Varian 2007; Edelman, Ostrovsky & Schwarz 2007): n bidders compete for k slots with
// position effects ctr[0] >= ... >= ctr[k-1]. Bidder i has a quality q_i > 0 (e.g. its
// predicted click-through rate; 1 when not given) and an optional additive term e_i (e.g. the
// predicted value of the ad to the user; 0 when not given). In slot s it gets ctr[s] * q_i
// expected clicks. Bids are per click (pricing "per_click", the default) or per impression
// (pricing "per_impression"). Every mechanism ranks eligible bidders by a score that increases
// with the bid — b q^α + w e for the standard rules (Lahaie & Pennock 2007), the virtual value
// for Myerson — fills the slots in score order, and prices the winners by its own rule.
//
// Ties in score are broken uniformly at random with the caller's RNG; the hot path allocates
// nothing once warm. Bids must be finite and >= 0, qualities finite and > 0: envs check them
// before calling (a NaN bid is a ConfigError there, exit code 2).
//
// deviation_profile() answers the counterfactual question every full-information learner and
// every incentive diagnostic asks: with everything else fixed, how do a bidder's expected
// clicks and payment depend on its own bid? The answer is piecewise linear with breakpoints at
// the bids that tie another bidder's score (and at the reserves), where the value is the
// expectation over the random tie-break.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>

#include "core/piecewise_linear.h"
#include "core/registry.h"
#include "core/rng.h"

namespace agora {

using IndexBatch = Eigen::Array<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using PriceBatch = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Terms a caller sets for one batch on top of the mechanism's own parameters, e.g. a platform
// that chooses the reserve or the weight of quality every period (envs/auction.h). The
// defaults leave the mechanism's rule unchanged.
struct BatchTerms {
  // A hard reserve on bids for every bidder, finite and >= 0: bidder i's bid reserve becomes
  // max(r_i, reserve), r_i the mechanism's own.
  double reserve = 0.0;
  // α in the score b q^α + w e for this batch, finite and >= 0; NaN: the mechanism's own.
  // Mechanisms without a quality exponent (Myerson) ignore it.
  double quality_exponent = std::numeric_limits<double>::quiet_NaN();
};

// A batch of auctions among the same bidders; arrays are auctions x bidders, row-major.
struct AuctionBatch {
  const double* bids = nullptr;
  const double* quality = nullptr;   // null: every quality is 1
  const double* additive = nullptr;  // null: every additive term is 0
  int auctions = 0;
  int bidders = 0;
  std::span<const double> ctr;  // position effects, one per slot, non-increasing
  BatchTerms terms{};           // the batch's reserve and quality exponent
};

struct AuctionOutcome {
  IndexBatch winner;          // auctions x slots: the bidder in the slot, -1 when empty
  PriceBatch price;           // auctions x slots: price per click or impression (0 if empty)
  PriceBatch clearing_score;  // auctions x slots: score of the next-ranked eligible bidder,
                              // the one the winner had to beat (NaN when there is none)
  Eigen::ArrayXi runner_up;   // auctions: highest-ranked eligible bidder without a slot, or -1
  PriceBatch score;           // auctions x bidders: ranking scores (-inf: below the reserve)
  PriceBatch clicks;          // auctions x bidders: expected clicks
  PriceBatch payment;         // auctions x bidders: expected payment (losers pay in all-pay)
  bool losers_pay = false;    // whether bidders without a slot may have a non-zero payment
  void resize(Eigen::Index auctions, Eigen::Index slots, Eigen::Index bidders);
};

// What a bidder gets for one bid: expected clicks and payment (over the random tie-break).
struct DeviationOutcome {
  double clicks = 0.0;
  double payment = 0.0;
};

// Clicks and payment as functions of the bidder's own bid, with the same breakpoints.
struct DeviationProfile {
  PiecewiseLinear clicks;
  PiecewiseLinear payment;
  DeviationOutcome at(double bid) const { return {clicks(bid), payment(bid)}; }
  // value * clicks - payment, as a function of the bid.
  void utility(double value, PiecewiseLinear& out) const;
};

// The bidder whose deviations are asked about, with its quality and additive term, and the
// terms of the batch its auction belongs to.
struct BidderView {
  int bidder = 0;
  double quality = 1.0;
  double additive = 0.0;
  BatchTerms terms{};
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;

  // Allocates and prices every auction of the batch; out is resized.
  virtual void run(const AuctionBatch& batch, AuctionOutcome& out, Rng& rng) const = 0;

  // The ranking score of a bid, -inf when the bid is below the bidder's reserve.
  virtual double score(const BidderView& view, double bid) const = 0;

  // others_desc: the other bidders' finite scores (eligible bidders only), decreasing: all of
  // them, or at least the ctr.size() highest together with every score equal to the last one
  // kept (a tie is averaged over all the tied bidders).
  virtual void deviation_profile(std::span<const double> others_desc, const BidderView& view,
                                 std::span<const double> ctr, DeviationProfile& out) const = 0;

  // The bidder's utility value * clicks - payment as a function of its own bid: exactly (bit
  // for bit) deviation_profile() followed by DeviationProfile::utility(value). The default does
  // just that; a mechanism may override it with a fused computation.
  virtual void utility_profile(std::span<const double> others_desc, const BidderView& view,
                               std::span<const double> ctr, double value,
                               PiecewiseLinear& out) const;

  // Checks the parameters that depend on the number of bidders (per-bidder reserves or value
  // distributions) and the number of slots; throws ConfigError naming `path`.
  virtual void check_market(int bidders, int slots, const std::string& path) const;

  // Conveniences over deviation_profile(), computing the others' scores from auction `a`.
  void deviation_profile(const AuctionBatch& batch, int auction, int bidder,
                         DeviationProfile& out) const;
  DeviationOutcome deviation(const AuctionBatch& batch, int auction, int bidder, double bid) const;
};

using MechanismFactory = std::unique_ptr<Mechanism> (*)(const Json& params);
using MechanismRegistry = Registry<MechanismFactory>;

// Validates params against the registered spec and builds the mechanism.
std::unique_ptr<Mechanism> make_mechanism(const std::string& name, const Json& params,
                                          const std::string& path);

}  // namespace agora
