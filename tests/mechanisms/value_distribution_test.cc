// Value distributions: moments against their closed forms, draw_n() identical to repeated
// draw(), bounds and quantiles.
#include "mechanisms/value_distribution.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
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
