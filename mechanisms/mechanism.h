// The mechanism interface: a sealed-bid auction rule as a pure function over a batch.
//
// Input: a batch of auctions, each with the bids of the same `bidders` (row-major, one row per
// auction) and slot click-through rates `ctr` (non-increasing, one per slot). Output, per
// auction and slot: the winning bidder (-1 if the slot stays empty) and the price per click.
// A bidder in slot s gets ctr[s] expected clicks and pays price * ctr[s]; bids and values are
// per click. Bidders whose bid is below the reserve never win; a bid equal to the reserve
// may. Ties are broken uniformly at random with the caller's RNG; the hot path allocates
// nothing.
//
// deviation() answers the counterfactual question every full-information learner and every
// incentive diagnostic asks: a bidder bidding `bid` against the other bids, what expected
// clicks and payment does it get (in expectation over the random tie-break)?
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <span>

#include "core/registry.h"
#include "core/rng.h"

namespace agora {

using IndexBatch = Eigen::Array<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using PriceBatch = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct AuctionOutcome {
  IndexBatch winner;  // auctions x slots, -1 for an empty slot
  PriceBatch price;   // auctions x slots, price per click (0 for an empty slot)
  void resize(Eigen::Index auctions, Eigen::Index slots) {
    if (winner.rows() != auctions || winner.cols() != slots) {
      winner.resize(auctions, slots);
      price.resize(auctions, slots);
    }
  }
};

struct DeviationOutcome {
  double clicks = 0.0;   // expected clicks
  double payment = 0.0;  // expected payment
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;
  // bids: auctions x bidders, row-major. out is resized to auctions x ctr.size().
  virtual void run(const double* bids, int auctions, int bidders, std::span<const double> ctr,
                   AuctionOutcome& out, Rng& rng) const = 0;
  // others_desc: the other bidders' bids sorted in decreasing order: all of them, or at least
  // the ctr.size() + 1 highest together with every other bid equal to the last one kept (a
  // tie is averaged over all the tied bidders, so none of them may be cut off).
  virtual DeviationOutcome deviation(std::span<const double> others_desc, double bid,
                                     std::span<const double> ctr) const = 0;
  // deviation() for many candidate bids at once (the full-information learners' hot path);
  // results are identical to deviation()'s.
  virtual void deviations(std::span<const double> others_desc, std::span<const double> bids,
                          std::span<const double> ctr, std::span<double> clicks,
                          std::span<double> payments) const;
  virtual double reserve() const = 0;
};

using MechanismFactory = std::unique_ptr<Mechanism> (*)(const Json& params);
using MechanismRegistry = Registry<MechanismFactory>;

// Validates params against the registered spec and builds the mechanism.
std::unique_ptr<Mechanism> make_mechanism(const std::string& name, const Json& params,
                                          const std::string& path);

}  // namespace agora
