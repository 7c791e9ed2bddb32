#include "mechanisms/position_auction.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "mechanisms/rank_by_score.h"

namespace agora {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

PositionAuction::PositionAuction(PositionAuctionConfig config)
    : config_(std::move(config)), myerson_(!config_.declared_values.empty()) {
  AGORA_CHECK(config_.reserve >= 0.0);
  own_rule_.weight = QualityWeight(config_.quality_exponent);
  AGORA_CHECK(!myerson_ || (config_.quality_exponent == 1.0 && config_.additive_weight == 0.0));
  base_reserve_ = config_.reserve;
  if (myerson_ && config_.declared_values.size() == 1) {
    base_reserve_ = std::max(base_reserve_, config_.declared_values[0].myerson_reserve());
  }
  const std::size_t per_bidder =
      std::max(config_.reserves.size(), myerson_ && config_.declared_values.size() > 1
                                            ? config_.declared_values.size()
                                            : std::size_t{0});
  simple_reserve_ = std::max(base_reserve_, config_.score_reserve);
  effective_reserves_.assign(per_bidder, base_reserve_);
  for (std::size_t i = 0; i < per_bidder; ++i) {
    if (i < config_.reserves.size()) {
      effective_reserves_[i] = std::max(effective_reserves_[i], config_.reserves[i]);
    }
    if (myerson_ && config_.declared_values.size() > 1 && i < config_.declared_values.size()) {
      effective_reserves_[i] =
          std::max(effective_reserves_[i], config_.declared_values[i].myerson_reserve());
    }
  }
}

PositionAuction::BatchRule PositionAuction::rule_with_terms(const BatchTerms& terms) const {
  AGORA_CHECK(std::isfinite(terms.reserve) && terms.reserve >= 0.0);
  BatchRule rule = own_rule_;
  rule.floor = terms.reserve;
  const double alpha = terms.quality_exponent;
  if (!std::isnan(alpha) && !myerson_) {
    AGORA_CHECK(std::isfinite(alpha) && alpha >= 0.0);
    rule.weight = QualityWeight(alpha);
  }
  return rule;
}

void PositionAuction::check_market(int bidders, int slots, const std::string& path) const {
  Mechanism::check_market(bidders, slots, path);
  const auto check_length = [&](std::size_t size, const char* key) {
    if (size != 0 && static_cast<int>(size) != bidders) {
      throw ConfigError(join_path(join_path(path, "params"), key),
                        "lists " + std::to_string(size) + " entries for " +
                            std::to_string(bidders) + " bidders (one per bidder)");
    }
  };
  check_length(config_.reserves.size(), "reserves");
  if (config_.declared_values.size() > 1) check_length(config_.declared_values.size(), "values");
}

double PositionAuction::score(const BidderView& view, double bid) const {
  const BatchRule rule = rule_for(view.terms);
  return eligible_score(view.bidder, bid, quality_weight(view.quality, rule), view.additive, rule);
}

double PositionAuction::threshold(int bidder, double other_score, double weight, double additive,
                                  const BatchRule& rule) const {
  const double entry = entry_bid(bidder, weight, additive, rule);
  if (other_score == -kInf) return entry;
  return std::max(entry, bid_for_score(bidder, other_score, weight, additive));
}

template <class Others>
PositionAuction::Terms PositionAuction::position_terms(int u, double bid, const BidderView& view,
                                                       double weight, std::span<const double> ctr,
                                                       const Others& others,
                                                       const BatchRule& rule) const {
  const int k = static_cast<int>(ctr.size());
  Terms terms;
  if (config_.rule == PriceRule::kAllPay) terms.slope = 1.0;
  if (u >= k) return terms;
  const bool per_click = config_.pricing == Pricing::kPerClick;
  const auto quantity = [&](int t) {
    return t >= k ? 0.0 : (per_click ? ctr[t] * view.quality : 1.0);
  };
  terms.clicks = ctr[u] * view.quality;
  switch (config_.rule) {
    case PriceRule::kFirstPrice:
      terms.slope = quantity(u);
      break;
    case PriceRule::kSecondPrice: {
      const double floor = config_.soft_floor;
      if (floor > 0.0 && bid < floor) {
        terms.slope = quantity(u);
        break;
      }
      const double price =
          std::min(bid, threshold(view.bidder, others(u), weight, view.additive, rule));
      terms.intercept = std::max(price, floor) * quantity(u);
      break;
    }
    case PriceRule::kVcg:
      for (int t = u; t < k; ++t) {
        const double step = quantity(t) - quantity(t + 1);
        if (step == 0.0) continue;
        terms.intercept +=
            step * std::min(bid, threshold(view.bidder, others(t), weight, view.additive, rule));
      }
      break;
    case PriceRule::kAllPay:
      break;
  }
  return terms;
}

template <PriceRule kRule, PositionAuction::Scoring kScoring>
void PositionAuction::run_batch(const AuctionBatch& batch, const BatchRule& rule,
                                AuctionOutcome& out, Rng& rng) const {
  constexpr bool kSimple = kScoring == Scoring::kBid;
  constexpr bool kVirtual = kScoring == Scoring::kVirtualValue;
  const int n = batch.bidders;
  const int k = static_cast<int>(batch.ctr.size());
  constexpr int kStackRanks = 64;
  int stack_ranked[kStackRanks];
  thread_local std::vector<int> heap_ranked;
  if (k + 1 > kStackRanks) heap_ranked.resize(static_cast<std::size_t>(k + 1));
  const std::span<int> ranked = k + 1 > kStackRanks
                                    ? std::span<int>(heap_ranked)
                                    : std::span<int>(stack_ranked, static_cast<std::size_t>(k + 1));
  const bool per_click = config_.pricing == Pricing::kPerClick;
  const double reserve = std::max(simple_reserve_, rule.floor);
  const double soft_floor = config_.soft_floor;
  const double* ctr = batch.ctr.data();
  // Per bidder: the least eligible bid (per batch) and the quality weight (per auction).
  thread_local std::vector<double> per_bidder;
  double* least = nullptr;
  double* weight = nullptr;
  const ValueDistribution* declared_values = config_.declared_values.data();
  const std::ptrdiff_t declared_stride = config_.declared_values.size() == 1 ? 0 : 1;
  if constexpr (!kSimple) {
    per_bidder.resize(2 * static_cast<std::size_t>(n));
    least = per_bidder.data();
    weight = least + n;
    for (int i = 0; i < n; ++i) least[i] = least_bid(i, rule);
  }
  const double additive_weight = config_.additive_weight;
  const double score_reserve = config_.score_reserve;
  out.clicks.setZero();
  if constexpr (kRule != PriceRule::kAllPay) out.payment.setZero();
  for (int a = 0; a < batch.auctions; ++a) {
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(a) * n;
    const double* bids = batch.bids + row;
    const double* quality = batch.quality ? batch.quality + row : nullptr;
    const double* additive = batch.additive ? batch.additive + row : nullptr;
    double* scores = &out.score(a, 0);
    if constexpr (kSimple) {
      for (int i = 0; i < n; ++i) scores[i] = bids[i] >= reserve ? bids[i] : -kInf;
    } else {
      for (int i = 0; i < n; ++i) {
        const double bid = bids[i];
        if (!(bid >= least[i])) {
          scores[i] = -kInf;
          continue;
        }
        const double w = quality ? rule.weight(quality[i]) : 1.0;
        weight[i] = w;
        double base = bid;
        if constexpr (kVirtual) base = declared_values[declared_stride * i].virtual_value(bid);
        const double s = base * w + additive_weight * (additive ? additive[i] : 0.0);
        scores[i] = s >= score_reserve ? s : -kInf;
      }
    }
    const int m = n == 0 ? 0 : rank_by_score(scores, n, k, ranked, rng);
    double* clicks = &out.clicks(a, 0);
    double* payment = &out.payment(a, 0);
    if constexpr (kRule == PriceRule::kAllPay) {
      for (int i = 0; i < n; ++i) payment[i] = scores[i] > -kInf ? bids[i] : 0.0;
    }
    // O_t: the score ranked just below slot t (-inf when nobody eligible is there).
    const auto below = [&](int t) { return t + 1 < m ? scores[ranked[t + 1]] : -kInf; };
    int* winner = &out.winner(a, 0);
    double* price = &out.price(a, 0);
    double* clearing = &out.clearing_score(a, 0);
    int s = 0;
    for (; s < k && s < m && scores[ranked[s]] > -kInf; ++s) {
      const int w = ranked[s];
      const double bid = bids[w];
      const double q = quality ? quality[w] : 1.0;
      const double units = per_click ? ctr[s] * q : 1.0;
      const double next = below(s);
      clearing[s] = next > -kInf ? next : NAN;
      // θ_w(O), as threshold() computes it, with the winner's entry bid e_w computed once.
      double entry = reserve;
      double own_weight = 1.0;
      double own_additive = 0.0;
      if constexpr (!kSimple && (kRule == PriceRule::kSecondPrice || kRule == PriceRule::kVcg)) {
        own_weight = weight[w];
        own_additive = additive ? additive[w] : 0.0;
        entry = least[w];
        if (score_reserve != -kInf) {
          entry = std::max(entry, bid_for_score(w, score_reserve, own_weight, own_additive));
        }
      }
      const auto theta = [&](double other) {
        if constexpr (kSimple) {
          return std::max(reserve, other);
        } else {
          if (other == -kInf) return entry;
          return std::max(entry, bid_for_score(w, other, own_weight, own_additive));
        }
      };
      double pay = 0.0;
      double unit_price = 0.0;
      if constexpr (kRule == PriceRule::kFirstPrice) {
        unit_price = bid;
        pay = bid * units;
      } else if constexpr (kRule == PriceRule::kAllPay) {
        unit_price = bid;
        pay = bid;
      } else if constexpr (kRule == PriceRule::kSecondPrice) {
        if (soft_floor > 0.0 && bid < soft_floor) {
          unit_price = bid;
        } else {
          unit_price = std::max(std::min(bid, theta(next)), soft_floor);
        }
        pay = unit_price * units;
      } else {  // kVcg: Σ_{t>=s} (u_t − u_{t+1}) θ(O_t)
        for (int t = s; t < k; ++t) {
          const double step =
              per_click ? (ctr[t] - (t + 1 < k ? ctr[t + 1] : 0.0)) * q : (t + 1 < k ? 0.0 : 1.0);
          if (step == 0.0) continue;
          pay += step * std::min(bid, theta(below(t)));
        }
        unit_price = units > 0.0 ? pay / units : 0.0;
      }
      winner[s] = w;
      price[s] = unit_price;
      clicks[w] = ctr[s] * q;
      payment[w] = pay;
    }
    for (; s < k; ++s) {
      winner[s] = -1;
      price[s] = 0.0;
      clearing[s] = NAN;
    }
    out.runner_up(a) = m > k && scores[ranked[k]] > -kInf ? ranked[k] : -1;
  }
}

void PositionAuction::run(const AuctionBatch& batch, AuctionOutcome& out, Rng& rng) const {
  out.resize(batch.auctions, static_cast<Eigen::Index>(batch.ctr.size()), batch.bidders);
  out.losers_pay = config_.rule == PriceRule::kAllPay;
  const BatchRule rule = rule_for(batch.terms);
  const bool simple = !myerson_ && effective_reserves_.empty() &&
                      (batch.quality == nullptr || rule.weight.is_zero()) &&
                      (batch.additive == nullptr || config_.additive_weight == 0.0);
  const auto dispatch = [&]<PriceRule kRule>() {
    if (myerson_) {
      run_batch<kRule, Scoring::kVirtualValue>(batch, rule, out, rng);
    } else if (simple) {
      run_batch<kRule, Scoring::kBid>(batch, rule, out, rng);
    } else {
      run_batch<kRule, Scoring::kWeighted>(batch, rule, out, rng);
    }
  };
  switch (config_.rule) {
    case PriceRule::kFirstPrice:
      dispatch.template operator()<PriceRule::kFirstPrice>();
      break;
    case PriceRule::kSecondPrice:
      dispatch.template operator()<PriceRule::kSecondPrice>();
      break;
    case PriceRule::kVcg:
      dispatch.template operator()<PriceRule::kVcg>();
      break;
    case PriceRule::kAllPay:
      dispatch.template operator()<PriceRule::kAllPay>();
      break;
  }
}

PositionAuction::Terms PositionAuction::expected_terms(std::span<const double> others_desc,
                                                       const BidderView& view, double weight,
                                                       std::span<const double> ctr, double bid,
                                                       const BatchRule& rule) const {
  Terms total;
  if (!(bid >= entry_bid(view.bidder, weight, view.additive, rule))) return total;
  const double own = raw_score(view.bidder, bid, weight, view.additive);
  const auto others = [&](int t) {
    return t < static_cast<int>(others_desc.size()) ? others_desc[t] : -kInf;
  };
  int above = 0;
  while (above < static_cast<int>(others_desc.size()) && others_desc[above] > own) ++above;
  int tied = 0;
  while (above + tied < static_cast<int>(others_desc.size()) && others_desc[above + tied] == own) {
    ++tied;
  }
  // Tied with `tied` others, the bidder is equally likely to take each of the tied positions;
  // in position u the bidder just below it is others_desc[u].
  for (int u = above; u <= above + tied; ++u) {
    const Terms t = position_terms(u, bid, view, weight, ctr, others, rule);
    total.clicks += t.clicks;
    total.intercept += t.intercept;
    total.slope += t.slope;
  }
  const double share = 1.0 / (tied + 1);
  if (tied > 0) {
    total.clicks *= share;
    total.intercept *= share;
    total.slope *= share;
  }
  return total;
}

template <class Emit>
bool PositionAuction::one_slot_profile(std::span<const double> others_desc, const BidderView& view,
                                       std::span<const double> ctr, const BatchRule& rule,
                                       Emit&& emit) const {
  const double weight = quality_weight(view.quality, rule);
  const double entry = entry_bid(view.bidder, weight, view.additive, rule);
  const bool rival = !others_desc.empty();
  double tie = -kInf;
  if (rival) {
    const double shift = config_.additive_weight * view.additive;
    if (!myerson_ && weight == 1.0 && shift == 0.0) {
      // A plain bid: bid_for_score is others_desc[0] - shift (dividing by 1 is exact), and
      // raw_score gives back others_desc[0] exactly (adding a zero), so the check below holds.
      tie = others_desc[0] - shift;
    } else {
      tie = bid_for_score(view.bidder, others_desc[0], weight, view.additive);
      // The tie bid must score exactly the rival's score; when rounding says otherwise, the
      // general path decides the tie the way run() does.
      if (raw_score(view.bidder, tie, weight, view.additive) != others_desc[0]) return false;
    }
  }
  const double clicks = ctr[0] * view.quality;
  const double units = config_.pricing == Pricing::kPerClick ? clicks : 1.0;
  const double theta = std::max(entry, tie);
  // Payment when winning at bid b: intercept + slope b; losing pays `lose_slope` b (all-pay).
  double win_intercept = 0.0, win_slope = 0.0, lose_slope = 0.0;
  switch (config_.rule) {
    case PriceRule::kFirstPrice:
      win_slope = units;
      break;
    case PriceRule::kAllPay:
      win_slope = lose_slope = 1.0;
      break;
    default:
      win_intercept = theta * units;
      break;
  }
  const auto win_pay = [&](double b) { return win_intercept + win_slope * b; };
  if (entry > 0.0) emit(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
  if (!rival || entry > tie) {
    emit(entry, clicks, clicks, 0.0, win_pay(entry), win_intercept, win_slope);
    return true;
  }
  // Tied with the m rivals, the bidder takes each of the m + 1 positions with probability
  // share: the slot and its payment, or (all-pay) m losing positions paying the bid.
  const int rivals = static_cast<int>(others_desc.size());
  const double share = rivals == 1 ? 0.5 : 1.0 / (rivals + 1);
  const double tied_slope = win_slope + rivals * lose_slope;  // lose_slope is 0 or 1: exact
  const auto emit_tie = [&](double at) {
    emit(at, clicks * share, clicks, 0.0, win_intercept * share + tied_slope * share * at,
         win_intercept, win_slope);
  };
  if (entry == tie) {
    emit_tie(entry);
    return true;
  }
  emit(entry, 0.0, 0.0, 0.0, lose_slope * entry, 0.0, lose_slope);
  emit_tie(tie);
  return true;
}

void PositionAuction::utility_profile(std::span<const double> others_desc, const BidderView& view,
                                      std::span<const double> ctr, double value,
                                      PiecewiseLinear& out) const {
  if (one_slot_case(others_desc, ctr)) {
    out.clear();
    const BatchRule rule = rule_for(view.terms);
    // The arithmetic of DeviationProfile::utility, breakpoint by breakpoint.
    const auto emit = [&](double from, double clicks_at, double clicks_intercept,
                          double clicks_slope, double pay_at, double pay_intercept,
                          double pay_slope) {
      out.push(from, value * clicks_at - pay_at, value * clicks_intercept - pay_intercept,
               value * clicks_slope - pay_slope);
    };
    if (one_slot_profile(others_desc, view, ctr, rule, emit)) return;
  }
  Mechanism::utility_profile(others_desc, view, ctr, value, out);
}

void PositionAuction::deviation_profile(std::span<const double> others_desc, const BidderView& view,
                                        std::span<const double> ctr, DeviationProfile& out) const {
  out.clicks.clear();
  out.payment.clear();
  const BatchRule rule = rule_for(view.terms);
  const auto emit = [&out](double from, double clicks_at, double clicks_intercept,
                           double clicks_slope, double pay_at, double pay_intercept,
                           double pay_slope) {
    out.clicks.push(from, clicks_at, clicks_intercept, clicks_slope);
    out.payment.push(from, pay_at, pay_intercept, pay_slope);
  };
  if (one_slot_case(others_desc, ctr) && one_slot_profile(others_desc, view, ctr, rule, emit)) {
    return;
  }
  const double weight = quality_weight(view.quality, rule);
  const double reserve = entry_bid(view.bidder, weight, view.additive, rule);
  thread_local std::vector<double> breaks;
  breaks.clear();
  breaks.push_back(0.0);
  breaks.push_back(reserve);
  if (config_.rule == PriceRule::kSecondPrice && config_.soft_floor > reserve) {
    breaks.push_back(config_.soft_floor);
  }
  const int k = static_cast<int>(ctr.size());
  for (std::size_t t = 0; t < others_desc.size(); ++t) {
    if (static_cast<int>(t) >= k && others_desc[t] != others_desc[t - 1]) break;
    const double tie_bid = bid_for_score(view.bidder, others_desc[t], weight, view.additive);
    if (tie_bid > reserve) breaks.push_back(tie_bid);
  }
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  for (std::size_t j = 0; j < breaks.size(); ++j) {
    const double from = breaks[j];
    const double inside = j + 1 < breaks.size() ? from + 0.5 * (breaks[j + 1] - from)
                                                : (from > 0.0 ? 2.0 * from : 1.0);
    const Terms at = expected_terms(others_desc, view, weight, ctr, from, rule);
    const Terms open = expected_terms(others_desc, view, weight, ctr, inside, rule);
    out.clicks.push(from, at.clicks, open.clicks, 0.0);
    out.payment.push(from, at.intercept + at.slope * from, open.intercept, open.slope);
  }
}

}  // namespace agora
