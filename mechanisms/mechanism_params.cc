#include "mechanisms/mechanism_params.h"

namespace agora {

ParamSpecs position_auction_params(unsigned flags) {
  const auto has = [flags](SharedParams p) { return (flags & static_cast<unsigned>(p)) != 0; };
  ParamSpecs specs;
  specs.push_back(
      param::real("reserve", 0.0, "hard reserve on bids for every bidder; bids equal to it may win")
          .range(0.0, std::nullopt));
  if (has(SharedParams::kReserves)) {
    specs.push_back(param::real_list("reserves", nullptr,
                                     "personalized reserves, one per bidder; bidder i's reserve "
                                     "is max(reserve, reserves[i])")
                        .range(0.0, std::nullopt)
                        .allow_null());
    specs.push_back(param::real("score_reserve", nullptr,
                                "reserve on the ranking score (null = none): only bids whose "
                                "score reaches it are eligible, and a winner pays at least the "
                                "bid whose score equals it (a quality-adjusted reserve)")
                        .allow_null());
  }
  if (has(SharedParams::kScore)) {
    specs.push_back(param::real("quality_exponent", 1.0,
                                "α in the ranking score b q^α + w e (0: rank by bid; 1: by "
                                "bid x quality)")
                        .range(0.0, 10.0));
    specs.push_back(param::real("additive_weight", 0.0,
                                "w in the ranking score b q^α + w e (e: the env's additive term, "
                                "e.g. predicted user value)"));
  }
  if (has(SharedParams::kPricing)) {
    specs.push_back(param::text("pricing", "per_click", {"per_click", "per_impression"},
                                "bids and prices per click (payment = price x expected clicks) "
                                "or per impression (payment = price)"));
  }
  if (has(SharedParams::kSoftFloor)) {
    specs.push_back(param::real("soft_floor", 0.0,
                                "soft floor (0 = none): winners bidding below it pay their bid, "
                                "others at least the floor")
                        .range(0.0, std::nullopt));
  }
  return specs;
}

PositionAuctionConfig position_auction_config(PriceRule rule, const Json& params) {
  PositionAuctionConfig config;
  config.rule = rule;
  config.reserve = params.at("reserve").get<double>();
  if (params.contains("reserves") && !params["reserves"].is_null()) {
    config.reserves = params["reserves"].get<std::vector<double>>();
  }
  if (params.contains("score_reserve") && !params["score_reserve"].is_null()) {
    config.score_reserve = params["score_reserve"].get<double>();
  }
  if (params.contains("quality_exponent")) {
    config.quality_exponent = params["quality_exponent"].get<double>();
  }
  if (params.contains("additive_weight")) {
    config.additive_weight = params["additive_weight"].get<double>();
  }
  if (params.contains("pricing")) {
    config.pricing = params["pricing"].get<std::string>() == "per_impression"
                         ? Pricing::kPerImpression
                         : Pricing::kPerClick;
  }
  if (params.contains("soft_floor")) config.soft_floor = params["soft_floor"].get<double>();
  return config;
}

}  // namespace agora
