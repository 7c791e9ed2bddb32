// An experiment's results as analysis sees them: the summary.json of a run directory written by
// `agora run` (schema in docs/hdf5_schema.md and docs/analysis.md), reduced to one number per
// (cell, seed, metric). Analysis reads these files only; it never calls envs or agents.
//
// Per run, the value of a metric is the run's `statistic` of it ("tail_mean", the mean over
// the tail where learners have converged, or "mean", over the whole horizon). Scalar run
// diagnostics (runs[].diagnostics, e.g. nash_conv) are metrics too, and one is derived:
//
//   price_of_anarchy = optimal_welfare / welfare   (per run, from the same statistic)
//
// the ratio of optimal to realised welfare, ≥ 1, as in Koutsoupias & Papadimitriou (1999) and
// Roughgarden & Tardos (2002), here measured on the realised play rather than the worst case.
//
// A directory without summary.json whose subdirectories hold run directories (a folder of
// runs) loads as all of them, in name order. Errors (missing directory or summary, malformed
// JSON, a schema version this program does not know) are ConfigErrors naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/params.h"

namespace agora::analysis {

struct RunRecord {
  std::uint64_t seed = 0;
  bool complete = false;
  Json values;  // {metric: number}; a metric the run lacks (or that is null) is absent
};

struct CellRecord {
  std::string directory;  // the run directory it came from
  int index = 0;
  std::string label;
  Json sweep;                          // {config path: value}
  Json sweep_labels = Json::object();  // {config path: label} from the config's sweep_labels
  Json theory;                         // {metric: predicted value, "note": ...}
  std::vector<RunRecord> runs;
};

struct RunDirectory {
  std::string path;
  int schema_version = 0;
  std::string experiment;
  bool complete = false;
  std::string status;
  std::vector<std::string> metrics;        // the env's per-step metrics, in its order
  std::vector<std::string> table_metrics;  // config output.table_metrics, when given
  std::vector<CellRecord> cells;
};

inline constexpr int kSupportedSchemaVersion = 1;

// Loads `path` (a run directory or a folder of them) with per-run values of `statistic`.
std::vector<RunDirectory> load_run_directories(const std::string& path,
                                               const std::string& statistic = "tail_mean");

// Every metric name found in the directories: env metrics first, then diagnostics and derived.
std::vector<std::string> available_metrics(const std::vector<RunDirectory>& directories);

}  // namespace agora::analysis
