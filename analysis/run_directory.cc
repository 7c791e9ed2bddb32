#include "analysis/run_directory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json_input.h"

namespace agora::analysis {

namespace {

namespace fs = std::filesystem;

Json read_json_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string(), "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str(), file.string());
}

const Json& member(const Json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw ConfigError(where, std::string("missing '") + key + "' (not an Agora summary?)");
  }
  return object.at(key);
}

void add_derived(Json& values) {
  if (values.contains("optimal_welfare") && values.contains("welfare") &&
      values["optimal_welfare"].is_number() && values["welfare"].is_number()) {
    const double welfare = values["welfare"].get<double>();
    if (welfare > 0.0) {
      values["price_of_anarchy"] = values["optimal_welfare"].get<double>() / welfare;
    }
  }
}

RunRecord read_run(const Json& run, const std::string& statistic, const std::string& where) {
  RunRecord record;
  record.seed = member(run, "seed", where).get<std::uint64_t>();
  record.complete = run.value("complete", false);
  record.values = Json::object();
  if (run.contains("metrics") && run["metrics"].is_object()) {
    for (const auto& [name, stats] : run["metrics"].items()) {
      if (stats.is_object() && stats.contains(statistic) && stats[statistic].is_number()) {
        record.values[name] = stats[statistic];
      }
    }
  }
  if (run.contains("diagnostics") && run["diagnostics"].is_object()) {
    for (const auto& [name, value] : run["diagnostics"].items()) {
      if (value.is_number()) record.values[name] = value;
    }
  }
  add_derived(record.values);
  return record;
}

RunDirectory read_run_directory(const fs::path& dir, const std::string& statistic) {
  const fs::path file = dir / "summary.json";
  const std::string where = file.string();
  const Json summary = read_json_file(file);
  RunDirectory out;
  out.path = dir.string();
  const Json& version = member(summary, "schema_version", where);
  if (!version.is_number_integer() || version.get<int>() != kSupportedSchemaVersion) {
    throw ConfigError(where, "schema_version " + version.dump() +
                                 " is not supported (this agora "
                                 "reads version " +
                                 std::to_string(kSupportedSchemaVersion) + ")");
  }
  out.schema_version = version.get<int>();
  out.experiment = summary.value("experiment", "");
  out.complete = summary.value("complete", false);
  out.status = summary.value("status", out.complete ? "complete" : "incomplete");
  for (const auto& m : member(summary, "metrics", where))
    out.metrics.push_back(m.get<std::string>());
  const fs::path config_file = dir / "config.json";
  if (fs::exists(config_file)) {
    const Json config = read_json_file(config_file);
    if (config.contains("output") && config["output"].contains("table_metrics")) {
      for (const auto& m : config["output"]["table_metrics"]) {
        out.table_metrics.push_back(m.get<std::string>());
      }
    }
  }
  for (const auto& cell : member(summary, "cells", where)) {
    CellRecord record;
    record.directory = out.path;
    record.index = member(cell, "index", where).get<int>();
    record.label = cell.value("label", "cell" + std::to_string(record.index));
    record.sweep = cell.value("sweep", Json::object());
    record.theory = cell.value("theory", Json::object());
    add_derived(record.theory);
    for (const auto& run : member(cell, "runs", where)) {
      record.runs.push_back(read_run(run, statistic, where));
    }
    out.cells.push_back(std::move(record));
  }
  return out;
}

}  // namespace

std::vector<RunDirectory> load_run_directories(const std::string& path,
                                               const std::string& statistic) {
  if (statistic != "tail_mean" && statistic != "mean") {
    throw ConfigError("--stat", "'" + statistic + "' is not one of tail_mean, mean");
  }
  const fs::path dir(path);
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw ConfigError(path, "no such run directory");
  }
  if (fs::exists(dir / "summary.json")) return {read_run_directory(dir, statistic)};
  std::vector<fs::path> children;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_directory() && fs::exists(entry.path() / "summary.json")) {
      children.push_back(entry.path());
    }
  }
  if (children.empty()) {
    throw ConfigError(path,
                      "no summary.json here or in its subdirectories (not a run directory; "
                      "an interrupted `agora run` writes it at the end)");
  }
  std::sort(children.begin(), children.end());
  std::vector<RunDirectory> out;
  for (const auto& child : children) out.push_back(read_run_directory(child, statistic));
  return out;
}

std::vector<std::string> available_metrics(const std::vector<RunDirectory>& directories) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const auto& dir : directories) {
    for (const auto& m : dir.metrics) add(m);
  }
  for (const auto& dir : directories) {
    for (const auto& cell : dir.cells) {
      for (const auto& run : cell.runs) {
        for (const auto& [name, value] : run.values.items()) add(name);
      }
    }
  }
  return names;
}

}  // namespace agora::analysis
