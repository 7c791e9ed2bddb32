#include "analysis/run_directory.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "core/json_input.h"

namespace agora::analysis {

namespace {

namespace fs = std::filesystem;

// Where a value sits: the file, and the JSON path inside it. A value of the wrong type is a
// ConfigError naming both, as a hand-edited or foreign summary.json deserves.
struct Location {
  std::string file;
  std::string json_path;  // empty at the top level

  Location operator/(const std::string& key) const {
    return {file, json_path.empty() ? key : json_path + "." + key};
  }
  Location operator[](std::size_t index) const {
    return {file, json_path + "[" + std::to_string(index) + "]"};
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw ConfigError(file, json_path.empty() ? message : json_path + ": " + message);
  }
};

const Json& member(const Json& object, const char* key, const Location& at) {
  if (!object.is_object() || !object.contains(key)) {
    at.fail(std::string("missing '") + key + "' (not an Agora summary?)");
  }
  return object.at(key);
}

// The member `key` when present and not null, else nullptr.
const Json* optional_member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string text(const Json& value, const Location& at) {
  if (!value.is_string()) at.fail("expected a string, got " + value.dump());
  return value.get<std::string>();
}

bool flag(const Json& value, const Location& at) {
  if (!value.is_boolean()) at.fail("expected true or false, got " + value.dump());
  return value.get<bool>();
}

int small_integer(const Json& value, const Location& at) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > std::numeric_limits<int>::max()) {
    at.fail("expected a non-negative integer, got " + value.dump());
  }
  return value.get<int>();
}

std::uint64_t seed_value(const Json& value, const Location& at) {
  if (!value.is_number_unsigned())
    at.fail("expected a non-negative integer seed, got " + value.dump());
  return value.get<std::uint64_t>();
}

const Json& array(const Json& value, const Location& at) {
  if (!value.is_array()) at.fail("expected an array, got " + value.dump());
  return value;
}

const Json& object(const Json& value, const Location& at) {
  if (!value.is_object()) at.fail("expected an object, got " + value.dump());
  return value;
}

std::vector<std::string> text_list(const Json& value, const Location& at) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array(value, at).size(); ++i) out.push_back(text(value[i], at[i]));
  return out;
}

Json read_json_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string(), "cannot open file");
  std::ostringstream text_stream;
  text_stream << in.rdbuf();
  return parse_json(text_stream.str(), file.string());
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

RunRecord read_run(const Json& run, const std::string& statistic, const Location& at) {
  RunRecord record;
  record.seed = seed_value(member(run, "seed", at), at / "seed");
  if (const Json* complete = optional_member(run, "complete")) {
    record.complete = flag(*complete, at / "complete");
  }
  record.values = Json::object();
  if (const Json* metrics = optional_member(run, "metrics")) {
    for (const auto& [name, stats] : object(*metrics, at / "metrics").items()) {
      if (stats.is_object() && stats.contains(statistic) && stats[statistic].is_number()) {
        record.values[name] = stats[statistic];
      }
    }
  }
  if (const Json* diagnostics = optional_member(run, "diagnostics")) {
    for (const auto& [name, value] : object(*diagnostics, at / "diagnostics").items()) {
      if (value.is_number()) record.values[name] = value;
    }
  }
  add_derived(record.values);
  return record;
}

RunDirectory read_run_directory(const fs::path& dir, const std::string& statistic) {
  const fs::path file = dir / "summary.json";
  const Location top{file.string(), ""};
  const Json summary = read_json_file(file);
  RunDirectory out;
  out.path = dir.string();
  const Json& version = member(summary, "schema_version", top);
  if (!version.is_number_integer() || version.get<int>() != kSupportedSchemaVersion) {
    throw ConfigError(top.file, "schema_version " + version.dump() +
                                    " is not supported (this agora "
                                    "reads version " +
                                    std::to_string(kSupportedSchemaVersion) + ")");
  }
  out.schema_version = version.get<int>();
  if (const Json* experiment = optional_member(summary, "experiment")) {
    out.experiment = text(*experiment, top / "experiment");
  }
  if (const Json* complete = optional_member(summary, "complete")) {
    out.complete = flag(*complete, top / "complete");
  }
  out.status = out.complete ? "complete" : "incomplete";
  if (const Json* status = optional_member(summary, "status")) {
    out.status = text(*status, top / "status");
  }
  out.metrics = text_list(member(summary, "metrics", top), top / "metrics");
  const fs::path config_file = dir / "config.json";
  if (fs::exists(config_file)) {
    const Json config = read_json_file(config_file);
    const Location config_top{config_file.string(), ""};
    if (const Json* output = optional_member(config, "output")) {
      if (const Json* table =
              optional_member(object(*output, config_top / "output"), "table_metrics")) {
        out.table_metrics = text_list(*table, config_top / "output" / "table_metrics");
      }
    }
  }
  const Json& cells = array(member(summary, "cells", top), top / "cells");
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const Json& cell = cells[c];
    const Location at = (top / "cells")[c];
    CellRecord record;
    record.directory = out.path;
    record.index = small_integer(member(cell, "index", at), at / "index");
    record.label = "cell" + std::to_string(record.index);
    if (const Json* label = optional_member(cell, "label"))
      record.label = text(*label, at / "label");
    record.sweep = Json::object();
    if (const Json* sweep = optional_member(cell, "sweep"))
      record.sweep = object(*sweep, at / "sweep");
    if (const Json* labels = optional_member(cell, "sweep_labels")) {
      for (const auto& [path, label] : object(*labels, at / "sweep_labels").items()) {
        record.sweep_labels[path] = text(label, at / "sweep_labels" / path);
      }
    }
    record.theory = Json::object();
    if (const Json* theory = optional_member(cell, "theory")) {
      record.theory = object(*theory, at / "theory");
    }
    add_derived(record.theory);
    const Json& cell_runs = array(member(cell, "runs", at), at / "runs");
    for (std::size_t r = 0; r < cell_runs.size(); ++r) {
      record.runs.push_back(read_run(cell_runs[r], statistic, (at / "runs")[r]));
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
