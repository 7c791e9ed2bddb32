// Helpers shared by the mechanism tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace agora::testing {

inline std::unique_ptr<Mechanism> mechanism(const std::string& name,
                                            const Json& params = Json::object()) {
  return make_mechanism(name, params, "mechanism");
}

// One auction among bids.size() bidders; quality and additive empty = 1 and 0.
struct Auction {
  std::vector<double> bids;
  std::vector<double> ctr = {1.0};
  std::vector<double> quality;
  std::vector<double> additive;
  AuctionBatch batch() const {
    return {bids.data(), quality.empty() ? nullptr : quality.data(),
            additive.empty() ? nullptr : additive.data(), 1, static_cast<int>(bids.size()), ctr};
  }
};

inline AuctionOutcome run_one(const Mechanism& m, const Auction& auction, Rng& rng) {
  AuctionOutcome out;
  m.run(auction.batch(), out, rng);
  return out;
}

// Random non-increasing click-through rates for k slots.
inline std::vector<double> random_ctr(int k, Rng& rng) {
  boost::random::uniform_real_distribution<double> unit(0.05, 1.0);
  std::vector<double> ctr(static_cast<std::size_t>(k));
  for (double& c : ctr) c = unit(rng);
  std::sort(ctr.begin(), ctr.end(), std::greater<>());
  return ctr;
}

}  // namespace agora::testing
