#include "mechanisms/mechanism.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "core/error.h"

namespace agora {

void AuctionOutcome::resize(Eigen::Index auctions, Eigen::Index slots, Eigen::Index bidders) {
  if (winner.rows() != auctions || winner.cols() != slots) {
    winner.resize(auctions, slots);
    price.resize(auctions, slots);
    clearing_score.resize(auctions, slots);
    runner_up.resize(auctions);
  }
  if (clicks.rows() != auctions || clicks.cols() != bidders) {
    clicks.resize(auctions, bidders);
    score.resize(auctions, bidders);
    payment.resize(auctions, bidders);
  }
}

void DeviationProfile::utility(double value, PiecewiseLinear& out) const {
  out.clear();
  const auto c = clicks.pieces();
  const auto p = payment.pieces();
  AGORA_CHECK_EQ(c.size(), p.size());
  for (std::size_t j = 0; j < c.size(); ++j) {
    out.push(c[j].from, value * c[j].at - p[j].at, value * c[j].intercept - p[j].intercept,
             value * c[j].slope - p[j].slope);
  }
}

void Mechanism::utility_profile(std::span<const double> others_desc, const BidderView& view,
                                std::span<const double> ctr, double value,
                                PiecewiseLinear& out) const {
  thread_local DeviationProfile profile;
  deviation_profile(others_desc, view, ctr, profile);
  profile.utility(value, out);
}

void Mechanism::check_market(int /*bidders*/, int /*slots*/, const std::string& /*path*/) const {}

void Mechanism::deviation_profile(const AuctionBatch& batch, int auction, int bidder,
                                  DeviationProfile& out) const {
  AGORA_CHECK(auction >= 0 && auction < batch.auctions);
  AGORA_CHECK(bidder >= 0 && bidder < batch.bidders);
  const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(auction) * batch.bidders;
  const auto view_of = [&](int i) {
    return BidderView{i, batch.quality ? batch.quality[row + i] : 1.0,
                      batch.additive ? batch.additive[row + i] : 0.0, batch.terms};
  };
  std::vector<double> others;
  for (int i = 0; i < batch.bidders; ++i) {
    if (i == bidder) continue;
    const double s = score(view_of(i), batch.bids[row + i]);
    if (s > -INFINITY) others.push_back(s);
  }
  std::sort(others.begin(), others.end(), std::greater<>());
  deviation_profile(others, view_of(bidder), batch.ctr, out);
}

DeviationOutcome Mechanism::deviation(const AuctionBatch& batch, int auction, int bidder,
                                      double bid) const {
  DeviationProfile profile;
  deviation_profile(batch, auction, bidder, profile);
  return profile.at(bid);
}

std::unique_ptr<Mechanism> make_mechanism(const std::string& name, const Json& params,
                                          const std::string& path) {
  const auto& entry = MechanismRegistry::instance().get(name, join_path(path, "name"));
  const Json effective = validate_params(params, entry.info.params, join_path(path, "params"));
  return entry.factory(effective);
}

}  // namespace agora
