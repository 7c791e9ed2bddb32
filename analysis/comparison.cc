#include "analysis/comparison.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/error.h"

namespace agora::analysis {

namespace {

std::string short_key(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() >= 2 && parts.back() == "name") return parts[parts.size() - 2];
  return parts.back();
}

std::string short_value(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("name") && value["name"].is_string()) {
    return value["name"].get<std::string>();
  }
  return value.dump();
}

std::string cell_label(const CellRecord& cell) {
  if (!cell.sweep.is_object() || cell.sweep.empty()) return cell.label;
  std::string label;
  for (const auto& [path, value] : cell.sweep.items()) {
    if (!label.empty()) label += ", ";
    const bool named = cell.sweep_labels.contains(path);
    label += short_key(path) + "=" +
             (named ? cell.sweep_labels[path].get<std::string>() : short_value(value));
  }
  return label;
}

std::string row_label(const RunDirectory& dir, const CellRecord& cell, bool several_directories) {
  if (!several_directories) return cell_label(cell);
  const std::string name = std::filesystem::path(dir.path).filename().string();
  if (dir.cells.size() == 1) return name.empty() ? dir.path : name;
  return name + "/" + cell_label(cell);
}

std::vector<std::string> default_metrics(const std::vector<RunDirectory>& directories) {
  for (const auto& dir : directories) {
    if (!dir.table_metrics.empty()) return dir.table_metrics;
  }
  return directories.front().metrics;
}

// Values of `metric` by seed over the complete runs of a cell; runs without it are counted.
std::map<std::uint64_t, double> values_by_seed(const CellRecord& cell, const std::string& metric,
                                               std::int64_t& missing) {
  std::map<std::uint64_t, double> out;
  for (const auto& run : cell.runs) {
    if (!run.complete) continue;
    if (run.values.contains(metric)) {
      out[run.seed] = run.values[metric].get<double>();
    } else {
      ++missing;
    }
  }
  return out;
}

std::vector<double> values_of(const std::map<std::uint64_t, double>& by_seed) {
  std::vector<double> out;
  for (const auto& [seed, value] : by_seed) out.push_back(value);
  return out;
}

Estimate estimate(const std::vector<double>& values, std::int64_t missing,
                  const ComparisonOptions& options) {
  Estimate e;
  e.n = static_cast<std::int64_t>(values.size());
  e.missing = missing;
  e.mean = stats::mean(values);
  if (options.bootstrap > 0) {
    e.ci =
        stats::bootstrap_interval(values, options.level, options.bootstrap, options.bootstrap_seed);
  } else {
    e.ci = stats::t_interval(values, options.level);
  }
  return e;
}

stats::Difference difference(const std::map<std::uint64_t, double>& row,
                             const std::map<std::uint64_t, double>& baseline,
                             const ComparisonOptions& options) {
  std::vector<double> a;
  std::vector<double> b;
  for (const auto& [seed, value] : row) {
    const auto it = baseline.find(seed);
    if (it == baseline.end()) continue;
    a.push_back(value);
    b.push_back(it->second);
  }
  const bool paired = a.size() >= 2;
  if (paired) {
    return options.bootstrap > 0
               ? stats::bootstrap_paired_difference(a, b, options.level, options.bootstrap,
                                                    options.bootstrap_seed)
               : stats::paired_difference(a, b, options.level);
  }
  const std::vector<double> all_a = values_of(row);
  const std::vector<double> all_b = values_of(baseline);
  return options.bootstrap > 0
             ? stats::bootstrap_difference(all_a, all_b, options.level, options.bootstrap,
                                           options.bootstrap_seed)
             : stats::welch_difference(all_a, all_b, options.level);
}

std::size_t baseline_row(const std::vector<ComparisonRow>& rows, const std::string& baseline) {
  if (baseline.empty()) return 0;
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].label == baseline) return r;
    labels.push_back(rows[r].label);
  }
  if (baseline.size() <= 9 &&
      std::all_of(baseline.begin(), baseline.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const std::size_t r = std::stoul(baseline);
    if (r < rows.size()) return r;
  }
  std::string message = "no row labelled '" + baseline + "'";
  const std::string suggestion = closest_match(baseline, labels);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  throw ConfigError("--baseline", message + " (or give a row number from 0)");
}

}  // namespace

Comparison compare(const std::vector<RunDirectory>& directories, const ComparisonOptions& options,
                   const std::string& statistic) {
  if (directories.empty()) throw ConfigError("compare", "no run directories given");
  for (const auto& dir : directories) {
    if (dir.schema_version != directories.front().schema_version) {
      throw ConfigError(dir.path, "schema version " + std::to_string(dir.schema_version) +
                                      " differs from " + directories.front().path + "'s " +
                                      std::to_string(directories.front().schema_version) +
                                      "; compare runs written by the same agora version");
    }
  }
  Comparison out;
  out.level = options.level;
  out.statistic = statistic;
  out.interval_method =
      options.bootstrap > 0
          ? "percentile bootstrap over seeds (B = " + std::to_string(options.bootstrap) + ")"
          : "Student-t over seeds";
  out.metrics = options.metrics.empty() ? default_metrics(directories) : options.metrics;
  const std::vector<std::string> known = available_metrics(directories);
  for (const auto& metric : out.metrics) {
    if (std::find(known.begin(), known.end(), metric) == known.end()) {
      std::string message = "unknown metric '" + metric + "'";
      const std::string suggestion = closest_match(metric, known);
      if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
      throw ConfigError("--metrics", message);
    }
  }

  std::vector<const CellRecord*> cells;
  const bool several = directories.size() > 1;
  for (const auto& dir : directories) {
    if (!dir.complete) {
      out.notes.push_back(dir.path + ": " + dir.status + "; only its complete runs are counted");
    }
    for (const auto& cell : dir.cells) {
      ComparisonRow row;
      row.label = row_label(dir, cell, several);
      row.directory = dir.path;
      row.runs = static_cast<int>(cell.runs.size());
      for (const auto& run : cell.runs) row.complete_runs += run.complete ? 1 : 0;
      out.rows.push_back(std::move(row));
      cells.push_back(&cell);
    }
  }
  if (out.rows.empty()) throw ConfigError(directories.front().path, "no cells to compare");
  const std::size_t base = baseline_row(out.rows, options.baseline);
  out.rows[base].is_baseline = true;

  bool single_seed = false;
  bool unpaired = false;
  bool few_seeds = false;
  for (const auto& metric : out.metrics) {
    std::int64_t base_missing = 0;
    const auto baseline_values = values_by_seed(*cells[base], metric, base_missing);
    for (std::size_t r = 0; r < out.rows.size(); ++r) {
      std::int64_t missing = 0;
      const auto by_seed = values_by_seed(*cells[r], metric, missing);
      ComparisonEntry entry;
      entry.estimate = estimate(values_of(by_seed), missing, options);
      single_seed = single_seed || entry.estimate.n == 1;
      few_seeds = few_seeds || (entry.estimate.n > 1 && entry.estimate.n < 10);
      if (missing > 0) {
        out.notes.push_back(out.rows[r].label + ": " + metric + " missing in " +
                            std::to_string(missing) + " of " +
                            std::to_string(missing + entry.estimate.n) + " complete runs");
      }
      if (r != base && !by_seed.empty() && !baseline_values.empty()) {
        entry.difference = difference(by_seed, baseline_values, options);
        if (entry.difference->method.find("paired") == std::string::npos) unpaired = true;
      }
      const Json& theory = cells[r]->theory;
      if (theory.contains(metric) && theory[metric].is_number()) {
        entry.theory = theory[metric].get<double>();
      }
      out.rows[r].entries.push_back(entry);
    }
  }
  for (const auto& row : out.rows) {
    if (row.complete_runs < row.runs) {
      out.notes.push_back(row.label + ": only " + std::to_string(row.complete_runs) + " of " +
                          std::to_string(row.runs) + " runs complete");
    }
  }
  if (options.bootstrap > 0 && few_seeds) {
    out.notes.push_back(
        "the bootstrap understates uncertainty with fewer than 10 seeds; prefer "
        "Student-t intervals there");
  }
  if (single_seed) out.notes.push_back("a row with one seed has no interval (n = 1)");
  if (unpaired) {
    out.notes.push_back(
        "rows that share fewer than two seeds with the baseline are compared "
        "unpaired (Welch)");
  }
  return out;
}

}  // namespace agora::analysis
