#include "analysis/stats.h"

#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"

namespace stats = agora::stats;
using agora::Json;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// R's `sleep` data (Student 1908, "The probable error of a mean", Biometrika 6: extra hours of
// sleep of 10 patients under two drugs; the same patients in both groups).
const std::vector<double> kSleep1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kSleep2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

std::vector<double> normal_sample(std::size_t n, double mu, double sigma, std::uint64_t seed) {
  boost::random::mt19937_64 engine(seed);
  boost::random::normal_distribution<double> normal(mu, sigma);
  std::vector<double> out(n);
  for (double& x : out) x = normal(engine);
  return out;
}
}  // namespace

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

TEST_CASE("type 7 sample quantiles match R's quantile()") {
  // R: quantile(1:10) -> 1.00 3.25 5.50 7.75 10.00; quantile(1:10, 0.1) -> 1.9.
  std::vector<double> values;
  for (int i = 10; i >= 1; --i) values.push_back(i);  // order does not matter
  CHECK(stats::quantile(values, 0.0) == doctest::Approx(1.0));
  CHECK(stats::quantile(values, 0.25) == doctest::Approx(3.25));
  CHECK(stats::quantile(values, 0.5) == doctest::Approx(5.5));
  CHECK(stats::quantile(values, 0.75) == doctest::Approx(7.75));
  CHECK(stats::quantile(values, 1.0) == doctest::Approx(10.0));
  CHECK(stats::quantile(values, 0.1) == doctest::Approx(1.9));
  // R: quantile(c(1, 3, 2, 4), 0.25) -> 1.75; NaN is dropped like na.rm = TRUE.
  CHECK(stats::quantile(std::vector<double>{1, kNaN, 3, 2, 4}, 0.25) == doctest::Approx(1.75));
  CHECK(stats::quantile(std::vector<double>{7.0}, 0.3) == 7.0);
  CHECK(std::isnan(stats::quantile(std::vector<double>{kNaN}, 0.5)));
  CHECK_THROWS_AS(stats::quantile(values, 1.5), agora::InvariantError);
}

TEST_CASE("two-sided t p-values of known statistics") {
  // Critical values from the t tables (the same as t_quantile above): P(|T| >= t) = 0.05 / 0.01.
  CHECK(stats::t_two_sided_p(2.262157, 9) == doctest::Approx(0.05).epsilon(1e-5));
  CHECK(stats::t_two_sided_p(-2.262157, 9) == doctest::Approx(0.05).epsilon(1e-5));
  CHECK(stats::t_two_sided_p(12.706205, 1) == doctest::Approx(0.05).epsilon(1e-5));
  CHECK(stats::t_two_sided_p(2.756386, 29) == doctest::Approx(0.01).epsilon(1e-5));
  // Large df approaches the normal: P(|Z| >= 1.959964) = 0.05.
  CHECK(stats::t_two_sided_p(1.959964, 1e7) == doctest::Approx(0.05).epsilon(1e-5));
  // df = 1 is Cauchy: P(|T| >= 1) = 1 - 2 atan(1) / pi = 0.5 exactly.
  CHECK(stats::t_two_sided_p(1.0, 1) == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(stats::t_two_sided_p(0.0, 5) == doctest::Approx(1.0));
  CHECK(stats::t_two_sided_p(kInf, 5) == 0.0);
  CHECK(stats::t_two_sided_p(-kInf, 5) == 0.0);
  CHECK(std::isnan(stats::t_two_sided_p(kNaN, 5)));
  CHECK_THROWS_AS(stats::t_two_sided_p(1.0, 0.0), agora::InvariantError);
}

TEST_CASE("paired t-test reproduces R's t.test(extra ~ group, data = sleep, paired = TRUE)") {
  // R 4.x output: t = -4.0621, df = 9, p-value = 0.002833,
  // 95 percent confidence interval: -2.4598858 -0.7001142, mean difference -1.58.
  // (Checked independently: sd of differences 1.2299955, t = -4.0621277; p and t_{0.975,9}
  // by numerical integration of the t density.)
  const stats::Difference d = stats::paired_difference(kSleep1, kSleep2);
  CHECK(d.method == "paired t");
  CHECK(d.n == 10);
  CHECK(d.estimate == doctest::Approx(-1.58).epsilon(1e-12));
  CHECK(d.degrees_of_freedom == 9.0);
  CHECK(d.p_value == doctest::Approx(0.002832890).epsilon(1e-6));
  REQUIRE(d.ci.has_value());
  CHECK(d.ci->lo == doctest::Approx(-2.4598858).epsilon(1e-7));
  CHECK(d.ci->hi == doctest::Approx(-0.7001142).epsilon(1e-7));
  CHECK(stats::significance_marker(d.p_value) == "**");
  // Swapping the groups flips the sign and keeps p.
  const stats::Difference r = stats::paired_difference(kSleep2, kSleep1);
  CHECK(r.estimate == doctest::Approx(1.58).epsilon(1e-12));
  CHECK(r.p_value == doctest::Approx(d.p_value).epsilon(1e-12));
  REQUIRE(r.ci.has_value());
  CHECK(r.ci->lo == doctest::Approx(-d.ci->hi).epsilon(1e-12));
  // At 99% (R: conf.level = 0.99): -1.58 ± t_{0.995,9} · 1.2299955 / sqrt(10),
  // t_{0.995,9} = 3.249836 (tables) -> [-2.8440807, -0.3159193].
  const stats::Difference d99 = stats::paired_difference(kSleep1, kSleep2, 0.99);
  REQUIRE(d99.ci.has_value());
  CHECK(d99.ci->lo ==
        doctest::Approx(-1.58 - 3.249836 * 1.2299955 / std::sqrt(10.0)).epsilon(1e-6));
  CHECK(d99.p_value == doctest::Approx(d.p_value).epsilon(1e-12));
}

TEST_CASE("Welch t-test reproduces R's t.test(extra ~ group, data = sleep)") {
  // R 4.x output (Welch Two Sample t-test): t = -1.8608, df = 17.776, p-value = 0.07939,
  // 95 percent confidence interval: -3.3654832 0.2054832; means 0.75 and 2.33.
  // (Checked independently: df = 17.7764735, t = -1.8608135, p = 0.0793941.)
  const stats::Difference d = stats::welch_difference(kSleep1, kSleep2);
  CHECK(d.method == "Welch t");
  CHECK(d.n == 20);
  CHECK(d.estimate == doctest::Approx(-1.58).epsilon(1e-12));
  CHECK(d.degrees_of_freedom == doctest::Approx(17.7764735).epsilon(1e-8));
  CHECK(d.p_value == doctest::Approx(0.0793941).epsilon(1e-5));
  REQUIRE(d.ci.has_value());
  CHECK(d.ci->lo == doctest::Approx(-3.3654832).epsilon(1e-7));
  CHECK(d.ci->hi == doctest::Approx(0.2054832).epsilon(1e-6));
  CHECK(stats::significance_marker(d.p_value) == "");
}

TEST_CASE("Welch df: equal variances and sizes give n_a + n_b - 2; unequal sizes differ") {
  // Same spread in both groups: Welch–Satterthwaite df = 2(n-1) and t equals Student's pooled t.
  // {1,2,3,4,5} vs {3,4,5,6,7}: difference -2, se = sqrt(2.5/5 + 2.5/5) = 1, t = -2, df = 8.
  const stats::Difference d = stats::welch_difference(std::vector<double>{1, 2, 3, 4, 5},
                                                      std::vector<double>{3, 4, 5, 6, 7});
  CHECK(d.estimate == doctest::Approx(-2.0));
  CHECK(d.degrees_of_freedom == doctest::Approx(8.0));
  CHECK(d.p_value == doctest::Approx(stats::t_two_sided_p(2.0, 8.0)).epsilon(1e-12));
  REQUIRE(d.ci.has_value());
  CHECK(d.ci->hi == doctest::Approx(-2.0 + stats::t_quantile(0.975, 8.0)));
  // One constant group: df = n_other - 1.
  const stats::Difference one_flat =
      stats::welch_difference(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{0, 0, 0});
  CHECK(one_flat.degrees_of_freedom == doctest::Approx(4.0));
}

TEST_CASE("t-tests drop NaN and need enough values") {
  // A NaN on either side drops the whole pair.
  std::vector<double> a = kSleep1;
  std::vector<double> b = kSleep2;
  a.push_back(kNaN);
  b.push_back(100.0);
  a.push_back(100.0);
  b.push_back(kNaN);
  const stats::Difference with_nan = stats::paired_difference(a, b);
  CHECK(with_nan.n == 10);
  CHECK(with_nan.p_value == doctest::Approx(0.002832890).epsilon(1e-6));
  const stats::Difference welch_nan = stats::welch_difference(a, b);
  CHECK(welch_nan.n == 22);  // 11 finite values each
  CHECK(welch_nan.estimate ==
        doctest::Approx(stats::mean(std::vector<double>{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8,
                                                        0.0, 2.0, 100.0}) -
                        stats::mean(std::vector<double>{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6,
                                                        4.6, 3.4, 100.0})));

  // One usable pair: an estimate but no interval or test.
  const stats::Difference one_pair =
      stats::paired_difference(std::vector<double>{1.0, kNaN}, std::vector<double>{0.5, 2.0});
  CHECK(one_pair.n == 1);
  CHECK(one_pair.estimate == 0.5);
  CHECK_FALSE(one_pair.ci.has_value());
  CHECK(std::isnan(one_pair.p_value));
  CHECK(std::isnan(one_pair.degrees_of_freedom));
  CHECK(stats::significance_marker(one_pair.p_value) == "");
  const stats::Difference no_pairs =
      stats::paired_difference(std::vector<double>{}, std::vector<double>{});
  CHECK(no_pairs.n == 0);
  CHECK(std::isnan(no_pairs.estimate));
  CHECK_FALSE(no_pairs.ci.has_value());

  const stats::Difference welch_short =
      stats::welch_difference(std::vector<double>{1.0, kNaN}, std::vector<double>{1, 2, 3});
  CHECK(welch_short.n == 4);
  CHECK(welch_short.estimate == doctest::Approx(-1.0));
  CHECK_FALSE(welch_short.ci.has_value());
  CHECK(std::isnan(welch_short.p_value));
  CHECK(std::isnan(
      stats::welch_difference(std::vector<double>{}, std::vector<double>{1, 2}).estimate));

  CHECK_THROWS_AS(stats::paired_difference(std::vector<double>{1, 2}, std::vector<double>{1}),
                  agora::InvariantError);
  CHECK_THROWS_AS(stats::paired_difference(kSleep1, kSleep2, 0.0), agora::InvariantError);
  CHECK_THROWS_AS(stats::welch_difference(kSleep1, kSleep2, 1.0), agora::InvariantError);
}

TEST_CASE("t-tests with identical values: a zero-width interval, p = 0 or 1") {
  const std::vector<double> a = {1.5, 2.5, 3.5};
  const std::vector<double> b = {1.0, 2.0, 3.0};
  const stats::Difference shifted = stats::paired_difference(a, b);
  CHECK(shifted.estimate == 0.5);
  CHECK(shifted.degrees_of_freedom == 2.0);
  REQUIRE(shifted.ci.has_value());
  CHECK(shifted.ci->lo == 0.5);
  CHECK(shifted.ci->hi == 0.5);
  CHECK(shifted.p_value == 0.0);
  const stats::Difference same = stats::paired_difference(b, b);
  CHECK(same.estimate == 0.0);
  REQUIRE(same.ci.has_value());
  CHECK(same.ci->lo == 0.0);
  CHECK(same.ci->hi == 0.0);
  CHECK(same.p_value == 1.0);

  const stats::Difference flat =
      stats::welch_difference(std::vector<double>{2, 2, 2}, std::vector<double>{1, 1});
  CHECK(flat.estimate == 1.0);
  REQUIRE(flat.ci.has_value());
  CHECK(flat.ci->lo == 1.0);
  CHECK(flat.ci->hi == 1.0);
  CHECK(flat.p_value == 0.0);
  CHECK(std::isnan(flat.degrees_of_freedom));
  // Values whose mean is inexact in binary (0.1 · 3 / 3 != 0.1) still count as constant.
  const stats::Difference tenths = stats::welch_difference(std::vector<double>{0.1, 0.1, 0.1},
                                                           std::vector<double>{0.3, 0.3, 0.3});
  REQUIRE(tenths.ci.has_value());
  CHECK(tenths.ci->hi - tenths.ci->lo == 0.0);
  CHECK(tenths.p_value == 0.0);
  CHECK(std::isnan(tenths.degrees_of_freedom));
  CHECK(stats::welch_difference(std::vector<double>{2, 2}, std::vector<double>{2, 2, 2}).p_value ==
        1.0);
}

TEST_CASE("significance markers") {
  CHECK(stats::significance_marker(0.0) == "***");
  CHECK(stats::significance_marker(0.000999) == "***");
  CHECK(stats::significance_marker(0.001) == "**");
  CHECK(stats::significance_marker(0.00999) == "**");
  CHECK(stats::significance_marker(0.01) == "*");
  CHECK(stats::significance_marker(0.0499) == "*");
  CHECK(stats::significance_marker(0.05) == "");
  CHECK(stats::significance_marker(0.5) == "");
  CHECK(stats::significance_marker(1.0) == "");
  CHECK(stats::significance_marker(kNaN) == "");
}

TEST_CASE("bootstrap interval is deterministic for a seed") {
  const std::vector<double> values = normal_sample(50, 1.0, 2.0, 11);
  const auto first = stats::bootstrap_interval(values, 0.95, 2000, 42);
  const auto again = stats::bootstrap_interval(values, 0.95, 2000, 42);
  const auto other = stats::bootstrap_interval(values, 0.95, 2000, 43);
  REQUIRE(first.has_value());
  REQUIRE(again.has_value());
  REQUIRE(other.has_value());
  CHECK(first->lo == again->lo);
  CHECK(first->hi == again->hi);
  CHECK((first->lo != other->lo || first->hi != other->hi));
  // Monte Carlo noise only: the two seeds agree to a small share of the width.
  const double width = first->hi - first->lo;
  CHECK(std::fabs(first->lo - other->lo) < 0.1 * width);
  CHECK(std::fabs(first->hi - other->hi) < 0.1 * width);
  CHECK(first->lo < stats::mean(values));
  CHECK(first->hi > stats::mean(values));
  // NaN values are dropped before resampling: same finite values, same draws.
  std::vector<double> with_nan = values;
  with_nan.insert(with_nan.begin() + 7, kNaN);
  with_nan.push_back(kNaN);
  const auto dropped = stats::bootstrap_interval(with_nan, 0.95, 2000, 42);
  REQUIRE(dropped.has_value());
  CHECK(dropped->lo == first->lo);
  CHECK(dropped->hi == first->hi);
  // A higher level gives a wider interval from the same resamples.
  const auto wide = stats::bootstrap_interval(values, 0.99, 2000, 42);
  REQUIRE(wide.has_value());
  CHECK(wide->lo <= first->lo);
  CHECK(wide->hi >= first->hi);
}

TEST_CASE("bootstrap interval: too few values, identical values, bad arguments") {
  CHECK_FALSE(stats::bootstrap_interval(std::vector<double>{}, 0.95, 100, 1).has_value());
  CHECK_FALSE(stats::bootstrap_interval(std::vector<double>{1.0}, 0.95, 100, 1).has_value());
  CHECK_FALSE(
      stats::bootstrap_interval(std::vector<double>{1.0, kNaN, kNaN}, 0.95, 100, 1).has_value());
  const auto flat = stats::bootstrap_interval(std::vector<double>{3.0, 3.0, 3.0}, 0.95, 100, 1);
  REQUIRE(flat.has_value());
  CHECK(flat->lo == 3.0);
  CHECK(flat->hi == 3.0);
  // Every resampled mean lies within the data range.
  const auto two = stats::bootstrap_interval(std::vector<double>{0.0, 1.0}, 0.95, 500, 5);
  REQUIRE(two.has_value());
  CHECK(two->lo >= 0.0);
  CHECK(two->hi <= 1.0);
  CHECK(two->lo < two->hi);
  CHECK_THROWS_AS(stats::bootstrap_interval(std::vector<double>{1, 2}, 0.95, 0, 1),
                  agora::InvariantError);
  CHECK_THROWS_AS(stats::bootstrap_interval(std::vector<double>{1, 2}, 1.0, 10, 1),
                  agora::InvariantError);
}

TEST_CASE("bootstrap interval of a large normal sample is close to the t interval") {
  // For n = 2000 normal values the bootstrap distribution of the mean is close to normal with sd
  // sd·sqrt((n-1)/n)/sqrt(n), so the 95% percentile interval matches the t interval to within
  // Monte Carlo error (about 0.04 standard errors per endpoint with 4000 resamples).
  const std::vector<double> values = normal_sample(2000, 5.0, 3.0, 2024);
  const auto t = stats::t_interval(values, 0.95);
  const auto boot = stats::bootstrap_interval(values, 0.95, 4000, 7);
  REQUIRE(t.has_value());
  REQUIRE(boot.has_value());
  const double half_width = (t->hi - t->lo) / 2.0;
  CHECK(std::fabs(boot->lo - t->lo) < 0.1 * half_width);
  CHECK(std::fabs(boot->hi - t->hi) < 0.1 * half_width);
  CHECK((boot->hi - boot->lo) == doctest::Approx(t->hi - t->lo).epsilon(0.05));
}

TEST_CASE("paired bootstrap: sign, interval and p-value on a clearly shifted sample") {
  // a_i = b_i + 1 + small noise: the difference is about +1, far from 0.
  const std::vector<double> b = normal_sample(40, 10.0, 2.0, 3);
  const std::vector<double> noise = normal_sample(40, 0.0, 0.3, 4);
  std::vector<double> a(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) a[i] = b[i] + 1.0 + noise[i];
  const stats::Difference up = stats::bootstrap_paired_difference(a, b, 0.95, 2000, 9);
  CHECK(up.method == "paired bootstrap");
  CHECK(up.n == 40);
  CHECK(up.estimate == doctest::Approx(1.0 + stats::mean(noise)));
  CHECK(std::isnan(up.degrees_of_freedom));
  REQUIRE(up.ci.has_value());
  CHECK(up.ci->lo > 0.0);
  CHECK(up.ci->lo < up.estimate);
  CHECK(up.ci->hi > up.estimate);
  CHECK(up.p_value == 0.0);
  CHECK(stats::significance_marker(up.p_value) == "***");
  // The interval agrees with the paired t interval to within bootstrap error.
  const stats::Difference t = stats::paired_difference(a, b);
  REQUIRE(t.ci.has_value());
  const double half_width = (t.ci->hi - t.ci->lo) / 2.0;
  CHECK(std::fabs(up.ci->lo - t.ci->lo) < 0.25 * half_width);
  CHECK(std::fabs(up.ci->hi - t.ci->hi) < 0.25 * half_width);

  const stats::Difference down = stats::bootstrap_paired_difference(b, a, 0.95, 2000, 9);
  CHECK(down.estimate == doctest::Approx(-up.estimate));
  REQUIRE(down.ci.has_value());
  CHECK(down.ci->hi < 0.0);
  CHECK(down.p_value == 0.0);

  // Determinism and the sleep data: Student's difference is clearly negative.
  const stats::Difference s1 = stats::bootstrap_paired_difference(kSleep1, kSleep2, 0.95, 5000, 1);
  const stats::Difference s2 = stats::bootstrap_paired_difference(kSleep1, kSleep2, 0.95, 5000, 1);
  CHECK(s1.estimate == doctest::Approx(-1.58));
  REQUIRE(s1.ci.has_value());
  REQUIRE(s2.ci.has_value());
  CHECK(s1.ci->lo == s2.ci->lo);
  CHECK(s1.ci->hi == s2.ci->hi);
  CHECK(s1.p_value == s2.p_value);
  CHECK(s1.ci->hi < 0.0);
  CHECK(s1.p_value < 0.01);
}

TEST_CASE("paired bootstrap p-value without a shift is large; degenerate cases") {
  // Symmetric differences around 0: about half the resampled means fall on each side.
  const std::vector<double> a = normal_sample(30, 0.0, 1.0, 21);
  const std::vector<double> zero(a.size(), 0.0);
  std::vector<double> centred = a;
  const double m = stats::mean(a);
  for (double& x : centred) x -= m;
  const stats::Difference null = stats::bootstrap_paired_difference(centred, zero, 0.95, 4000, 2);
  CHECK(null.p_value > 0.8);
  CHECK(null.p_value <= 1.0);
  REQUIRE(null.ci.has_value());
  CHECK(null.ci->lo < 0.0);
  CHECK(null.ci->hi > 0.0);
  // All differences 0: every resampled mean is 0, p capped at 1.
  const stats::Difference same = stats::bootstrap_paired_difference(a, a, 0.95, 100, 2);
  CHECK(same.p_value == 1.0);
  REQUIRE(same.ci.has_value());
  CHECK(same.ci->lo == 0.0);
  CHECK(same.ci->hi == 0.0);
  // Too few pairs after dropping NaN.
  const stats::Difference few = stats::bootstrap_paired_difference(
      std::vector<double>{1.0, kNaN, 3.0}, std::vector<double>{0.0, 1.0, kNaN}, 0.95, 100, 2);
  CHECK(few.n == 1);
  CHECK(few.estimate == 1.0);
  CHECK_FALSE(few.ci.has_value());
  CHECK(std::isnan(few.p_value));
  CHECK_THROWS_AS(stats::bootstrap_paired_difference(std::vector<double>{1, 2},
                                                     std::vector<double>{1, 2, 3}, 0.95, 100, 2),
                  agora::InvariantError);
}

TEST_CASE("unpaired bootstrap resamples each group independently") {
  // Sleep data treated as independent groups: estimate -1.58; the percentile interval is close
  // to mean ± 1.96 · the plug-in standard error sqrt(s_a²(n-1)/n² + s_b²(n-1)/n²) = 0.8056
  // (Efron & Tibshirani 1993, ch. 5), i.e. about [-3.16, 0.0], and p near Welch's 0.079.
  const stats::Difference d = stats::bootstrap_difference(kSleep1, kSleep2, 0.95, 10000, 3);
  CHECK(d.method == "bootstrap");
  CHECK(d.n == 20);
  CHECK(d.estimate == doctest::Approx(-1.58));
  CHECK(std::isnan(d.degrees_of_freedom));
  REQUIRE(d.ci.has_value());
  CHECK(std::fabs(d.ci->lo - (-1.58 - 1.96 * 0.8056)) < 0.15);
  CHECK(std::fabs(d.ci->hi - (-1.58 + 1.96 * 0.8056)) < 0.15);
  CHECK(d.p_value > 0.02);
  CHECK(d.p_value < 0.15);
  const stats::Difference again = stats::bootstrap_difference(kSleep1, kSleep2, 0.95, 10000, 3);
  REQUIRE(again.ci.has_value());
  CHECK(again.ci->lo == d.ci->lo);
  CHECK(again.p_value == d.p_value);

  // Clearly separated groups of different sizes.
  const std::vector<double> high = normal_sample(25, 3.0, 1.0, 8);
  const std::vector<double> low = normal_sample(40, 0.0, 1.0, 9);
  const stats::Difference sep = stats::bootstrap_difference(high, low, 0.95, 2000, 4);
  CHECK(sep.n == 65);
  REQUIRE(sep.ci.has_value());
  CHECK(sep.ci->lo > 0.0);
  CHECK(sep.p_value == 0.0);
  CHECK(stats::significance_marker(sep.p_value) == "***");
  const stats::Difference welch = stats::welch_difference(high, low);
  REQUIRE(welch.ci.has_value());
  const double half_width = (welch.ci->hi - welch.ci->lo) / 2.0;
  CHECK(std::fabs(sep.ci->lo - welch.ci->lo) < 0.2 * half_width);
  CHECK(std::fabs(sep.ci->hi - welch.ci->hi) < 0.2 * half_width);

  // Too few values in one group; NaN dropped; identical values.
  const stats::Difference few = stats::bootstrap_difference(
      std::vector<double>{1.0, kNaN}, std::vector<double>{1, 2, 3}, 0.95, 100, 1);
  CHECK(few.n == 4);
  CHECK(few.estimate == doctest::Approx(-1.0));
  CHECK_FALSE(few.ci.has_value());
  CHECK(std::isnan(few.p_value));
  const stats::Difference flat = stats::bootstrap_difference(
      std::vector<double>{2, 2, kNaN}, std::vector<double>{1, 1, 1}, 0.95, 100, 1);
  CHECK(flat.n == 5);
  REQUIRE(flat.ci.has_value());
  CHECK(flat.ci->lo == 1.0);
  CHECK(flat.ci->hi == 1.0);
  CHECK(flat.p_value == 0.0);
}
