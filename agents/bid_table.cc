#include "agents/bid_table.h"

#include <algorithm>

#include "core/error.h"

namespace agora {

namespace {

std::vector<double> checked_values(std::vector<double> values, const std::string& path) {
  if (values.empty())
    throw ConfigError(join_path(path, "params.values"), "needs at least one point");
  for (std::size_t j = 1; j < values.size(); ++j) {
    if (!(values[j] > values[j - 1])) {
      throw ConfigError(index_path(join_path(path, "params.values"), j),
                        "values must be strictly increasing");
    }
  }
  return values;
}

std::vector<double> checked_bids(std::vector<double> bids, std::size_t points,
                                 const std::string& path) {
  if (bids.size() != points) {
    throw ConfigError(join_path(path, "params.bids"),
                      "needs one entry per value: " + std::to_string(points) + " expected, " +
                          std::to_string(bids.size()) + " given");
  }
  for (std::size_t j = 0; j < bids.size(); ++j) {
    if (!(bids[j] >= 0.0)) {
      throw ConfigError(index_path(join_path(path, "params.bids"), j), "must be >= 0");
    }
  }
  return bids;
}

}  // namespace

BidTableBidder::BidTableBidder(const PolicyContext& ctx, std::vector<double> values,
                               std::vector<double> bids, Interpolation interpolation, Units units)
    : bid_action_(*ctx.role, join_path(ctx.path, "type"), /*needs_value=*/true),
      agents_(ctx.agents),
      values_(checked_values(std::move(values), ctx.path)),
      bids_(checked_bids(std::move(bids), values_.size(), ctx.path)),
      interpolation_(interpolation),
      units_(units) {}

double BidTableBidder::output(double value) const {
  const auto upper = std::upper_bound(values_.begin(), values_.end(), value);
  if (upper == values_.begin()) return bids_.front();
  const auto j = static_cast<std::size_t>(upper - values_.begin()) - 1;
  if (interpolation_ == Interpolation::kStep || j + 1 == values_.size()) return bids_[j];
  const double t = (value - values_[j]) / (values_[j + 1] - values_[j]);
  return bids_[j] + t * (bids_[j + 1] - bids_[j]);
}

void BidTableBidder::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  for (const int agent : agents_) {
    if (!active(agent)) continue;
    const double value = bid_action_.value(observations, agent);
    const double a = output(value);
    bid_action_.write(actions, agent,
                      units_ == Units::kBid ? bid_action_.action_for_bid(a, value)
                                            : bid_action_.action_for_shade(a, value));
  }
}

Json BidTableBidder::strategy() const {
  return {{"values", values_},
          {"bids", bids_},
          {"interpolation", interpolation_ == Interpolation::kLinear ? "linear" : "step"},
          {"units", units_ == Units::kBid ? "bid" : "shade"}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<BidTableBidder>(
      ctx, params.at("values").get<std::vector<double>>(),
      params.at("bids").get<std::vector<double>>(),
      params.at("interpolation") == "linear" ? BidTableBidder::Interpolation::kLinear
                                             : BidTableBidder::Interpolation::kStep,
      params.at("units") == "bid" ? BidTableBidder::Units::kBid : BidTableBidder::Units::kShade);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "bid_table",
     "A fixed bid function of the value from a table (linear or step interpolation).",
     "Points v_0 < ... < v_{m-1} (`values`) with outputs a_j (`bids`): 'linear' interpolates "
     "between points and is constant beyond the ends; 'step' plays a_j on [v_j, v_{j+1}) and a_0 "
     "below v_0. Units 'bid': bid a(v) per click; 'shade': bid a(v) × v. Written in the env's "
     "action units and clipped to the action bounds. The form of the Bayes–Nash equilibrium "
     "solver's bid functions and of PSRO's best responses (docs/equilibrium_solvers.md).",
     {param::real_list("values", nullptr, "the points v_j, strictly increasing"),
      param::real_list("bids", nullptr,
                       "the outputs a_j, one per value: bids per click (units 'bid') or shading "
                       "factors (units 'shade')")
          .range(0.0, std::nullopt),
      param::text("interpolation", "linear", {"linear", "step"},
                  "'linear' between points, or 'step' (constant on [v_j, v_{j+1}))"),
      param::text("units", "bid", {"bid", "shade"},
                  "'bid': a(v) is the bid per click; 'shade': the bid is a(v) × v")}},
    &make);

}  // namespace
}  // namespace agora
