#include "analysis/stats.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"

namespace stats = agora::stats;
using agora::Json;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("mean and sample standard deviation") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  CHECK(stats::mean(values) == doctest::Approx(3.0));
  CHECK(stats::sample_std(values) == doctest::Approx(std::sqrt(2.5)));
  CHECK(std::isnan(stats::mean(std::vector<double>{})));
  CHECK(std::isnan(stats::sample_std(std::vector<double>{7.0})));
}

TEST_CASE("Student-t quantiles match the tables") {
  // Two-sided 95% critical values t_{0.975, df} and others from standard tables.
  CHECK(stats::t_quantile(0.975, 1) == doctest::Approx(12.706205).epsilon(1e-6));
  CHECK(stats::t_quantile(0.975, 4) == doctest::Approx(2.776445).epsilon(1e-6));
  CHECK(stats::t_quantile(0.975, 30) == doctest::Approx(2.042272).epsilon(1e-6));
  CHECK(stats::t_quantile(0.95, 9) == doctest::Approx(1.833113).epsilon(1e-6));
  CHECK(stats::t_quantile(0.995, 29) == doctest::Approx(2.756386).epsilon(1e-6));
  CHECK(stats::t_quantile(0.5, 3) == doctest::Approx(0.0));
}

TEST_CASE("t interval for {1,2,3,4,5}: 3 ± 2.776445·sqrt(2.5)/sqrt(5)") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const auto ci = stats::t_interval(values);
  REQUIRE(ci.has_value());
  CHECK(ci->lo == doctest::Approx(3.0 - 1.963243).epsilon(1e-6));
  CHECK(ci->hi == doctest::Approx(3.0 + 1.963243).epsilon(1e-6));
}

TEST_CASE("t interval at other levels and sizes") {
  // 1..10 at 90%: 5.5 ± 1.833113 · 3.027650 / sqrt(10) = 5.5 ± 1.755072.
  std::vector<double> values;
  for (int i = 1; i <= 10; ++i) values.push_back(i);
  const auto ci90 = stats::t_interval(values, 0.90);
  REQUIRE(ci90.has_value());
  CHECK(ci90->lo == doctest::Approx(5.5 - 1.755072).epsilon(1e-6));
  CHECK(ci90->hi == doctest::Approx(5.5 + 1.755072).epsilon(1e-6));
  // {0, 1} at 95%: 0.5 ± 12.706205 · 0.707107 / sqrt(2) = 0.5 ± 6.353102.
  const auto ci2 = stats::t_interval(std::vector<double>{0.0, 1.0});
  REQUIRE(ci2.has_value());
  CHECK(ci2->hi - 0.5 == doctest::Approx(6.353102).epsilon(1e-6));
  // Identical values: a zero-width interval.
  const auto flat = stats::t_interval(std::vector<double>{2.0, 2.0, 2.0});
  REQUIRE(flat.has_value());
  CHECK(flat->lo == 2.0);
  CHECK(flat->hi == 2.0);
  CHECK_FALSE(stats::t_interval(std::vector<double>{1.0}).has_value());
  CHECK_THROWS_AS(stats::t_interval(values, 1.0), agora::InvariantError);
}

TEST_CASE("ci keys follow the level") {
  CHECK(stats::ci_key(0.95) == "ci95");
  CHECK(stats::ci_key(0.9) == "ci90");
  CHECK(stats::ci_key(0.99) == "ci99");
  CHECK(stats::ci_key(0.995) == "ci99.5");
}

TEST_CASE("summarize: mean, std, interval and n") {
  const Json s = stats::summarize(std::vector<double>{1, 2, 3, 4, 5});
  CHECK(s["n"] == 5);
  CHECK(s["mean"].get<double>() == doctest::Approx(3.0));
  CHECK(s["std"].get<double>() == doctest::Approx(1.581139).epsilon(1e-6));
  REQUIRE(s["ci95"].is_array());
  CHECK(s["ci95"][0].get<double>() == doctest::Approx(1.036757).epsilon(1e-6));
  CHECK(s["ci95"][1].get<double>() == doctest::Approx(4.963243).epsilon(1e-6));
  CHECK_FALSE(s.contains("note"));
  CHECK_FALSE(s.contains("missing"));
}

TEST_CASE("summarize: one value has no interval and says why; NaN counts as missing") {
  const Json one = stats::summarize(std::vector<double>{0.25}, 0.95, "seed");
  CHECK(one["n"] == 1);
  CHECK(one["mean"].get<double>() == 0.25);
  CHECK(one["std"].is_null());
  CHECK(one["ci95"].is_null());
  CHECK(one["note"] == "one seed: no interval");

  const Json none = stats::summarize(std::vector<double>{kNaN}, 0.95, "seed");
  CHECK(none["n"] == 0);
  CHECK(none["mean"].is_null());
  CHECK(none["missing"] == 1);
  CHECK(none["note"] == "no seeds: no statistics");

  const Json some = stats::summarize(std::vector<double>{1, kNaN, 3}, 0.9);
  CHECK(some["n"] == 2);
  CHECK(some["missing"] == 1);
  CHECK(some["mean"].get<double>() == 2.0);
  CHECK(some["ci90"].is_array());
}

TEST_CASE("aggregate_runs summarises each metric's per-run mean and tail mean over seeds") {
  const std::vector<Json> runs = {
      Json::parse(R"({"revenue": {"mean": 1.0, "tail_mean": 2.0, "std": 9.0},
                      "welfare": {"mean": 5.0, "tail_mean": null}})"),
      Json::parse(R"({"revenue": {"mean": 2.0, "tail_mean": 4.0},
                      "welfare": {"mean": 7.0, "tail_mean": 1.0}})"),
      Json::parse(R"({"revenue": {"mean": 3.0, "tail_mean": 6.0}})"),
  };
  const Json out = stats::aggregate_runs(runs);
  CHECK(out["revenue"]["mean"]["n"] == 3);
  CHECK(out["revenue"]["mean"]["mean"].get<double>() == doctest::Approx(2.0));
  CHECK(out["revenue"]["tail_mean"]["mean"].get<double>() == doctest::Approx(4.0));
  // sd 2, t_{0.975,2} = 4.302653: 4 ± 4.302653 · 2 / sqrt(3).
  CHECK(out["revenue"]["tail_mean"]["ci95"][1].get<double>() ==
        doctest::Approx(4.0 + 4.968275).epsilon(1e-6));
  CHECK_FALSE(out["revenue"].contains("std"));
  CHECK(out["welfare"]["mean"]["n"] == 2);
  CHECK(out["welfare"]["mean"]["missing"] == 1);
  CHECK(out["welfare"]["tail_mean"]["n"] == 1);
  CHECK(out["welfare"]["tail_mean"]["note"] == "one seed: no interval");
}
