// Private-value distributions for bidders: uniform[low, high], exponential(rate),
// lognormal(mu, sigma) and constant(value). Configured as a JSON object
// {"distribution": "uniform", "low": 0, "high": 1}; only the keys of the chosen distribution
// are allowed. Draws use Boost.Random distributions, whose algorithms are fixed; the cdf and
// quantile functions come from Boost.Math (a constant's cdf is the step at its value).
//
// For Myerson's optimal auction (Myerson 1981) a distribution also gives its virtual value
// φ(v) = v − (1 − F(v)) / f(v), extended to all v >= 0 by the same formula:
//   uniform[a, b]       φ(v) = 2v − b                 (linear; monopoly reserve max(a, b/2))
//   exponential(λ)      φ(v) = v − 1/λ                (monopoly reserve 1/λ)
//   lognormal(μ, σ)     φ(v) = v (1 − σ M(z)),  z = (ln v − μ)/σ, M = Mills ratio Q/ϕ of the
//                       standard normal; increasing (regular) iff 2 − M(z)(z + σ) >= 0 for
//                       all z, which holds iff σ <= 1.5176 (found numerically; see
//                       docs/mechanisms.md). M comes from std::erfc and std::exp with the
//                       rounding of their arguments corrected (a few ulp; a continued fraction
//                       for z >= 30); the inverse by safeguarded Newton in z, started from a
//                       per-distribution table of φ (tests/mechanisms/value_distribution_test.cc
//                       checks both against Boost.Math in long double).
// Constant distributions have no density and are not regular.
#pragma once

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <string>
#include <vector>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class ValueDistribution {
 public:
  enum class Kind { kUniform, kExponential, kLognormal, kConstant };

  // Validates a distribution object (path names it in errors) and returns the effective one.
  static Json validate(const Json& config, const std::string& path);
  // One distribution object for every bidder, or a non-empty list of one per bidder.
  static Json validate_one_or_list(const Json& config, const std::string& path);
  // From a validated object.
  explicit ValueDistribution(const Json& config);

  double draw(Rng& rng) const {
    switch (kind_) {
      case Kind::kUniform:
        return halved_range_ ? uniform_(rng) : uniform_real(rng, a_, b_);
      case Kind::kExponential:
        return exponential_(rng);
      case Kind::kLognormal:
        return lognormal_(rng);
      case Kind::kConstant:
        return a_;
    }
    return a_;
  }

  // n consecutive draws, identical to n calls of draw() (the switch is taken once).
  void draw_n(Rng& rng, double* out, int n) const {
    switch (kind_) {
      case Kind::kUniform: {
        if (halved_range_) {
          for (int i = 0; i < n; ++i) out[i] = uniform_(rng);
          return;
        }
        const double low = a_;
        const double high = b_;
        for (int i = 0; i < n; ++i) out[i] = uniform_real(rng, low, high);
        return;
      }
      case Kind::kExponential: {
        const auto exponential = exponential_;
        for (int i = 0; i < n; ++i) out[i] = exponential(rng);
        return;
      }
      case Kind::kLognormal:
        for (int i = 0; i < n; ++i) out[i] = lognormal_(rng);
        return;
      case Kind::kConstant:
        for (int i = 0; i < n; ++i) out[i] = a_;
        return;
    }
  }

  Kind kind() const { return kind_; }
  double lower() const;  // infimum of the support
  double upper() const;  // supremum of the support (+inf when unbounded)
  double mean() const;
  // Quantile function, for automatic bid bounds on unbounded distributions.
  double quantile(double p) const;
  // Cumulative distribution function F(v) = P(value <= v), for every real v (0 below the
  // support, 1 above it; a constant c gives the step 1{v >= c}).
  double cdf(double v) const;
  // Myerson: validates like validate() and also requires a regular distribution.
  static Json validate_regular(const Json& config, const std::string& path);
  // Requires a regular distribution (validate_regular).
  double virtual_value(double v) const {
    switch (kind_) {
      case Kind::kUniform:
        return 2.0 * v - b_;
      case Kind::kExponential:
        return v - 1.0 / a_;
      default:
        return lognormal_virtual_value(v);
    }
  }
  // The least v with φ(v) >= y (φ is continuous and increasing from −∞ or φ(0) upwards).
  double inverse_virtual_value(double y) const {
    switch (kind_) {
      case Kind::kUniform:
        return std::max(0.0, 0.5 * (y + b_));
      case Kind::kExponential:
        return std::max(0.0, y + 1.0 / a_);
      default:
        return lognormal_inverse_virtual_value(y);
    }
  }
  // The least type that is served: φ^{-1}(0), or the bottom of the support when φ is positive
  // on all of it (uniform[a, b] with a > b/2), since no type below the support exists to
  // charge for (the payment identity integrates from the bottom of the support).
  double myerson_reserve() const { return std::max(lower(), inverse_virtual_value(0.0)); }
  static constexpr double kMaxRegularLognormalSigma = 1.5176;

  Json to_json() const { return config_; }
  bool operator==(const ValueDistribution& other) const { return config_ == other.config_; }

 private:
  double lognormal_virtual_value(double v) const;
  double lognormal_inverse_virtual_value(double y) const;
  // φ(e^{μ+σz}) and its derivative in z.
  double lognormal_phi_of_z(double z, double& slope) const;

  Json config_;
  Kind kind_;
  double a_ = 0.0;
  double b_ = 0.0;
  // Uniform draws are Boost's uniform_real_distribution, through core/rng.h's exact fast path
  // unless the range is so wide that Boost halves it first.
  boost::random::uniform_real_distribution<double> uniform_;
  bool halved_range_ = false;
  boost::random::exponential_distribution<double> exponential_;
  mutable boost::random::lognormal_distribution<double> lognormal_;
  // Regular lognormal: φ and dφ/dz at z = −8, −7.75, ..., 16, to start the inverse's Newton
  // iteration from cubic Hermite interpolation.
  std::vector<double> phi_table_;
  std::vector<double> slope_table_;
};

}  // namespace agora
