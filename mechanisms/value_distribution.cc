#include "mechanisms/value_distribution.h"

#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace agora {

namespace {

const ParamSpecs& specs_for(const std::string& kind) {
  static const ParamSpecs uniform = {
      param::text("distribution", "uniform", {"uniform"}, "value distribution"),
      param::real("low", 0.0, "lower end").range(0.0, std::nullopt),
      param::real("high", 1.0, "upper end").range(0.0, std::nullopt)};
  static const ParamSpecs exponential = {
      param::text("distribution", "exponential", {"exponential"}, "value distribution"),
      param::real("rate", 1.0, "rate (1/mean)").range(1e-12, std::nullopt)};
  static const ParamSpecs lognormal = {
      param::text("distribution", "lognormal", {"lognormal"}, "value distribution"),
      param::real("mu", 0.0, "mean of log value"),
      param::real("sigma", 1.0, "std of log value").range(1e-12, 20.0)};
  static const ParamSpecs constant = {
      param::text("distribution", "constant", {"constant"}, "value distribution"),
      param::real("value", 1.0, "the value").range(0.0, std::nullopt)};
  if (kind == "exponential") return exponential;
  if (kind == "lognormal") return lognormal;
  if (kind == "constant") return constant;
  return uniform;
}

// M(z) = Q(z) / ϕ(z), the Mills ratio of the standard normal: Q(z) = erfc(z/√2) / 2 and
// 1/ϕ(z) = √(2π) e^{z²/2}, with the rounding of both arguments corrected to first order (z/√2 =
// t + d with t = fl(z c) and c = 1/√2 in two parts shifts Q by −√2 ϕ(z) d; z² = h + l exactly),
// so the error is that of std::erfc and std::exp, a few ulp; the continued fraction
// (Abramowitz & Stegun 26.2.14) where erfc underflows.
double mills_ratio(double z) {
  if (z < 30.0) {
    constexpr double kHalfSqrt2Pi = 0.5 * 2.506628274631000502415765;
    constexpr double kSqrt2 = 1.414213562373095048801689;
    constexpr double kInvSqrt2 = 0x1.6a09e667f3bcdp-1;
    constexpr double kInvSqrt2Low = -0x1.bdd3413b26456p-55;  // 1/√2 − kInvSqrt2
    const double t = z * kInvSqrt2;
    const double d = std::fma(z, kInvSqrt2, -t) + z * kInvSqrt2Low;
    const double square = z * z;
    const double exp_half_square = std::exp(0.5 * square) * (1.0 + 0.5 * std::fma(z, z, -square));
    return kHalfSqrt2Pi * std::erfc(t) * exp_half_square - kSqrt2 * d;
  }
  double fraction = z;
  for (int k = 40; k >= 1; --k) fraction = z + k / fraction;
  return 1.0 / fraction;
}

// The table of φ over z for the lognormal inverse: z_j = kTableLow + j kTableStep.
constexpr double kTableLow = -8.0;
constexpr double kTableStep = 0.25;
constexpr int kTableSize = 97;  // up to z = 16

}  // namespace

Json ValueDistribution::validate_regular(const Json& config, const std::string& path) {
  Json out = validate(config, path);
  const std::string kind = out.at("distribution").get<std::string>();
  if (kind == "constant" || (kind == "uniform" && out["low"] == out["high"])) {
    throw ConfigError(path,
                      "a constant value has no density and no virtual value; Myerson "
                      "needs a regular distribution (uniform with low < high, "
                      "exponential, or lognormal with sigma <= 1.5176)");
  }
  if (kind == "lognormal" && out["sigma"].get<double>() > kMaxRegularLognormalSigma) {
    throw ConfigError(join_path(path, "sigma"),
                      "a lognormal is regular (increasing virtual value) only for sigma <= "
                      "1.5176, got " +
                          out["sigma"].dump());
  }
  return out;
}

double ValueDistribution::lognormal_virtual_value(double v) const {
  AGORA_CHECK(kind_ == Kind::kLognormal);
  if (!(v > 0.0)) return -std::numeric_limits<double>::infinity();
  const double z = (std::log(v) - a_) / b_;
  return v * (1.0 - b_ * mills_ratio(z));
}

double ValueDistribution::lognormal_phi_of_z(double z, double& slope) const {
  const double v = std::exp(a_ + b_ * z);
  const double m = mills_ratio(z);
  slope = b_ * v * (2.0 - m * (z + b_));  // dφ/dz = σ v φ'(v), φ'(v) = 2 − M(z)(z + σ)
  return v * (1.0 - b_ * m);
}

double ValueDistribution::lognormal_inverse_virtual_value(double y) const {
  AGORA_CHECK(kind_ == Kind::kLognormal);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (y == -kInf) return 0.0;
  if (std::isnan(y) || y == kInf) return y;
  // φ(e^{μ+σz}) is increasing in z. Bracket y in z — from the table, or by doubling outside
  // it — then safeguarded Newton (bisection when a step leaves the bracket).
  double slope;
  double lo, hi, z;
  const bool tabled = !phi_table_.empty();
  if (tabled && y > phi_table_.front() && y <= phi_table_.back()) {
    const int j = static_cast<int>(std::lower_bound(phi_table_.begin(), phi_table_.end(), y) -
                                   phi_table_.begin() - 1);
    lo = kTableLow + j * kTableStep;
    hi = lo + kTableStep;
    // Start: cubic Hermite interpolation of z as a function of φ over the cell.
    const double span = phi_table_[j + 1] - phi_table_[j];
    const double s = (y - phi_table_[j]) / span;
    const double m0 = span / slope_table_[j];
    const double m1 = span / slope_table_[j + 1];
    const double s2 = s * s;
    const double s3 = s2 * s;
    z = lo * (2 * s3 - 3 * s2 + 1) + m0 * (s3 - 2 * s2 + s) + hi * (3 * s2 - 2 * s3) +
        m1 * (s3 - s2);
    if (!(z > lo && z < hi)) z = lo + s * kTableStep;
  } else {
    lo = tabled ? kTableLow : -1.0;
    hi = tabled ? kTableLow + (kTableSize - 1) * kTableStep : 1.0;
    if (tabled && y > phi_table_.back()) {
      lo = hi;
    } else if (tabled) {
      hi = lo;
    }
    while (lognormal_phi_of_z(lo, slope) > y && lo > -60.0) lo *= 2.0;
    while (lognormal_phi_of_z(hi, slope) < y && hi < 1e300) hi *= 2.0;
    z = 0.5 * (lo + hi);
  }
  for (int i = 0; i < 200; ++i) {
    const double f = lognormal_phi_of_z(z, slope) - y;
    if (f == 0.0) break;
    (f < 0.0 ? lo : hi) = z;
    double next = z - f / slope;
    const bool newton = next > lo && next < hi;
    if (!newton) next = 0.5 * (lo + hi);
    const double step = next - z;
    z = next;
    // Newton converges quadratically: after a step of 1e-9 the error is of order 1e-18.
    if ((newton && std::abs(step) <= 1e-9 * std::max(1.0, std::abs(z))) ||
        hi - lo <= 1e-15 * std::max(1.0, std::abs(z))) {
      break;
    }
  }
  return std::exp(a_ + b_ * z);
}

Json ValueDistribution::validate_one_or_list(const Json& config, const std::string& path) {
  if (!config.is_array()) return validate(config, path);
  if (config.empty()) throw ConfigError(path, "needs at least one distribution");
  Json out = Json::array();
  for (std::size_t i = 0; i < config.size(); ++i) {
    out.push_back(validate(config[i], index_path(path, i)));
  }
  return out;
}

Json ValueDistribution::validate(const Json& config, const std::string& path) {
  if (!config.is_object()) {
    throw ConfigError(path,
                      "expected a distribution object such as {\"distribution\": "
                      "\"uniform\", \"low\": 0, \"high\": 1}, got " +
                          json_type_name(config));
  }
  Json with_kind = config;
  if (!with_kind.contains("distribution")) with_kind["distribution"] = "uniform";
  const ParamSpec kind_spec =
      param::text("distribution", "uniform", {"uniform", "exponential", "lognormal", "constant"},
                  "value distribution");
  const std::string kind =
      validate_value(with_kind["distribution"], kind_spec, join_path(path, "distribution"))
          .get<std::string>();
  Json out = validate_params(with_kind, specs_for(kind), path);
  if (kind == "uniform" && out["low"].get<double>() > out["high"].get<double>()) {
    throw ConfigError(join_path(path, "high"), "must be at least low (" + out["low"].dump() +
                                                   "), got " + out["high"].dump());
  }
  return out;
}

ValueDistribution::ValueDistribution(const Json& config) : config_(config) {
  const std::string kind = config.at("distribution").get<std::string>();
  if (kind == "uniform") {
    kind_ = Kind::kUniform;
    a_ = config.at("low").get<double>();
    b_ = config.at("high").get<double>();
    if (a_ == b_) {
      kind_ = Kind::kConstant;
    } else {
      uniform_ = boost::random::uniform_real_distribution<double>(a_, b_);
      halved_range_ = b_ / 2 - a_ / 2 > std::numeric_limits<double>::max() / 2;
    }
  } else if (kind == "exponential") {
    kind_ = Kind::kExponential;
    a_ = config.at("rate").get<double>();
    exponential_ = boost::random::exponential_distribution<double>(a_);
  } else if (kind == "lognormal") {
    kind_ = Kind::kLognormal;
    a_ = config.at("mu").get<double>();
    b_ = config.at("sigma").get<double>();
    // Boost's lognormal_distribution takes the log-scale parameters m and s.
    lognormal_ = boost::random::lognormal_distribution<double>(a_, b_);
    if (b_ <= kMaxRegularLognormalSigma) {
      phi_table_.resize(kTableSize);
      slope_table_.resize(kTableSize);
      for (int j = 0; j < kTableSize; ++j) {
        phi_table_[j] = lognormal_phi_of_z(kTableLow + j * kTableStep, slope_table_[j]);
      }
    }
  } else {
    AGORA_CHECK(kind == "constant");
    kind_ = Kind::kConstant;
    a_ = config.at("value").get<double>();
  }
}

double ValueDistribution::lower() const {
  return kind_ == Kind::kUniform || kind_ == Kind::kConstant ? a_ : 0.0;
}

double ValueDistribution::upper() const {
  switch (kind_) {
    case Kind::kUniform:
      return b_;
    case Kind::kConstant:
      return a_;
    default:
      return std::numeric_limits<double>::infinity();
  }
}

double ValueDistribution::mean() const {
  switch (kind_) {
    case Kind::kUniform:
      return 0.5 * (a_ + b_);
    case Kind::kExponential:
      return 1.0 / a_;
    case Kind::kLognormal:
      return std::exp(a_ + 0.5 * b_ * b_);
    case Kind::kConstant:
      return a_;
  }
  return a_;
}

double ValueDistribution::quantile(double p) const {
  switch (kind_) {
    case Kind::kUniform:
      return a_ + p * (b_ - a_);
    case Kind::kExponential:
      return -std::log1p(-p) / a_;
    case Kind::kLognormal:
      return boost::math::quantile(boost::math::lognormal_distribution<double>(a_, b_), p);
    case Kind::kConstant:
      return a_;
  }
  return a_;
}

double ValueDistribution::cdf(double v) const {
  if (std::isnan(v)) return v;
  switch (kind_) {
    case Kind::kUniform:
      if (v <= a_) return 0.0;
      if (v >= b_) return 1.0;
      return boost::math::cdf(boost::math::uniform_distribution<double>(a_, b_), v);
    case Kind::kExponential:
      if (v <= 0.0) return 0.0;
      if (v == std::numeric_limits<double>::infinity()) return 1.0;
      return boost::math::cdf(boost::math::exponential_distribution<double>(a_), v);
    case Kind::kLognormal:
      if (v <= 0.0) return 0.0;
      if (v == std::numeric_limits<double>::infinity()) return 1.0;
      return boost::math::cdf(boost::math::lognormal_distribution<double>(a_, b_), v);
    case Kind::kConstant:
      return v >= a_ ? 1.0 : 0.0;
  }
  return 0.0;
}

}  // namespace agora
