// Mechanism `myerson`: Myerson's optimal auction for declared value distributions F_i (regular:
// uniform, exponential, lognormal; asymmetric bidders allowed). Bidders are ranked by virtual
// value times quality, φ_i(b) q_i with φ_i(v) = v − (1 − F_i(v)) / f_i(v); only bids with
// φ_i(b) >= 0 (b >= φ_i^{-1}(0), the bidder's monopoly reserve) and at or above the hard and
// personalized reserves are eligible; winners pay the threshold bid of their slot (Myerson's
// payment identity), so truthful bidding is dominant and, when the declared distributions are
// the true ones, expected revenue is maximal among all incentive-compatible mechanisms
// (Myerson 1981, "Optimal auction design", Math. Oper. Res. 6(1); Krishna, Auction Theory,
// 2nd ed., ch. 5). For iid regular values it is second price with reserve φ^{-1}(0): 1/2 for
// U[0,1], the mean 1/λ for exponential(λ).
#include "core/error.h"
#include "mechanisms/mechanism_params.h"

namespace agora {
namespace {

Json validate_declared(const Json& value, const std::string& path) {
  if (!value.is_array()) return ValueDistribution::validate_regular(value, path);
  if (value.empty()) throw ConfigError(path, "needs at least one distribution");
  Json out = Json::array();
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(ValueDistribution::validate_regular(value[i], index_path(path, i)));
  }
  return out;
}

std::unique_ptr<Mechanism> make(const Json& params) {
  PositionAuctionConfig config = position_auction_config(PriceRule::kVcg, params);
  const Json& values = params.at("values");
  if (values.is_array()) {
    for (const auto& v : values) config.declared_values.emplace_back(v);
  } else {
    config.declared_values.emplace_back(values);
  }
  return std::make_unique<PositionAuction>(std::move(config));
}

ParamSpecs params() {
  ParamSpecs specs = position_auction_params(SharedParams::kReserves | SharedParams::kPricing);
  specs.push_back(param::custom(
      "values", Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}},
      "distribution object or list of one per bidder",
      "the declared (prior) value distributions: {\"distribution\": \"uniform\", \"low\", "
      "\"high\"} | {\"distribution\": \"exponential\", \"rate\"} | {\"distribution\": "
      "\"lognormal\", \"mu\", \"sigma\"}; must be regular",
      &validate_declared));
  return specs;
}

const bool registered = MechanismRegistry::instance().add(
    {"mechanism", "myerson",
     "Myerson's optimal auction: rank by virtual value, per-bidder monopoly reserves.",
     "Eligible bidders (bid >= max(reserve, reserves[i], φ_i^{-1}(0))) are ranked by "
     "φ_i(b) q_i with φ_i(v) = v − (1 − F_i(v)) / f_i(v) for the declared distribution F_i; "
     "the k best win the slots in order and each pays Σ_{t>=s} (u_t − u_{t+1}) θ(O_t), the "
     "least bid that keeps slot t, so truthful bidding is dominant. Revenue-optimal for the "
     "declared priors. Myerson (1981); Krishna, Auction Theory (2010) ch. 5.",
     params()},
    &make);

}  // namespace
}  // namespace agora
