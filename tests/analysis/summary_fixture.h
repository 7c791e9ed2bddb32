// Test support for analysis/: writes summary.json and config.json files shaped like those
// `agora run` writes (schema_version 1: cells[] with sweep, theory and runs[], each run's
// metrics holding "mean" and "tail_mean" and, optionally, scalar diagnostics), from a compact
// description: cells -> seeds -> metric values; and config_error() to catch what loading throws.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/params.h"

namespace agora::summary_fixture {

namespace fs = std::filesystem;

// A metric value written as null (the run has no value for it).
inline const double kNull = std::numeric_limits<double>::quiet_NaN();

// A fresh directory under the system temp directory, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("agora_summary_fixture_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path operator/(const std::string& child) const { return path_ / child; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One run: its seed and per-metric values.
struct RunSpec {
  std::uint64_t seed = 1;
  std::map<std::string, double> tail_means;  // the run's "tail_mean" per metric (kNull: null)
  std::map<std::string, double> means;       // its "mean" over the horizon; default: tail_mean
  bool complete = true;
  Json diagnostics = nullptr;  // runs[].diagnostics when an object
};

struct CellSpec {
  Json sweep = Json::object();  // e.g. {"mechanism.params.reserve": 0.5}
  std::vector<RunSpec> runs = {};
  Json sweep_labels = Json::object();  // e.g. {"mechanism": "second price"}
  Json theory = Json::object();
};

struct SummarySpec {
  std::vector<std::string> metrics = {};  // the env's per-step metrics
  std::vector<CellSpec> cells = {};
  std::vector<std::string> table_metrics = {};  // config.json output.table_metrics if not empty
  Json schema_version = 1;
  std::string status = "complete";
  double mean_offset = 0.0;  // a run's default "mean" is its tail_mean + this
};

// Runs with seeds first_seed, first_seed + 1, ...; `columns` gives each metric's value per seed.
inline std::vector<RunSpec> runs(const std::map<std::string, std::vector<double>>& columns,
                                 std::uint64_t first_seed = 1) {
  std::vector<RunSpec> out;
  for (const auto& [metric, values] : columns) {
    if (out.size() < values.size()) out.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) out[i].tail_means[metric] = values[i];
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].seed = first_seed + i;
  return out;
}

inline Json number_or_null(double x) { return std::isnan(x) ? Json(nullptr) : Json(x); }

inline void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
}

// Writes summary.json and config.json as `agora run` lays them out.
inline void write_run_directory(const fs::path& dir, const SummarySpec& spec) {
  fs::create_directories(dir / "runs");
  Json cells = Json::array();
  std::set<std::uint64_t> seeds;
  for (std::size_t c = 0; c < spec.cells.size(); ++c) {
    const CellSpec& cell = spec.cells[c];
    std::string label;
    for (const auto& [path, value] : cell.sweep.items()) {
      const bool named = cell.sweep_labels.contains(path);
      label += (label.empty() ? "" : ", ") + path + "=" +
               (named ? cell.sweep_labels[path].get<std::string>() : value.dump());
    }
    Json run_list = Json::array();
    for (const RunSpec& run : cell.runs) {
      seeds.insert(run.seed);
      Json metrics = Json::object();
      for (const auto& [name, tail] : run.tail_means) {
        const auto it = run.means.find(name);
        const double mean = it == run.means.end() ? tail + spec.mean_offset : it->second;
        metrics[name] = {
            {"mean", number_or_null(mean)},      {"std", 0.0},      {"steps", 100},
            {"tail_mean", number_or_null(tail)}, {"tail_std", 0.0}, {"tail_steps", 50}};
      }
      Json entry = {
          {"seed", run.seed},
          {"file", "runs/cell" + std::to_string(c) + "_seed" + std::to_string(run.seed) + ".h5"},
          {"complete", run.complete},
          {"steps", run.complete ? 100 : 40},
          {"metrics", metrics}};
      if (run.diagnostics.is_object()) entry["diagnostics"] = run.diagnostics;
      run_list.push_back(entry);
    }
    cells.push_back({{"index", c},
                     {"label", label.empty() ? "cell" + std::to_string(c) : label},
                     {"sweep", cell.sweep},
                     {"sweep_labels", cell.sweep_labels},
                     {"metrics", Json::object()},
                     {"diagnostics", Json::object()},
                     {"theory", cell.theory},
                     {"runs", run_list}});
  }
  const Json summary = {{"schema_version", spec.schema_version},
                        {"agora_version", "0.1.0"},
                        {"experiment", "hand_worked"},
                        {"complete", spec.status == "complete"},
                        {"status", spec.status},
                        {"horizon", 100},
                        {"seeds", seeds},
                        {"tail_fraction", 0.5},
                        {"metrics", spec.metrics},
                        {"config", "config.json"},
                        {"cells", cells}};
  write_text(dir / "summary.json", summary.dump(2));
  Json output = {{"stride", 20}, {"tail_fraction", 0.5}};
  if (!spec.table_metrics.empty()) output["table_metrics"] = spec.table_metrics;
  write_text(dir / "config.json",
             Json{{"name", "hand_worked"}, {"horizon", 100}, {"output", output}}.dump(2));
}

// The ConfigError `action` throws (its what() and path), or fails the test.
struct CaughtError {
  std::string message;
  std::string path;
};
template <typename F>
CaughtError config_error(F&& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return {e.what(), e.path()};
  }
  FAIL("expected a ConfigError");
  return {};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace agora::summary_fixture
