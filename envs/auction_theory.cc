// What theory predicts for the auction env (AuctionEnv::predicted_metrics and
// predicted_strategies, declared in auction.h): the settings where it is exact, the equilibrium
// revenue and welfare, and the symmetric equilibrium bid function, computed by quadrature.
#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "core/error.h"
#include "envs/auction.h"
#include "mechanisms/position_auction.h"

namespace agora {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

std::optional<AuctionEnv::SymmetricSetting> AuctionEnv::symmetric_setting() const {
  // Revenue equivalence covers the standard formats with one slot, iid values, unit quality and
  // a common hard reserve; Myerson's auction is second price with the monopoly reserve when
  // its declared distribution is the true one.
  const auto* auction = dynamic_cast<const PositionAuction*>(mechanism_.get());
  if (auction == nullptr || ctr_.size() != 1 || !quality_dist_.empty() || !additive_dist_.empty()) {
    return std::nullopt;
  }
  const PositionAuctionConfig& mc = auction->config();
  if (!mc.reserves.empty() || mc.soft_floor > mc.reserve || mc.pricing != Pricing::kPerClick ||
      mc.declared_values.size() > 1) {
    return std::nullopt;
  }
  const ValueDistribution& d = values_dist_.front();
  for (const auto& other : values_dist_) {
    if (!(other == d)) return std::nullopt;
  }
  if (!mc.declared_values.empty() && !(mc.declared_values.front() == d)) return std::nullopt;
  if (mc.score_reserve > -kInf && !mc.declared_values.empty()) return std::nullopt;
  // Unit quality and no additive term: scores are bids, a score reserve is a bid reserve (and
  // a platform's quality exponent changes nothing).
  const double least = std::max(auction->reserve_of(0), mc.score_reserve);
  if (reserve_column_ < 0) return SymmetricSetting{&d, least, mc.rule, std::nullopt};
  // A platform setting the reserve: theory for a pure revenue objective only.
  if (!(objective_[0] > 0.0) || objective_[1] != 0.0 || objective_[2] != 0.0 ||
      objective_[3] != 0.0) {
    return std::nullopt;
  }
  std::optional<double> action;
  const double reserve = platform_optimal_reserve(d, least, mc.rule, action);
  if (std::isnan(reserve)) return std::nullopt;
  return SymmetricSetting{&d, reserve, mc.rule, action};
}

double AuctionEnv::platform_optimal_reserve(const ValueDistribution& d, double least,
                                            PriceRule rule, std::optional<double>& action) const {
  // Regular values only: revenue is then unimodal in the least type served, peaking at
  // φ^{-1}(0) (Myerson 1981). In all-pay the bid reserve r screens at c v0 F(v0)^(n-1) = r.
  const bool regular =
      d.kind() == ValueDistribution::Kind::kUniform ||
      d.kind() == ValueDistribution::Kind::kExponential ||
      (d.kind() == ValueDistribution::Kind::kLognormal &&
       d.to_json().at("sigma").get<double>() <= ValueDistribution::kMaxRegularLognormalSigma);
  if (!regular) return std::numeric_limits<double>::quiet_NaN();
  const auto bid_reserve_screening = [&](double v) {
    return rule == PriceRule::kAllPay ? ctr_[0] * v * std::pow(d.cdf(v), n_ - 1.0) : v;
  };
  const Space& space = roles()[1].action_space;
  const double chosen = std::clamp(bid_reserve_screening(d.myerson_reserve()),
                                   space.low()(reserve_column_), space.high()(reserve_column_));
  // Below the least eligible bid, or below the least value's screening bid, every reserve
  // does the same: the optimal action is unique only above both.
  if (chosen > std::max(least, bid_reserve_screening(d.lower()))) action = chosen;
  return std::max(least, chosen);
}

namespace {
double all_pay_entry_type(const ValueDistribution& d, double c, double r, double m);
constexpr const char* kPlatformNote =
    "at the reserve a revenue-maximizing platform puts in force: Myerson's monopoly reserve "
    "phi^{-1}(0) clamped to platform.reserve_range (optimal commitment; revenue is unimodal "
    "in the reserve for regular values; Myerson 1981), bidders at the ";
}  // namespace

Json AuctionEnv::predicted_metrics() const {
  const std::optional<SymmetricSetting> setting = symmetric_setting();
  if (!setting) return Json::object();
  const ValueDistribution& d = *setting->values;
  // In all-pay a bid reserve r screens out more than the values below r: the lowest type that
  // bids, v0 (ctr v0 F(v0)^(n-1) = r), pays r and breaks even; the auction then has the
  // revenue and allocation of a standard auction with reserve v0 (revenue equivalence).
  const double reserve = setting->rule == PriceRule::kAllPay && setting->reserve > 0.0
                             ? all_pay_entry_type(d, ctr_[0], setting->reserve, n_ - 1.0)
                             : setting->reserve;
  const double n = n_;
  const double c = ctr_[0];
  Json out = Json::object();
  if (d.kind() == ValueDistribution::Kind::kUniform) {
    const double lo = d.lower();
    const double hi = d.upper();
    const double r = std::clamp((reserve - lo) / (hi - lo), 0.0, 1.0);
    const double sold = 1.0 - std::pow(r, n);
    const double revenue_unit =
        (n - 1) / (n + 1) - 2 * n * std::pow(r, n + 1) / (n + 1) + std::pow(r, n);
    const double welfare_unit = n / (n + 1) * (1 - std::pow(r, n + 1));
    const double revenue = c * (lo * sold + (hi - lo) * revenue_unit);
    const double welfare = c * (lo * sold + (hi - lo) * welfare_unit);
    out["revenue"] = revenue;
    out["welfare"] = welfare;
    out["optimal_welfare"] = c * (lo + (hi - lo) * n / (n + 1));
    out["bidder_utility"] = welfare - revenue;
    if (r == 0.0) {
      out["efficiency"] = 1.0;
    } else if (rounds_ == 1) {
      out["efficiency"] = sold;
    }
    if (platform_) out["sold"] = sold;
    if (setting->platform_reserve) out["reserve"] = *setting->platform_reserve;
    out["note"] = std::string(reserve_column_ >= 0 ? kPlatformNote : "") +
                  "Bayes-Nash equilibrium (truthful in second price; in first price "
                  "b(v) = v - integral_r^v (F(x)/F(v))^(n-1) dx, (n-1)/n v on U[0,1] without "
                  "reserve); revenue equivalence with reserve (Myerson 1981)";
    return out;
  }
  if (d.kind() == ValueDistribution::Kind::kExponential && reserve == 0.0) {
    const double rate = d.to_json().at("rate").get<double>();
    double harmonic = 0.0;
    for (int i = 1; i <= n_; ++i) harmonic += 1.0 / i;
    out["revenue"] = c * (harmonic - 1.0) / rate;
    out["welfare"] = c * harmonic / rate;
    out["optimal_welfare"] = c * harmonic / rate;
    out["bidder_utility"] = c / rate;
    out["efficiency"] = 1.0;
    if (platform_) out["sold"] = 1.0;
    out["note"] =
        "Bayes-Nash equilibrium; revenue = E[second-highest value] (revenue "
        "equivalence)";
  }
  return out;
}

namespace {

// ∫_{from}^{v} (F(x)/F(v))^m dx, F(v) > 0, by adaptive Gauss-Kronrod quadrature. Below the
// point where the ratio drops under e^{-40} the integrand is negligible (< 5e-18), so the range
// starts there: for large m the mass sits just below v, where an adaptive rule must look.
double ratio_integral(const ValueDistribution& d, double from, double v, double m) {
  if (!(v > from)) return 0.0;
  if (m == 0.0) return v - from;
  const double fv = d.cdf(v);
  const double cut = d.quantile(fv * std::exp(-40.0 / m));
  const double a = std::max(from, std::min(cut, v));
  if (!(v > a)) return 0.0;
  // Over t in [0, 1] (x = a + (v - a) t): Boost's adaptive rule weighs its error estimate on
  // [-1, 1] against a tolerance scaled by the interval, so short intervals would never settle.
  const double width = v - a;
  const auto ratio = [&](double t) { return std::pow(d.cdf(a + width * t) / fv, m); };
  return width *
         boost::math::quadrature::gauss_kronrod<double, 31>::integrate(ratio, 0.0, 1.0, 10, 1e-11);
}

// The least v >= d.lower() with c v F(v)^m >= r (increasing in v), by bisection; +inf when no
// value reaches r.
double all_pay_entry_type(const ValueDistribution& d, double c, double r, double m) {
  const auto gain = [&](double v) { return c * v * std::pow(d.cdf(v), m); };
  double lo = d.lower();
  if (gain(lo) >= r) return lo;
  double hi = d.upper();
  if (std::isinf(hi)) {
    hi = std::max(1.0, 2.0 * lo);
    for (int i = 0; i < 2100 && gain(hi) < r; ++i) hi *= 2.0;
  }
  if (!(gain(hi) >= r)) return kInf;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (gain(mid) < r ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

Json AuctionEnv::predicted_strategies() const {
  const std::optional<SymmetricSetting> setting = symmetric_setting();
  if (!setting || setting->values->kind() == ValueDistribution::Kind::kConstant ||
      !(ctr_[0] > 0.0)) {
    return Json::object();
  }
  const ValueDistribution& d = *setting->values;
  const double r = setting->reserve;
  const double c = ctr_[0];
  const double m = n_ - 1.0;  // G = F^m: the distribution of the highest other value
  // The lowest type that bids (v0) and the formula for the note.
  double v0 = std::max(d.lower(), r);
  std::string formula;
  switch (setting->rule) {
    case PriceRule::kSecondPrice:
    case PriceRule::kVcg:
      formula =
          "truthful: b(v) = v for v >= r, a weakly dominant strategy in second price, one-slot "
          "GSP and VCG (Vickrey 1961; Krishna, Auction Theory, 2nd ed., Prop. 2.1) and in "
          "Myerson's auction with the true prior (Myerson 1981)";
      break;
    case PriceRule::kFirstPrice:
      formula =
          "first price: b(v) = v - integral_{v0}^v (F(x)/F(v))^(n-1) dx = E[max(Y, r) | Y < v] "
          "for v >= v0 = max(low, r), Y the highest of the n-1 other values (Krishna, Auction "
          "Theory, 2nd ed., Prop. 2.2 and Sec. 2.5); (n-1)/n v on U[0,1] without reserve";
      break;
    case PriceRule::kAllPay:
      v0 = all_pay_entry_type(d, c, r, m);
      formula =
          "all-pay, bid per auction: b(v) = r + ctr (v G(v) - v0 G(v0) - integral_{v0}^v G(x) "
          "dx), G = F^(n-1), for v >= v0, where ctr v0 G(v0) = r (the lowest type that bids "
          "pays r and breaks even; v0 = low without reserve): revenue equivalence (Krishna, "
          "Auction Theory, 2nd ed., Prop. 3.1 and its all-pay application in Sec. 3.2) with "
          "the reserve acting as an entry fee with screening type v0 (Sec. 2.5); "
          "(n-1)/n v^n on U[0,1] with ctr 1 and no reserve";
      break;
  }
  // Grid: [v0, top of the support]; unbounded supports stop at the 0.99 quantile, or at the
  // 0.99 quantile of the values above v0 when v0 lies beyond it.
  double top = d.upper();
  if (std::isinf(top)) {
    top = d.quantile(0.99);
    if (!(top > v0) && std::isfinite(v0)) top = d.quantile(1.0 - 0.01 * (1.0 - d.cdf(v0)));
  }
  if (!(top > v0)) return Json::object();  // nobody bids (or a single type of probability 0)
  constexpr int kPoints = 101;
  Json values = Json::array();
  Json bids = Json::array();
  const double g0 = std::pow(d.cdf(v0), m);
  for (int k = 0; k < kPoints; ++k) {
    const double v = k == kPoints - 1 ? top : v0 + (top - v0) * k / (kPoints - 1);
    double b = v;
    if (setting->rule == PriceRule::kFirstPrice) {
      if (n_ == 1) {
        b = r;  // alone: the reserve wins
      } else if (d.cdf(v) > 0.0) {
        b = v - ratio_integral(d, v0, v, m);
      }  // else v = v0 = low, F(v) = 0: b(v0) = v0
    } else if (setting->rule == PriceRule::kAllPay) {
      if (n_ == 1) {
        b = r;
      } else {
        const double g = std::pow(d.cdf(v), m);
        // ∫_{v0}^v G = G(v) ∫_{v0}^v (F(x)/F(v))^m dx.
        const double integral = g > 0.0 ? g * ratio_integral(d, v0, v, m) : 0.0;
        b = std::max(0.0, r + c * (v * g - v0 * g0 - integral));
      }
    }
    values.push_back(v);
    bids.push_back(b);
  }
  std::ostringstream note;
  if (reserve_column_ >= 0) note << kPlatformNote;
  note << "symmetric Bayes-Nash equilibrium bid, n = " << n_ << ", reserve r = " << r;
  if (setting->rule == PriceRule::kAllPay) note << ", ctr = " << c << ", v0 = " << v0;
  note << "; " << formula
       << ". Values below v0 do not bid. Integrals by adaptive Gauss-Kronrod quadrature.";
  return Json{{"bid_function", {{"value", values}, {"bid", bids}, {"note", note.str()}}}};
}

}  // namespace agora
