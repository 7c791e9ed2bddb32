#include "mechanisms/second_price.h"

#include <algorithm>
#include <vector>

#include "mechanisms/rank_by_bid.h"

namespace agora {

void SecondPrice::run(const double* bids, int auctions, int bidders, std::span<const double> ctr,
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
        second = ranked[1];
      }
      const bool filled = row[best] >= reserve_;
      const double next_bid = second >= 0 ? row[second] : 0.0;
      out.winner(a, 0) = filled ? best : -1;
      out.price(a, 0) = filled ? std::max(next_bid, reserve_) : 0.0;
    }
    return;
  }
  for (int a = 0; a < auctions; ++a) {
    const double* row = bids + static_cast<std::ptrdiff_t>(a) * bidders;
    const int m = rank_by_bid(row, bidders, k, ranked, rng);
    for (int s = 0; s < k; ++s) {
      const bool filled = s < m && row[ranked[s]] >= reserve_;
      const double next_bid = s + 1 < m ? row[ranked[s + 1]] : 0.0;
      out.winner(a, s) = filled ? ranked[s] : -1;
      out.price(a, s) = filled ? std::max(next_bid, reserve_) : 0.0;
    }
  }
}

DeviationOutcome SecondPrice::deviation(std::span<const double> others_desc, double bid,
                                        std::span<const double> ctr) const {
  DeviationOutcome result;
  const double reserve = reserve_;
  average_over_tie_positions(
      others_desc, bid, ctr, reserve_,
      [reserve](double next_below) { return std::max(next_below, reserve); }, result.clicks,
      result.payment);
  return result;
}

void SecondPrice::deviations(std::span<const double> others_desc, std::span<const double> bids,
                             std::span<const double> ctr, std::span<double> clicks,
                             std::span<double> payments) const {
  if (ctr.size() == 1) {
    one_slot_deviations<false>(others_desc, bids, ctr[0], reserve_, clicks, payments);
    return;
  }
  const double reserve = reserve_;
  for (std::size_t c = 0; c < bids.size(); ++c) {
    average_over_tie_positions(
        others_desc, bids[c], ctr, reserve_,
        [reserve](double next_below) { return std::max(next_below, reserve); }, clicks[c],
        payments[c]);
  }
}

namespace {

std::unique_ptr<Mechanism> make(const Json& params) {
  return std::make_unique<SecondPrice>(params.at("reserve").get<double>());
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "second_price",
     "Second-price sealed bid (Vickrey); unit-quality GSP with several slots.",
     "The k highest bids at or above the reserve win the slots in order; each winner pays per "
     "click the larger of the reserve and the next-highest bid. Ties are broken uniformly at "
     "random. Vickrey (1961); Edelman, Ostrovsky & Schwarz (2007); Varian (2007).",
     {param::real("reserve", 0.0, "minimum bid per click; bids equal to it may win")
          .range(0.0, std::nullopt)}},
    &make);

}  // namespace
}  // namespace agora
