// Summary statistics for results: mean, sample standard deviation and Student-t confidence
// intervals for a mean, and the per-metric aggregation of runs over seeds used in
// summary.json.
//
//   mean(x)          arithmetic mean
//   sample_std(x)    sqrt(sum (x_i - mean)^2 / (n - 1))
//   t_interval       mean ± t_{(1+level)/2, n-1} · sd / sqrt(n), the exact interval for the
//                    mean of i.i.d. normal values; quantiles from boost::math::students_t.
//
// With fewer than two values there is no interval: summaries say so with null and a note,
// e.g. {"n": 1, "mean": 0.4, "std": null, "ci95": null, "note": "one seed: no interval"}.
// NaN values count as missing: they are left out of n and reported as "missing".
#pragma once

#include <cstdint>
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

}  // namespace agora::stats
