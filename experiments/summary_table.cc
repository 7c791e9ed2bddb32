#include "experiments/summary_table.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace agora {

namespace {

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", x);
  return buffer;
}

std::string cell_entry(const Json& metric_summary) {
  if (!metric_summary.is_object() || !metric_summary.contains("tail_mean")) return "n/a";
  const Json& tail = metric_summary["tail_mean"];
  if (!tail.contains("mean") || tail["mean"].is_null()) return "n/a";
  const double mean = tail["mean"].get<double>();
  if (tail.contains("ci95") && tail["ci95"].is_array()) {
    const double half = 0.5 * (tail["ci95"][1].get<double>() - tail["ci95"][0].get<double>());
    return number(mean) + " ± " + number(half);
  }
  return number(mean) + " (no CI)";
}

std::string pad(const std::string& text, std::size_t width) {
  std::size_t visible = 0;
  for (unsigned char c : text) visible += (c & 0xC0) != 0x80;
  return text + std::string(width > visible ? width - visible : 0, ' ');
}

}  // namespace

std::string format_summary_table(const Json& summary, const std::vector<std::string>& wanted) {
  std::vector<std::string> metrics = wanted;
  if (metrics.empty()) metrics = summary.at("metrics").get<std::vector<std::string>>();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"cell"});
  for (const auto& m : metrics) rows.back().push_back(m);
  for (const auto& cell : summary.at("cells")) {
    std::vector<std::string> row = {cell.at("label").get<std::string>()};
    for (const auto& m : metrics) row.push_back(cell_entry(cell.at("metrics").value(m, Json())));
    rows.push_back(row);
    const Json& theory = cell.value("theory", Json::object());
    bool any = false;
    std::vector<std::string> theory_row = {"  theory (equilibrium)"};
    for (const auto& m : metrics) {
      if (theory.contains(m)) {
        theory_row.push_back(number(theory[m].get<double>()));
        any = true;
      } else {
        theory_row.push_back("—");
      }
    }
    if (any) rows.push_back(theory_row);
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::size_t visible = 0;
      for (unsigned char ch : row[c]) visible += (ch & 0xC0) != 0x80;
      widths[c] = std::max(widths[c], visible);
    }
  }
  std::ostringstream out;
  const std::size_t seeds = summary.at("seeds").size();
  out << summary.at("experiment").get<std::string>() << ": " << seeds << " seed"
      << (seeds == 1 ? "" : "s") << " per cell, horizon " << summary.at("horizon")
      << "; mean over the last " << 100 * summary.at("tail_fraction").get<double>()
      << "% of steps, ± 95% CI half-width over seeds\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      out << pad(rows[r][c], widths[c] + 2);
    }
    out << "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : widths) total += w + 2;
      out << std::string(total, '-') << "\n";
    }
  }
  for (const auto& cell : summary.at("cells")) {
    const Json& theory = cell.value("theory", Json::object());
    if (theory.contains("note")) {
      out << "theory: " << theory["note"].get<std::string>() << "\n";
      break;
    }
  }
  return out.str();
}

}  // namespace agora
