// load_run_directories against hand-written summary.json files shaped like those `agora run`
// writes (schema_version 1: cells[] with sweep, theory and runs[], each run's metrics holding
// "mean" and "tail_mean" and, optionally, scalar diagnostics).
#include "analysis/run_directory.h"

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

namespace fs = std::filesystem;
using agora::ConfigError;
using agora::Json;
using agora::analysis::load_run_directories;
using agora::analysis::RunDirectory;

namespace {

// A metric value written as null (the run has no value for it).
const double kNull = std::numeric_limits<double>::quiet_NaN();

// A fresh directory under the system temp directory, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("agora_run_directory_test_" + std::to_string(::getpid()) +
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
  Json theory = Json::object();
};

struct SummarySpec {
  std::vector<std::string> metrics = {};  // the env's per-step metrics
  std::vector<CellSpec> cells = {};
  std::vector<std::string> table_metrics = {};  // config.json output.table_metrics if not empty
  Json schema_version = 1;
  std::string status = "complete";
};

// Runs with seeds first_seed, first_seed + 1, ...; `columns` gives each metric's value per seed.
std::vector<RunSpec> runs(const std::map<std::string, std::vector<double>>& columns,
                          std::uint64_t first_seed = 1) {
  std::vector<RunSpec> out;
  for (const auto& [metric, values] : columns) {
    if (out.size() < values.size()) out.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) out[i].tail_means[metric] = values[i];
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].seed = first_seed + i;
  return out;
}

Json number_or_null(double x) { return std::isnan(x) ? Json(nullptr) : Json(x); }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
}

// Writes summary.json and config.json as `agora run` lays them out.
void write_run_directory(const fs::path& dir, const SummarySpec& spec) {
  fs::create_directories(dir / "runs");
  Json cells = Json::array();
  std::set<std::uint64_t> seeds;
  for (std::size_t c = 0; c < spec.cells.size(); ++c) {
    const CellSpec& cell = spec.cells[c];
    std::string label;
    for (const auto& [path, value] : cell.sweep.items()) {
      label += (label.empty() ? "" : ", ") + path + "=" + value.dump();
    }
    Json run_list = Json::array();
    for (const RunSpec& run : cell.runs) {
      seeds.insert(run.seed);
      Json metrics = Json::object();
      for (const auto& [name, tail] : run.tail_means) {
        const auto it = run.means.find(name);
        const double mean = it == run.means.end() ? tail : it->second;
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

// The ConfigError `load` throws (its what() and path), or fails the test.
struct CaughtError {
  std::string message;
  std::string path;
};
template <typename F>
CaughtError config_error(F&& load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return {e.what(), e.path()};
  }
  FAIL("expected a ConfigError");
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A minimal valid directory: one cell, one seed, one metric.
SummarySpec minimal_summary() {
  return {.metrics = {"revenue"}, .cells = {{.runs = runs({{"revenue", {0.3}}})}}};
}

}  // namespace

TEST_CASE("load_run_directories reads one value per (cell, seed): tail_mean or mean") {
  TempDir tmp;
  // Two cells of a reserve sweep, two seeds each; each run's whole-horizon mean differs from
  // its tail mean (learners start badly), so the statistic picks which one we see.
  SummarySpec spec{
      .metrics = {"revenue", "welfare"},
      .cells = {{.sweep = {{"mechanism.params.reserve", 0.0}},
                 .runs = runs({{"revenue", {0.30, 0.32}}, {"welfare", {0.66, 0.67}}})},
                {.sweep = {{"mechanism.params.reserve", 0.5}},
                 .runs = runs({{"revenue", {0.41, 0.42}}, {"welfare", {0.58, 0.59}}})}},
      .table_metrics = {"revenue"}};
  spec.cells[0].runs[0].means = {{"revenue", 0.25}, {"welfare", 0.60}};
  spec.cells[0].runs[1].means = {{"revenue", 0.27}, {"welfare", 0.61}};
  write_run_directory(tmp / "sweep", spec);

  const auto tail = load_run_directories((tmp / "sweep").string());
  REQUIRE(tail.size() == 1);
  const RunDirectory& dir = tail[0];
  CHECK(dir.path == (tmp / "sweep").string());
  CHECK(dir.schema_version == 1);
  CHECK(dir.experiment == "hand_worked");
  CHECK(dir.complete);
  CHECK(dir.status == "complete");
  CHECK(dir.metrics == std::vector<std::string>{"revenue", "welfare"});
  CHECK(dir.table_metrics == std::vector<std::string>{"revenue"});  // from config.json
  REQUIRE(dir.cells.size() == 2);
  CHECK(dir.cells[1].index == 1);
  CHECK(dir.cells[1].label == "mechanism.params.reserve=0.5");
  CHECK(dir.cells[1].directory == dir.path);
  CHECK(dir.cells[1].sweep["mechanism.params.reserve"].get<double>() == 0.5);
  REQUIRE(dir.cells[0].runs.size() == 2);
  const auto& run = dir.cells[0].runs[1];
  CHECK(run.seed == 2);
  CHECK(run.complete);
  CHECK(run.values["revenue"].get<double>() == 0.32);  // tail_mean (the default)
  CHECK(run.values["welfare"].get<double>() == 0.67);
  CHECK(dir.cells[1].runs[0].values["revenue"].get<double>() == 0.41);

  const auto whole = load_run_directories((tmp / "sweep").string(), "mean");
  CHECK(whole[0].cells[0].runs[0].values["revenue"].get<double>() == 0.25);
  CHECK(whole[0].cells[0].runs[1].values["welfare"].get<double>() == 0.61);
  CHECK(whole[0].cells[1].runs[1].values["revenue"].get<double>() == 0.42);  // mean = tail here
}

TEST_CASE("a metric written as null is absent from the run's values") {
  TempDir tmp;
  SummarySpec spec{.metrics = {"revenue", "welfare"},
                   .cells = {{.runs = runs({{"revenue", {0.3, 0.4}}, {"welfare", {kNull, 0.6}}})}}};
  write_run_directory(tmp.path(), spec);
  const auto dirs = load_run_directories(tmp.path().string());
  const auto& cell = dirs[0].cells[0];
  CHECK(cell.label == "cell0");  // no sweep: the summary's label
  CHECK_FALSE(cell.runs[0].values.contains("welfare"));
  CHECK(cell.runs[1].values["welfare"].get<double>() == 0.6);
}

TEST_CASE("diagnostics become metrics and price_of_anarchy = optimal_welfare / welfare") {
  TempDir tmp;
  SummarySpec spec{.metrics = {"revenue", "welfare", "optimal_welfare"},
                   .cells = {{.runs = runs({{"revenue", {0.3, 0.3}},
                                            {"welfare", {0.6, 0.0}},
                                            {"optimal_welfare", {0.75, 0.75}}})}}};
  // Seed 1: tail 0.75 / 0.6 = 1.25; whole horizon 0.75 / 0.5 = 1.5.
  spec.cells[0].runs[0].means = {{"welfare", 0.5}};
  spec.cells[0].runs[0].diagnostics = {
      {"nash_conv", 0.02}, {"external_regret", 0.1}, {"per_agent_regret", {0.1, 0.2}}};
  // Uniform values on [0, 1], two bidders, reserve 1/4: W = 21/32, W* = 2/3, so
  // PoA = (2/3) / (21/32) = 64/63.
  spec.cells[0].theory = {
      {"welfare", 21.0 / 32.0}, {"optimal_welfare", 2.0 / 3.0}, {"note", "Bayes-Nash equilibrium"}};
  write_run_directory(tmp.path(), spec);

  const auto tail = load_run_directories(tmp.path().string());
  const auto& cell = tail[0].cells[0];
  const Json& first = cell.runs[0].values;
  CHECK(first["nash_conv"].get<double>() == 0.02);
  CHECK(first["external_regret"].get<double>() == 0.1);
  CHECK_FALSE(first.contains("per_agent_regret"));  // only scalar diagnostics are metrics
  CHECK(first["price_of_anarchy"].get<double>() == doctest::Approx(1.25).epsilon(1e-14));
  CHECK_FALSE(cell.runs[1].values.contains("price_of_anarchy"));  // welfare 0: undefined
  CHECK_FALSE(cell.runs[1].values.contains("nash_conv"));         // no diagnostics
  CHECK(cell.theory["price_of_anarchy"].get<double>() ==
        doctest::Approx(64.0 / 63.0).epsilon(1e-14));
  CHECK(cell.theory["note"] == "Bayes-Nash equilibrium");

  const auto whole = load_run_directories(tmp.path().string(), "mean");
  CHECK(whole[0].cells[0].runs[0].values["price_of_anarchy"].get<double>() ==
        doctest::Approx(1.5).epsilon(1e-14));
  CHECK(whole[0].cells[0].runs[0].values["nash_conv"].get<double>() == 0.02);  // not per-stat

  // Env metrics first, in the env's order; then diagnostics and derived metrics.
  CHECK(agora::analysis::available_metrics(tail) ==
        std::vector<std::string>{"revenue", "welfare", "optimal_welfare", "external_regret",
                                 "nash_conv", "price_of_anarchy"});
}

TEST_CASE("a theory value that is null derives no price_of_anarchy") {
  TempDir tmp;
  SummarySpec spec = minimal_summary();
  spec.cells[0].theory = {{"welfare", nullptr}, {"optimal_welfare", 2.0 / 3.0}};
  write_run_directory(tmp.path(), spec);
  const auto dirs = load_run_directories(tmp.path().string());
  CHECK_FALSE(dirs[0].cells[0].theory.contains("price_of_anarchy"));
}

TEST_CASE("a folder of run directories loads as all of them, in name order") {
  TempDir tmp;
  SummarySpec second = minimal_summary();
  second.cells[0].runs[0].tail_means["revenue"] = 0.5;
  write_run_directory(tmp / "b_second", second);
  write_run_directory(tmp / "a_first", minimal_summary());
  fs::create_directories(tmp / "c_not_a_run" / "runs");  // no summary.json: skipped
  write_text(tmp / "notes.txt", "a file, not a run directory");

  const auto dirs = load_run_directories(tmp.path().string());
  REQUIRE(dirs.size() == 2);
  CHECK(dirs[0].path == (tmp / "a_first").string());
  CHECK(dirs[1].path == (tmp / "b_second").string());
  CHECK(dirs[1].cells[0].runs[0].values["revenue"].get<double>() == 0.5);
  CHECK(dirs[1].cells[0].directory == (tmp / "b_second").string());
}

TEST_CASE("load_run_directories: ConfigErrors name the file or option") {
  TempDir tmp;

  SUBCASE("missing directory") {
    const std::string path = (tmp / "no_such_run").string();
    const auto error = config_error([&] { load_run_directories(path); });
    CHECK(error.path == path);
    CHECK(contains(error.message, "no such run directory"));
  }
  SUBCASE("a folder without any summary.json") {
    fs::create_directories(tmp / "empty_child");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == tmp.path().string());
    CHECK(contains(error.message, "no summary.json"));
  }
  SUBCASE("malformed JSON") {
    write_text(tmp / "summary.json", "{\"schema_version\": 1, \"cells\": [");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "summary.json").string());
    CHECK(contains(error.message, "malformed JSON"));
  }
  SUBCASE("malformed JSON in one directory of a folder names that one") {
    write_run_directory(tmp / "a_good", minimal_summary());
    fs::create_directories(tmp / "b_bad");
    write_text(tmp / "b_bad" / "summary.json", "not json");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "b_bad" / "summary.json").string());
  }
  SUBCASE("malformed config.json") {
    write_run_directory(tmp.path(), minimal_summary());
    write_text(tmp / "config.json", "{");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "config.json").string());
    CHECK(contains(error.message, "malformed JSON"));
  }
  SUBCASE("unsupported schema_version") {
    SummarySpec spec = minimal_summary();
    spec.schema_version = 2;
    write_run_directory(tmp.path(), spec);
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "summary.json").string());
    CHECK(contains(error.message, "schema_version 2 is not supported"));
  }
  SUBCASE("schema_version that is not an integer") {
    SummarySpec spec = minimal_summary();
    spec.schema_version = "1";
    write_run_directory(tmp.path(), spec);
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(contains(error.message, "schema_version \"1\" is not supported"));
  }
  SUBCASE("a summary without cells") {
    write_text(tmp / "summary.json", R"({"schema_version": 1, "metrics": ["revenue"]})");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "summary.json").string());
    CHECK(contains(error.message, "missing 'cells'"));
  }
  SUBCASE("a bad --stat") {
    write_run_directory(tmp.path(), minimal_summary());
    const auto error = config_error([&] { load_run_directories(tmp.path().string(), "median"); });
    CHECK(error.path == "--stat");
    CHECK(contains(error.message, "'median' is not one of tail_mean, mean"));
  }
}
