// Value distributions: moments against their closed forms, draw_n() identical to repeated
// draw(), bounds and quantiles.
#include "mechanisms/value_distribution.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace agora::testing {
namespace {

ValueDistribution make(const char* json) {
  return ValueDistribution(ValueDistribution::validate(Json::parse(json), "values"));
}

TEST_CASE("draw_n is bitwise identical to repeated draw()") {
  for (const char* config :
       {R"({"distribution": "uniform", "low": 0.2, "high": 1.7})", R"({"distribution": "uniform"})",
        R"({"distribution": "exponential", "rate": 2})",
        R"({"distribution": "lognormal", "mu": -0.5, "sigma": 0.8})",
        R"({"distribution": "constant", "value": 3})",
        R"({"distribution": "uniform", "low": 2, "high": 2})"}) {
    INFO(std::string(config));
    const ValueDistribution d = make(config);
    Rng a(5), b(5);
    std::vector<double> batch(10007);
    d.draw_n(a, batch.data(), static_cast<int>(batch.size()));
    for (double x : batch) {
      const double y = d.draw(b);
      REQUIRE(std::memcmp(&x, &y, sizeof x) == 0);
    }
    CHECK(a == b);
  }
}

TEST_CASE("sample means match the closed forms; draws lie in the support") {
  // 5 standard errors of the mean of N draws: sd / sqrt(N) with the closed-form sd.
  constexpr int kDraws = 200000;
  struct Case {
    const char* config;
    double mean;
    double sd;
  };
  const double lognormal_mean = std::exp(0.1 + 0.5 * 0.25);
  const std::vector<Case> cases = {
      {R"({"distribution": "uniform", "low": 1, "high": 3})", 2.0, 2.0 / std::sqrt(12.0)},
      {R"({"distribution": "exponential", "rate": 4})", 0.25, 0.25},
      {R"({"distribution": "lognormal", "mu": 0.1, "sigma": 0.5})", lognormal_mean,
       lognormal_mean * std::sqrt(std::exp(0.25) - 1)},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.config));
    const ValueDistribution d = make(c.config);
    CHECK(d.mean() == doctest::Approx(c.mean));
    Rng rng(6);
    std::vector<double> x(kDraws);
    d.draw_n(rng, x.data(), kDraws);
    double sum = 0.0;
    for (double v : x) {
      sum += v;
      CHECK_FALSE((v < d.lower() || v > d.upper()));
    }
    CHECK(std::fabs(sum / kDraws - c.mean) <= 5 * c.sd / std::sqrt(double{kDraws}));
  }
}

TEST_CASE("bounds and quantiles") {
  const ValueDistribution u = make(R"({"distribution": "uniform", "low": 1, "high": 3})");
  CHECK(u.lower() == 1.0);
  CHECK(u.upper() == 3.0);
  CHECK(u.quantile(0.25) == 1.5);
  const ValueDistribution e = make(R"({"distribution": "exponential", "rate": 2})");
  CHECK(std::isinf(e.upper()));
  CHECK(e.quantile(0.5) == doctest::Approx(std::log(2.0) / 2));
  const ValueDistribution l = make(R"({"distribution": "lognormal", "mu": 0, "sigma": 1})");
  CHECK(l.quantile(0.5) == doctest::Approx(1.0));
  const ValueDistribution c = make(R"({"distribution": "constant", "value": 2.5})");
  CHECK(c.lower() == 2.5);
  CHECK(c.upper() == 2.5);
}

}  // namespace
}  // namespace agora::testing

// ---------------------------------------------------------------------------------------------
// Virtual values, their inverses, regularity and monopoly reserves (Myerson 1981, "Optimal
// auction design"; Krishna, Auction Theory, 2nd ed. 2010, ch. 5): φ(v) = v − (1 − F(v)) / f(v).
//   uniform[a, b]:  F = (v − a)/(b − a), f = 1/(b − a)  =>  φ(v) = v − (b − v) = 2v − b
//   exponential(λ): (1 − F)/f = e^{−λv} / (λ e^{−λv}) = 1/λ  =>  φ(v) = v − 1/λ
//   lognormal:      checked against Boost.Math's cdf (complement) and pdf.
// The monopoly reserve is the root of φ: b/2, 1/λ, and for the lognormal a bisection of our
// own on the Boost.Math φ.
#include <boost/math/distributions/lognormal.hpp>
#include <utility>

#include "core/error.h"

namespace agora::testing {
namespace {

ValueDistribution make_regular(const Json& config) {
  return ValueDistribution(ValueDistribution::validate_regular(config, "values"));
}

Json uniform(double low, double high) {
  return {{"distribution", "uniform"}, {"low", low}, {"high", high}};
}

Json lognormal(double mu, double sigma) {
  return {{"distribution", "lognormal"}, {"mu", mu}, {"sigma", sigma}};
}

// φ(v) = v − (1 − F(v)) / f(v) from Boost.Math, independent of the library's Mills ratio.
double boost_lognormal_virtual_value(double mu, double sigma, double v) {
  const boost::math::lognormal_distribution<double> d(mu, sigma);
  return v - boost::math::cdf(boost::math::complement(d, v)) / boost::math::pdf(d, v);
}

// The root of the Boost.Math φ by bisection on a bracket of the support.
double boost_lognormal_reserve(double mu, double sigma) {
  const boost::math::lognormal_distribution<double> d(mu, sigma);
  double lo = boost::math::quantile(d, 1e-6);
  double hi = boost::math::quantile(d, 1.0 - 1e-6);
  REQUIRE(boost_lognormal_virtual_value(mu, sigma, lo) < 0.0);
  REQUIRE(boost_lognormal_virtual_value(mu, sigma, hi) > 0.0);
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (boost_lognormal_virtual_value(mu, sigma, mid) < 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

TEST_CASE("uniform and exponential virtual values are 2v − b and v − 1/λ") {
  const ValueDistribution u01 = make_regular(uniform(0, 1));
  const ValueDistribution u13 = make_regular(uniform(1, 3));
  const ValueDistribution e2 = make_regular({{"distribution", "exponential"}, {"rate", 2}});
  for (double v : {0.0, 0.25, 0.5, 0.9, 1.0}) {
    CHECK(u01.virtual_value(v) == doctest::Approx(2 * v - 1));
    CHECK(e2.virtual_value(v) == doctest::Approx(v - 0.5));
  }
  CHECK(u13.virtual_value(1.0) == doctest::Approx(-1.0));  // 2 − 3
  CHECK(u13.virtual_value(2.0) == doctest::Approx(1.0));   // 4 − 3
  CHECK(u13.virtual_value(3.0) == doctest::Approx(3.0));   // φ(b) = b
}

TEST_CASE("lognormal virtual value matches Boost.Math's cdf and pdf") {
  for (const auto& [mu, sigma] : {std::pair{0.0, 1.0}, {-0.5, 0.8}, {1.0, 1.5}, {0.3, 0.2}}) {
    const ValueDistribution d = make_regular(lognormal(mu, sigma));
    for (double p : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999}) {
      const double v = d.quantile(p);
      INFO("mu " << mu << " sigma " << sigma << " v " << v);
      // Both sides are accurate to a few ulps of v and of (1 − F)/f = v − φ, so the tolerance
      // is 1e-10 of max(v, |φ|).
      const double expected = boost_lognormal_virtual_value(mu, sigma, v);
      CHECK(std::fabs(d.virtual_value(v) - expected) <= 1e-10 * std::max(v, std::fabs(expected)));
    }
  }
}

TEST_CASE("inverse_virtual_value inverts virtual_value") {
  const std::vector<Json> configs = {
      uniform(0, 1),       uniform(0.5, 4),      {{"distribution", "exponential"}, {"rate", 0.5}},
      lognormal(0.0, 1.0), lognormal(-1.0, 0.5), lognormal(2.0, 1.5)};
  for (const Json& config : configs) {
    const ValueDistribution d = make_regular(config);
    INFO(config.dump());
    for (double p : {0.05, 0.3, 0.5, 0.7, 0.95}) {
      const double v = d.quantile(p);
      CHECK(d.inverse_virtual_value(d.virtual_value(v)) == doctest::Approx(v).epsilon(1e-12));
    }
  }
  // Below φ(0) the least v >= 0 with φ(v) >= y is 0: for U[0, 1], φ(0) = −1.
  const ValueDistribution u01 = make_regular(configs[0]);
  CHECK(u01.inverse_virtual_value(-5.0) == 0.0);
  // The lognormal inverse is a bisection: φ(φ^{-1}(y)) = y.
  const ValueDistribution l = make_regular(lognormal(0.0, 1.0));
  for (double y : {-2.0, -0.1, 0.0, 0.5, 3.0, 40.0}) {
    CHECK(l.virtual_value(l.inverse_virtual_value(y)) == doctest::Approx(y).epsilon(1e-9));
  }
}

TEST_CASE("lognormal virtual values increase for sigma <= 1.5, not for sigma = 2") {
  // Regular iff dφ/dv = 2 − M(z)(z + σ) >= 0 for all z, i.e. σ <= 1.5176 (the header).
  for (double sigma : {0.1, 0.5, 1.0, 1.5}) {
    const ValueDistribution d = make_regular(lognormal(0.2, sigma));
    double previous = -INFINITY;
    for (int i = 1; i < 2000; ++i) {
      const double v = d.quantile(i / 2000.0);
      const double phi = d.virtual_value(v);
      INFO("sigma " << sigma << " v " << v);
      REQUIRE(phi > previous);
      previous = phi;
    }
  }
  // σ = 2, μ = 0 (valid but not regular): φ(1) = 1 − 2 M(0) = 1 − 2 sqrt(π/2) = −1.5066 and
  // φ(e) = e (1 − 2 M(0.5)) = −2.0461: φ decreases between them.
  const ValueDistribution wide(ValueDistribution::validate(lognormal(0.0, 2.0), "values"));
  CHECK(wide.virtual_value(1.0) == doctest::Approx(1.0 - 2.0 * std::sqrt(M_PI / 2)));
  CHECK(wide.virtual_value(std::exp(1.0)) < wide.virtual_value(1.0));
}

TEST_CASE("validate_regular rejects distributions without an increasing virtual value") {
  const auto error_path = [](const Json& config) {
    try {
      ValueDistribution::validate_regular(config, "values");
    } catch (const ConfigError& e) {
      return e.path();
    }
    return std::string("(accepted)");
  };
  CHECK(error_path({{"distribution", "constant"}, {"value", 1}}) == "values");
  CHECK(error_path(uniform(2, 2)) == "values");
  CHECK(error_path(lognormal(0.0, 1.6)) == "values.sigma");
  CHECK(error_path(lognormal(0.0, 1.5)) == "(accepted)");
  CHECK(error_path(lognormal(0.0, ValueDistribution::kMaxRegularLognormalSigma)) == "(accepted)");
  CHECK(error_path(uniform(0, 1)) == "(accepted)");
  CHECK(error_path({{"distribution", "exponential"}, {"rate", 3}}) == "(accepted)");
  // validate() itself still accepts all of them (they are fine value distributions).
  CHECK_NOTHROW(ValueDistribution::validate(lognormal(0.0, 1.6), "values"));
  CHECK_NOTHROW(ValueDistribution::validate({{"distribution", "constant"}}, "values"));
}

TEST_CASE("monopoly reserves: b/2, 1/λ and the root of the lognormal φ") {
  for (double b : {1.0, 2.0, 5.0}) {
    CHECK(make_regular(uniform(0, b)).myerson_reserve() == doctest::Approx(b / 2));
  }
  for (double rate : {0.5, 1.0, 4.0}) {
    CHECK(make_regular({{"distribution", "exponential"}, {"rate", rate}}).myerson_reserve() ==
          doctest::Approx(1.0 / rate));
  }
  for (const auto& [mu, sigma] : {std::pair{0.0, 1.0}, {-0.5, 0.8}, {1.0, 1.5}, {0.3, 0.2}}) {
    INFO("mu " << mu << " sigma " << sigma);
    CHECK(make_regular(lognormal(mu, sigma)).myerson_reserve() ==
          doctest::Approx(boost_lognormal_reserve(mu, sigma)).epsilon(1e-9));
  }
}

}  // namespace
}  // namespace agora::testing

// ---------------------------------------------------------------------------------------------
// Accuracy of the lognormal virtual value and its inverse against a long double reference:
// M(z) = erfc(z/√2) √(2π) e^{z²/2} / 2 from Boost.Math's erfc in long double (64-bit mantissa)
// and expl, with z = (ln v − μ)/σ computed in long double from the same double v.
#include <boost/math/special_functions/erf.hpp>

namespace agora::testing {
namespace {

long double reference_virtual_value(long double mu, long double sigma, double v) {
  const long double z = (std::log(static_cast<long double>(v)) - mu) / sigma;
  const long double root2 = std::sqrt(2.0L);
  const long double mills = 0.5L * boost::math::erfc(z / root2) *
                            std::sqrt(2.0L * 3.14159265358979323846264338327950288L) *
                            std::exp(z * z / 2);
  return v * (1 - sigma * mills);
}

const std::vector<std::pair<double, double>> kLognormals = {
    {0.0, 1.0}, {-0.5, 0.3}, {2.0, 1.5}, {0.3, 0.01}, {-3.0, 1.2}, {-3.0, 1.5176}};

TEST_CASE("lognormal virtual value: within 1e-12 of a long double reference for z in [-37, 100]") {
  // The scale is max(v, |φ|) (φ = v − σ v M: a difference of terms of that size). The double
  // z carries an error of ulp(ln v)/σ, which M amplifies by |z| in the left tail (ln M ≈ z²/2),
  // so the bound is 1e-12 there (measured: 2e-13 at z = −37, σ = 0.01) and 1e-13 for |z| <= 8
  // (measured: 1.4e-14).
  for (const auto& [mu, sigma] : kLognormals) {
    const ValueDistribution d = make_regular(lognormal(mu, sigma));
    for (double z = -37.0; z <= 100.0; z += 0.0137) {
      const double v = std::exp(mu + sigma * z);
      const long double expected = reference_virtual_value(mu, sigma, v);
      const double scale = std::max(v, static_cast<double>(std::fabs(expected)));
      const double error = static_cast<double>(std::fabs(d.virtual_value(v) - expected)) / scale;
      INFO("mu " << mu << " sigma " << sigma << " z " << z << " v " << v);
      CHECK(error <= (std::fabs(z) <= 8.0 ? 1e-13 : 1e-12));
    }
  }
}

TEST_CASE(
    "lognormal inverse virtual value: the root of the reference φ, in and outside its table") {
  // For y = φ(v) over z in [-12, 60] (the table covers [-8, 16]): the inverse w has a residual
  // |φ_ref(w) − y| <= 1e-13 max(w, |y|), and, where φ is not flat (σ <= 1.2; at the regularity
  // limit σ = 1.5176, φ' vanishes at one z and the root is ill-conditioned), the reference φ
  // changes sign within 1e-12 of w. Also y = 0 (the monopoly reserve) and y below φ(0+) = −∞.
  for (const auto& [mu, sigma] : kLognormals) {
    const ValueDistribution d = make_regular(lognormal(mu, sigma));
    INFO("mu " << mu << " sigma " << sigma);
    std::vector<double> targets = {0.0};
    for (double z = -12.0; z <= 60.0; z += 0.0131) {
      targets.push_back(
          static_cast<double>(reference_virtual_value(mu, sigma, std::exp(mu + sigma * z))));
    }
    for (double y : targets) {
      const double w = d.inverse_virtual_value(y);
      INFO("y " << y << " w " << w);
      const long double at = reference_virtual_value(mu, sigma, w);
      CHECK(static_cast<double>(std::fabs(at - y)) <= 1e-13 * std::max(w, std::fabs(y)));
      if (sigma <= 1.2) {
        CHECK(reference_virtual_value(mu, sigma, w * (1 - 1e-12)) < y);
        CHECK(reference_virtual_value(mu, sigma, w * (1 + 1e-12)) >= y);
      }
    }
    CHECK(d.inverse_virtual_value(-std::numeric_limits<double>::infinity()) == 0.0);
  }
}

}  // namespace
}  // namespace agora::testing
