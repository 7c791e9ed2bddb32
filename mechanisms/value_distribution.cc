#include "mechanisms/value_distribution.h"

#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/special_functions/erf.hpp>
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

// M(z) = Q(z) / ϕ(z), the Mills ratio of the standard normal; the continued fraction
// (Abramowitz & Stegun 26.2.14) where erfc underflows.
double mills_ratio(double z) {
  if (z < 30.0) {
    return 0.5 * boost::math::erfc(z / std::sqrt(2.0)) * std::sqrt(2.0 * M_PI) *
           std::exp(0.5 * z * z);
  }
  double fraction = z;
  for (int k = 40; k >= 1; --k) fraction = z + k / fraction;
  return 1.0 / fraction;
}

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

double ValueDistribution::lognormal_inverse_virtual_value(double y) const {
  AGORA_CHECK(kind_ == Kind::kLognormal);
  if (y == -std::numeric_limits<double>::infinity()) return 0.0;
  // φ(e^{μ+σz}) is increasing in z; bracket y in z, then bisect.
  const auto phi = [this](double z) { return lognormal_virtual_value(std::exp(a_ + b_ * z)); };
  double lo = -1.0;
  double hi = 1.0;
  while (phi(lo) > y && lo > -60.0) lo *= 2.0;
  while (phi(hi) < y && hi < 1e3) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(1.0, std::abs(hi)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (phi(mid) < y ? lo : hi) = mid;
  }
  return std::exp(a_ + b_ * hi);
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
