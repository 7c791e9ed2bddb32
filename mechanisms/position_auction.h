// The engine behind every sealed-bid mechanism in Agora: rank eligible bidders by score, fill
// the slots in order, price by a rule. The registered mechanisms (first_price, second_price,
// gsp, vcg, all_pay, myerson; one file each, with its model and sources) are configurations of
// this class.
//
// Score of bidder i with bid b, quality q and additive term e:
//   standard rules:  b q^α + w e          (α = quality_exponent, w = additive_weight;
//                                          Lahaie & Pennock 2007, "Revenue analysis of a
//                                          family of ranking rules for keyword auctions")
//   Myerson:         φ_i(b) q             (φ_i the virtual value of i's declared distribution;
//                                          Myerson 1981)
// Eligibility: b >= r_i, with r_i = max(reserve, reserves[i], the batch's reserve) — reserves
// on bids (per click,
// or per impression; the batch's from AuctionBatch::terms, e.g. a platform's choice this
// period) — and, when a score reserve R is set, score >= R (a quality-adjusted
// reserve, as production ad auctions use); for Myerson also φ_i(b) >= 0. The least eligible
// bid of bidder i is e_i = max(r_i, s_i^{-1}(R)), s_i^{-1} the inverse of its score function.
//
// The threshold of winner i against a score S is the least bid that still beats S:
//   θ_i(S) = max(e_i, φ_i^{-1}((S - w e) / q^α))   (φ = identity for the standard rules).
// With u_t the quantity of slot t (ctr[t] q per click, 1 per impression) and O_t the t-th
// highest score among the others (the bidder ranked just below slot t), the winner of slot s
// with bid b pays:
//   first price (GFP)   b u_s
//   GSP / second price  θ_i(O_s) u_s — the least bid that keeps its slot (Edelman, Ostrovsky &
//                       Schwarz 2007; Varian 2007); with a soft floor f (Zeithammer 2019): b u_s
//                       when b < f, else max(θ_i(O_s), f) u_s
//   VCG / Myerson       Σ_{t=s}^{k-1} (u_t - u_{t+1}) θ_i(O_t), u_k = 0: Myerson's payment
//                       identity for the score-ranking allocation; with α = 1 and w = 0 it is
//                       the VCG payment, the externality on the bidders below (Aggarwal, Goel &
//                       Motwani 2006; Varian 2007); with virtual-value scores, Myerson's optimal
//                       auction, slot by slot.
//   all-pay             every eligible bidder pays its bid, once per auction, win or lose
//                       (the bid is per auction; `pricing` does not apply).
// Prices never exceed bids; a winner's price per unit is payment / u_s. A batch's terms
// (BatchTerms: a reserve and a quality exponent) override reserve and α for that batch only;
// run(), score(), deviation_profile() and utility_profile() read them from the batch and the
// BidderView.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "mechanisms/mechanism.h"
#include "mechanisms/quality_weight.h"
#include "mechanisms/value_distribution.h"

namespace agora {

enum class PriceRule { kFirstPrice, kSecondPrice, kVcg, kAllPay };
enum class Pricing { kPerClick, kPerImpression };

struct PositionAuctionConfig {
  PriceRule rule = PriceRule::kSecondPrice;
  Pricing pricing = Pricing::kPerClick;
  double quality_exponent = 1.0;  // α
  double additive_weight = 0.0;   // w
  double reserve = 0.0;           // hard reserve on bids for every bidder
  double score_reserve = -std::numeric_limits<double>::infinity();  // on scores; -inf = none
  std::vector<double> reserves;  // per-bidder reserves; empty = none
  double soft_floor = 0.0;       // second price only; 0 = none
  // Myerson: declared value distributions, one for all bidders or one per bidder; empty for the
  // standard rules.
  std::vector<ValueDistribution> declared_values;
};

class PositionAuction final : public Mechanism {
 public:
  explicit PositionAuction(PositionAuctionConfig config);

  void run(const AuctionBatch& batch, AuctionOutcome& out, Rng& rng) const override;
  double score(const BidderView& view, double bid) const override;
  void deviation_profile(std::span<const double> others_desc, const BidderView& view,
                         std::span<const double> ctr, DeviationProfile& out) const override;
  // Fuses deviation_profile() and DeviationProfile::utility() in the one-slot closed form.
  void utility_profile(std::span<const double> others_desc, const BidderView& view,
                       std::span<const double> ctr, double value,
                       PiecewiseLinear& out) const override;
  void check_market(int bidders, int slots, const std::string& path) const override;

  const PositionAuctionConfig& config() const { return config_; }
  // r_i: the least eligible bid of bidder i (including Myerson's reserve φ_i^{-1}(0)) under
  // the mechanism's own parameters (before a batch's reserve).
  double reserve_of(int bidder) const {
    return effective_reserves_.empty() ? base_reserve_ : effective_reserves_[bidder];
  }

 private:
  struct Terms {  // payment = intercept + slope * bid, near a given bid
    double clicks = 0.0;
    double intercept = 0.0;
    double slope = 0.0;
  };

  // The rule in force for one batch: the mechanism's parameters with the batch's terms.
  struct BatchRule {
    double floor = 0.0;    // the batch's reserve on bids
    QualityWeight weight;  // q ↦ q^α (α = 1 for Myerson)
  };
  BatchRule rule_for(const BatchTerms& terms) const {
    // Default terms (no batch reserve, the mechanism's own α) leave the own rule unchanged.
    if (terms.reserve == 0.0 && !std::signbit(terms.reserve) &&
        std::isnan(terms.quality_exponent)) {
      return own_rule_;
    }
    return rule_with_terms(terms);
  }
  BatchRule rule_with_terms(const BatchTerms& terms) const;

  static double quality_weight(double quality, const BatchRule& rule) {
    return rule.weight(quality);
  }
  double least_bid(int bidder, const BatchRule& rule) const {
    return std::max(reserve_of(bidder), rule.floor);
  }
  const ValueDistribution& declared(int bidder) const {
    return config_.declared_values.size() == 1 ? config_.declared_values[0]
                                               : config_.declared_values[bidder];
  }
  double raw_score(int bidder, double bid, double weight, double additive) const {
    const double base = myerson_ ? declared(bidder).virtual_value(bid) : bid;
    return base * weight + config_.additive_weight * additive;
  }
  // The inverse of raw_score in the bid: the bid whose score is `score`.
  double bid_for_score(int bidder, double score, double weight, double additive) const {
    const double base = (score - config_.additive_weight * additive) / weight;
    return myerson_ ? declared(bidder).inverse_virtual_value(base) : base;
  }
  // The score of an eligible bid, -inf for an ineligible one.
  double eligible_score(int bidder, double bid, double weight, double additive,
                        const BatchRule& rule) const {
    if (!(bid >= least_bid(bidder, rule))) return -std::numeric_limits<double>::infinity();
    const double s = raw_score(bidder, bid, weight, additive);
    return s >= config_.score_reserve ? s : -std::numeric_limits<double>::infinity();
  }
  // e_i: the least eligible bid given the bidder's quality weight and additive term.
  double entry_bid(int bidder, double weight, double additive, const BatchRule& rule) const {
    const double reserve = least_bid(bidder, rule);
    if (config_.score_reserve == -std::numeric_limits<double>::infinity()) return reserve;
    return std::max(reserve, bid_for_score(bidder, config_.score_reserve, weight, additive));
  }
  // How run_batch scores: by the bid alone (one common reserve, no quality weight, additive
  // term, personal reserve or virtual value: what most experiments run), by b q^α + w e, or by
  // virtual value (Myerson).
  enum class Scoring { kBid, kWeighted, kVirtualValue };
  // The batch loop, specialised on the price rule and the scoring. The weighted and virtual
  // value loops compute each bidder's least bid once per batch and its weight q^α once per
  // auction, with the same arithmetic as score() and threshold().
  template <PriceRule kRule, Scoring kScoring>
  void run_batch(const AuctionBatch& batch, const BatchRule& rule, AuctionOutcome& out,
                 Rng& rng) const;
  // θ_i(S) before capping at the bid; S = -inf (nobody below) gives r_i.
  double threshold(int bidder, double other_score, double weight, double additive,
                   const BatchRule& rule) const;
  // Clicks and payment terms of bidder `view` bidding `bid` in position u, given the others'
  // scores by position (others(t) = O_t, -inf when nobody).
  template <class Others>
  Terms position_terms(int u, double bid, const BidderView& view, double weight,
                       std::span<const double> ctr, const Others& others,
                       const BatchRule& rule) const;
  // The common case of deviation_profile in closed form: one slot, the others' eligible
  // scores in others_desc all equal (one rival, or m rivals tied: a bid at their score wins
  // with probability 1/(m + 1)), no soft floor: callers check one_slot_case() first. Returns
  // false, before emitting anything, when rounding leaves the tie bid ambiguous. Each breakpoint
  // goes to emit(from, clicks at, clicks intercept, clicks slope, payment at, payment intercept,
  // payment slope), with the arithmetic of the general path.
  template <class Emit>
  bool one_slot_profile(std::span<const double> others_desc, const BidderView& view,
                        std::span<const double> ctr, const BatchRule& rule, Emit&& emit) const;
  // Whether one_slot_profile() may apply (it can still decline on rounding).
  bool one_slot_case(std::span<const double> others_desc, std::span<const double> ctr) const {
    return ctr.size() == 1 && (others_desc.empty() || others_desc.front() == others_desc.back()) &&
           !(config_.rule == PriceRule::kSecondPrice && config_.soft_floor > 0.0);
  }
  // Expected terms at `bid` against others_desc, averaging over tied positions.
  Terms expected_terms(std::span<const double> others_desc, const BidderView& view, double weight,
                       std::span<const double> ctr, double bid, const BatchRule& rule) const;

  const PositionAuctionConfig config_;
  const bool myerson_;
  BatchRule own_rule_;  // the mechanism's own α, no batch reserve
  double base_reserve_ = 0.0;
  double simple_reserve_ = 0.0;             // the least eligible bid when scores are bids
  std::vector<double> effective_reserves_;  // per bidder when reserves or distributions differ
};

}  // namespace agora
