// Summary statistics for results and the tests behind a mechanism-comparison table: mean,
// sample standard deviation and Student-t confidence intervals for a mean, the per-metric
// aggregation of runs over seeds used in summary.json, and differences between two mechanisms
// (paired and Welch t-tests, percentile-bootstrap intervals and p-values, significance stars).
//
//   mean(x)          arithmetic mean
//   sample_std(x)    sqrt(sum (x_i - mean)^2 / (n - 1))
//   t_interval       mean ± t_{(1+level)/2, n-1} · sd / sqrt(n), the exact interval for the
//                    mean of i.i.d. normal values; quantiles from boost::math::students_t.
//   quantile(x, p)   type 7 sample quantile (rule below)
//   t_two_sided_p    P(|T_df| >= |t|) = 2 · cdf(complement(students_t(df), |t|)) (Boost.Math).
//
// Differences between two result series a and b (estimate = mean(a) - mean(b)):
//
//   paired_difference      Student's (1908) paired t-test on d_i = a_i - b_i: use it when a_i
//                          and b_i share a seed (common random numbers). t = mean(d) / (sd(d) /
//                          sqrt(n)), df = n - 1, CI mean(d) ± t_{(1+level)/2, n-1} sd(d)/sqrt(n).
//   welch_difference       Welch's (1947) unequal-variance t-test for independent samples:
//                          se² = s_a²/n_a + s_b²/n_b, t = (mean_a - mean_b) / se, and the
//                          Welch–Satterthwaite (Satterthwaite 1946) degrees of freedom
//                          df = se⁴ / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1)).
//   bootstrap_interval     percentile bootstrap interval for a mean (Efron & Tibshirani 1993,
//                          "An Introduction to the Bootstrap", ch. 13): B resamples of size n
//                          drawn with replacement, the interval runs from the (1-level)/2 to the
//                          (1+level)/2 quantile of the B resampled means.
//   bootstrap_paired_difference  the same on the pair differences d_i (pairs are resampled).
//   bootstrap_difference   each group resampled independently, statistic mean(a*) - mean(b*).
//                          Bootstrap p-values are two-sided: min(1, 2 · min(#{θ* <= 0},
//                          #{θ* >= 0}) / B), i.e. twice the share of the bootstrap distribution
//                          on the far side of 0: about the smallest 1 - level whose percentile
//                          interval excludes 0 (Efron & Tibshirani 1993, ch. 16). With B
//                          resamples the smallest non-zero p is 2/B; p = 0 means "below 1/B".
//   significance_marker    "***" p < 0.001, "**" p < 0.01, "*" p < 0.05, "" otherwise or NaN.
//
// Quantile rule (quantile() and bootstrap percentiles): type 7 of Hyndman & Fan (1996), R's
// quantile() default and numpy.quantile's: for sorted values x_(0) <= ... <= x_(B-1) and p,
// h = (B - 1) p, Q(p) = x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h)).
//
// Resampling: a boost::random::mt19937_64 engine seeded with `seed` draws each index with
// boost::random::uniform_int_distribution<std::uint64_t>(0, n - 1); resample r takes its n
// indices (for bootstrap_difference: n_a indices into a, then n_b into b) before resample r + 1.
// Boost's algorithms are fixed, so a given (values, resamples, seed) gives the same interval
// on every compiler and platform.
//
// Missing values and degenerate cases: NaN values count as missing and are dropped (in paired
// tests the whole pair is dropped). A Difference always carries `method`, `n` and, when any
// value is left, `estimate`; with too few values (fewer than 2 pairs, or fewer than 2 in either
// group for Welch and the unpaired bootstrap) `ci` is nullopt and `p_value` and
// `degrees_of_freedom` are NaN. With zero spread (all differences identical in a paired test,
// both groups constant in Welch's) the interval collapses to [d, d] and p = 0 if d != 0 else 1;
// Welch's degrees of freedom are then undefined (0/0) and reported as NaN.
//
// With fewer than two values there is no interval: summaries say so with null and a note,
// e.g. {"n": 1, "mean": 0.4, "std": null, "ci95": null, "note": "one seed: no interval"}.
// NaN values count as missing: they are left out of n and reported as "missing".
//
// References: Student (1908), "The probable error of a mean", Biometrika 6(1); B. L. Welch
// (1947), "The generalization of 'Student's' problem when several different population
// variances are involved", Biometrika 34(1-2); F. E. Satterthwaite (1946), Biometrics Bulletin
// 2(6); B. Efron and R. J. Tibshirani (1993), An Introduction to the Bootstrap, Chapman & Hall;
// R. J. Hyndman and Y. Fan (1996), "Sample quantiles in statistical packages", The American
// Statistician 50(4).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/params.h"

namespace agora::stats {

struct Interval {
  double lo = 0.0;
  double hi = 0.0;
};

// NaN when empty.
double mean(std::span<const double> values);
// n - 1 in the denominator; NaN when fewer than two values.
double sample_std(std::span<const double> values);
// The p-quantile of Student's t with `degrees_of_freedom` (> 0).
double t_quantile(double p, double degrees_of_freedom);

// Two-sided Student-t interval at `level` (in (0, 1)) for the mean of n values with the given
// sample mean and standard deviation; nullopt when n < 2.
std::optional<Interval> t_interval(double mean, double sd, std::int64_t n, double level = 0.95);
std::optional<Interval> t_interval(std::span<const double> values, double level = 0.95);

// The summary key of an interval at `level`: 0.95 -> "ci95", 0.9 -> "ci90", 0.995 -> "ci99.5".
std::string ci_key(double level);

// {"n", "mean", "std", ci_key(level): [lo, hi]} over the finite values; "missing": k when k
// values were NaN; with n < 2 the interval (and with n == 0 also mean and std) is null and
// "note" says why, naming the values by `unit` ("one seed: no interval").
Json summarize(std::span<const double> values, double level = 0.95,
               std::string_view unit = "value");

// Aggregates per-run metric summaries (one Json object {metric: {key: number|null, ...}} per
// seed, as produced by RunStatistics::to_json) over seeds: {metric: {key: summarize(values of
// key over the runs, level, "seed")}} for each of `keys`. Runs where a metric or key is absent
// or null count as missing.
Json aggregate_runs(const std::vector<Json>& runs, double level = 0.95,
                    const std::vector<std::string>& keys = {"mean", "tail_mean"});

// The type 7 sample p-quantile (p in [0, 1]; the rule in the header comment, as R's quantile()
// default) of the finite values; NaN when there are none.
double quantile(std::span<const double> values, double p);

// Two-sided p-value P(|T| >= |t_statistic|) of Student's t with `degrees_of_freedom` (> 0):
// 2 · boost::math::cdf(complement(students_t(df), |t|)). NaN for a NaN statistic, 0 for ±inf.
double t_two_sided_p(double t_statistic, double degrees_of_freedom);

// The difference a - b between two result series with its interval and test.
struct Difference {
  double estimate = std::numeric_limits<double>::quiet_NaN();  // mean difference a - b
  std::optional<Interval> ci;  // at the requested level; nullopt when not estimable
  double p_value = std::numeric_limits<double>::quiet_NaN();  // two-sided, H0: difference 0
  double degrees_of_freedom = std::numeric_limits<double>::quiet_NaN();  // NaN for bootstrap
  std::int64_t n = 0;  // pairs used (paired) or n_a + n_b (unpaired), NaNs excluded
  std::string method;  // "paired t", "Welch t", "paired bootstrap", "bootstrap"
};

// Paired t-test on the differences a_i - b_i (a and b of equal length; pairs where either is
// NaN are dropped). Needs >= 2 pairs for ci and p_value. Identical differences d: ci = [d, d],
// p = 0 if d != 0 else 1.
Difference paired_difference(std::span<const double> a, std::span<const double> b,
                             double level = 0.95);
// Welch's unequal-variance t-test with the Welch–Satterthwaite degrees of freedom (NaN values
// dropped; needs >= 2 finite values in each group for ci and p_value).
Difference welch_difference(std::span<const double> a, std::span<const double> b,
                            double level = 0.95);

// Percentile bootstrap interval for the mean of the finite values: `resamples` (>= 1)
// resamples with replacement (see the header comment for the engine, draw order and quantile
// rule); deterministic for a given seed. nullopt with fewer than 2 finite values.
std::optional<Interval> bootstrap_interval(std::span<const double> values, double level,
                                           int resamples, std::uint64_t seed);
// Paired bootstrap of the mean difference (pairs resampled; pairs with a NaN dropped). The
// estimate is the observed mean difference, ci the percentile interval, p_value the two-sided
// bootstrap p: min(1, 2 · min(share of resampled means <= 0, share >= 0)). Needs >= 2 pairs.
Difference bootstrap_paired_difference(std::span<const double> a, std::span<const double> b,
                                       double level, int resamples, std::uint64_t seed);
// Unpaired bootstrap: each group resampled independently, statistic mean(a*) - mean(b*);
// interval and p-value as above. Needs >= 2 finite values in each group.
Difference bootstrap_difference(std::span<const double> a, std::span<const double> b, double level,
                                int resamples, std::uint64_t seed);

// "***" for p < 0.001, "**" for p < 0.01, "*" for p < 0.05, "" otherwise or for NaN.
std::string significance_marker(double p_value);

}  // namespace agora::stats
