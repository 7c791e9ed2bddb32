#include "mechanisms/first_price.h"

#include <array>
#include <vector>

#include "mechanisms/rank_by_bid.h"

namespace agora {

void FirstPrice::run(const double* bids, int auctions, int bidders, std::span<const double> ctr,
                     AuctionOutcome& out, Rng& rng) const {
  const int k = static_cast<int>(ctr.size());
  out.resize(auctions, k);
  thread_local std::vector<int> ranked;
  ranked.resize(k + 1);
  if (k == 1 && bidders >= 1) {  // the common case, without the general ranking's bookkeeping
    for (int a = 0; a < auctions; ++a) {
      const double* row = bids + static_cast<std::ptrdiff_t>(a) * bidders;
      int best, second;
      if (!top_two_untied(row, bidders, best, second)) {
        rank_by_bid(row, bidders, 1, ranked, rng);
        best = ranked[0];
      }
      const bool filled = row[best] >= reserve_;
      out.winner(a, 0) = filled ? best : -1;
      out.price(a, 0) = filled ? row[best] : 0.0;
    }
    return;
  }
  for (int a = 0; a < auctions; ++a) {
    const double* row = bids + static_cast<std::ptrdiff_t>(a) * bidders;
    const int m = rank_by_bid(row, bidders, k, ranked, rng);
    for (int s = 0; s < k; ++s) {
      const bool filled = s < m && row[ranked[s]] >= reserve_;
      out.winner(a, s) = filled ? ranked[s] : -1;
      out.price(a, s) = filled ? row[ranked[s]] : 0.0;
    }
  }
}

DeviationOutcome FirstPrice::deviation(std::span<const double> others_desc, double bid,
                                       std::span<const double> ctr) const {
  DeviationOutcome result;
  average_over_tie_positions(others_desc, bid, ctr, reserve_, [bid](double) { return bid; },
                             result.clicks, result.payment);
  return result;
}

void FirstPrice::deviations(std::span<const double> others_desc, std::span<const double> bids,
                            std::span<const double> ctr, std::span<double> clicks,
                            std::span<double> payments) const {
  if (ctr.size() == 1) {
    one_slot_deviations<true>(others_desc, bids, ctr[0], reserve_, clicks, payments);
    return;
  }
  for (std::size_t c = 0; c < bids.size(); ++c) {
    const double bid = bids[c];
    average_over_tie_positions(others_desc, bid, ctr, reserve_, [bid](double) { return bid; },
                               clicks[c], payments[c]);
  }
}

namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<FirstPrice>(params.at("reserve").get<double>());
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "first_price",
     "First-price sealed bid; generalized first price with several slots.",
     "The k highest bids at or above the reserve win the slots in order; each winner pays its "
     "own bid per click. Ties are broken uniformly at random. Vickrey (1961); Krishna, Auction "
     "Theory (2010) ch. 2; Edelman, Ostrovsky & Schwarz (2007).",
     {param::real("reserve", 0.0, "minimum bid per click; bids equal to it may win")
          .range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
