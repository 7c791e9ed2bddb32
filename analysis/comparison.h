// The mechanism-comparison table behind `agora compare`: one row per sweep cell (of one or more
// run directories), one column per metric; each entry the mean over seeds of the runs' values
// with a confidence interval, and for every row but the baseline the difference to the baseline
// with its interval, p-value and significance marker.
//
// Intervals: Student-t over seeds (stats::t_interval), or with `bootstrap` > 0 the percentile
// bootstrap (Efron & Tibshirani 1993) with that many resamples from a fixed seed, so tables
// reproduce. Differences: when a row and the baseline share at least two seeds the runs are
// paired by seed — the same seed gives both cells the same env stream (common random numbers),
// which is the default in sweeps — and the paired t-test (or paired bootstrap) on the shared
// seeds is used; otherwise Welch's unequal-variance t-test (or the two-sample bootstrap).
//
// Nothing is invented: only complete runs count; a row with incomplete runs says how many are
// complete; a metric missing from some runs counts them as missing; a metric a row lacks is
// shown as missing; with one seed there is a mean but no interval. Each case adds a note.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/run_directory.h"
#include "analysis/stats.h"

namespace agora::analysis {

struct ComparisonOptions {
  std::vector<std::string> metrics;  // empty: the runs' table_metrics, else all env metrics
  double level = 0.95;
  int bootstrap = 0;  // resamples; 0 = Student-t
  std::uint64_t bootstrap_seed = 20261123;
  std::string baseline;  // a row label, or its 0-based row number; empty: the first row
};

struct Estimate {
  std::int64_t n = 0;        // complete runs with a value
  std::int64_t missing = 0;  // complete runs without one
  double mean = 0.0;         // NaN when n == 0
  std::optional<stats::Interval> ci;
};

struct ComparisonEntry {
  Estimate estimate;
  std::optional<stats::Difference> difference;  // vs the baseline; absent on the baseline row
  std::optional<double> theory;
};

struct ComparisonRow {
  std::string label;
  std::string directory;
  int complete_runs = 0;
  int runs = 0;
  bool is_baseline = false;
  std::vector<ComparisonEntry> entries;  // one per metric
};

struct Comparison {
  std::vector<std::string> metrics;
  std::vector<ComparisonRow> rows;
  double level = 0.95;
  std::string interval_method;  // "Student-t over seeds" or "percentile bootstrap (B = ...)"
  std::string statistic;        // what one run contributes, e.g. "tail_mean"
  std::vector<std::string> notes;
};

// Throws ConfigError for an unknown metric or baseline, or directories of different schema
// versions.
Comparison compare(const std::vector<RunDirectory>& directories, const ComparisonOptions& options,
                   const std::string& statistic = "tail_mean");

}  // namespace agora::analysis
