#include "analysis/comparison_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/error.h"

namespace agora::analysis {

namespace {

constexpr const char* kMissing = "—";

// Rounding noise around zero (1e-17 for an exactly zero regret) prints as 0.
double snap(double x, double scale) {
  return std::fabs(x) <= 1e-12 * std::max(1.0, std::fabs(scale)) ? 0.0 : x;
}

int decimals_for(double half_width) {
  if (!(half_width > 0.0) || !std::isfinite(half_width)) return 4;
  const int d = 1 - static_cast<int>(std::floor(std::log10(half_width)));
  return std::clamp(d, 0, 8);
}

std::string fixed(double x, int decimals, bool sign = false) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, sign ? "%+.*f" : "%.*f", decimals, x);
  return buffer;
}

std::string significant(double x, bool sign = false) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, sign ? "%+.4g" : "%.4g", x);
  return buffer;
}

std::string plus_minus(TableFormat format) {
  return format == TableFormat::kLatex ? " \\pm " : " ± ";
}

std::string math(const std::string& s, TableFormat format) {
  return format == TableFormat::kLatex ? "$" + s + "$" : s;
}

std::string format_estimate(const Estimate& e, TableFormat format) {
  if (e.n == 0) return format == TableFormat::kLatex ? "---" : kMissing;
  if (!e.ci) return math(significant(e.mean), format) + " (n = 1)";
  const double mean = snap(e.mean, 1.0);
  const double half = snap((e.ci->hi - e.ci->lo) / 2.0, mean);
  std::string out = half == 0.0 ? math(significant(mean) + plus_minus(format) + "0", format)
                                : math(fixed(mean, decimals_for(half)) + plus_minus(format) +
                                           fixed(half, decimals_for(half)),
                                       format);
  if (e.missing > 0) out += format == TableFormat::kLatex ? "$^\\dagger$" : " †";
  return out;
}

std::string format_difference(const ComparisonEntry& entry, bool baseline, TableFormat format) {
  const bool latex = format == TableFormat::kLatex;
  if (baseline) return latex ? "\\textit{baseline}" : "(baseline)";
  if (!entry.difference || !std::isfinite(entry.difference->estimate)) {
    return latex ? "---" : kMissing;
  }
  const stats::Difference& d = *entry.difference;
  const double estimate = snap(d.estimate, 1.0);
  if (!d.ci) return math(significant(estimate, true), format);
  const double half = snap((d.ci->hi - d.ci->lo) / 2.0, estimate);
  const int digits = decimals_for(half);
  const std::string marker = stats::significance_marker(d.p_value);
  std::string body = half == 0.0
                         ? significant(estimate, true) + plus_minus(format) + "0"
                         : fixed(estimate, digits, true) + plus_minus(format) + fixed(half, digits);
  if (latex) {
    if (!marker.empty()) body += "^{" + marker + "}";
    return "$" + body + "$";
  }
  return body + (marker.empty() ? "" : " " + marker);
}

std::string format_theory(const ComparisonEntry& entry, TableFormat format) {
  if (!entry.theory) return "";
  return math(significant(*entry.theory), format);
}

bool has_theory(const ComparisonRow& row) {
  return std::any_of(row.entries.begin(), row.entries.end(),
                     [](const ComparisonEntry& e) { return e.theory.has_value(); });
}

std::string latex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '_':
      case '&':
      case '%':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string describe(const Comparison& c, TableFormat format) {
  const bool latex = format == TableFormat::kLatex;
  const double percent = 100.0 * c.level;
  std::ostringstream out;
  out << "mean over seeds of each run's " << (latex ? latex_escape(c.statistic) : c.statistic)
      << (latex ? " $\\pm$ " : " ± ") << "half-width of the "
      << fixed(percent, percent == std::floor(percent) ? 0 : 1) << (latex ? "\\%" : "%")
      << " interval (" << c.interval_method << ")";
  if (c.rows.size() > 1) {
    out << (latex ? "; $\\Delta$ = difference to the baseline row ($^{*}\\,p<0.05$, "
                    "$^{**}\\,p<0.01$, $^{***}\\,p<0.001$)"
                  : "; Δ = difference to the baseline row (* p < 0.05, ** p < 0.01, "
                    "*** p < 0.001)");
  }
  return out.str();
}

// A grid of cells rendered as an aligned text table or Markdown.
using Grid = std::vector<std::vector<std::string>>;

Grid build_grid(const Comparison& c, TableFormat format) {
  const bool deltas = c.rows.size() > 1;
  const bool latex = format == TableFormat::kLatex;
  Grid grid;
  std::vector<std::string> header = {latex ? "Cell" : "cell"};
  for (const auto& m : c.metrics) {
    header.push_back(latex ? latex_escape(m) : m);
    if (deltas) header.push_back((latex ? "$\\Delta$ " + latex_escape(m) : "Δ " + m));
  }
  grid.push_back(header);
  for (const auto& row : c.rows) {
    std::string label = latex ? latex_escape(row.label) : row.label;
    if (row.complete_runs < row.runs) {
      label += " (" + std::to_string(row.complete_runs) + "/" + std::to_string(row.runs) +
               " runs complete)";
    }
    std::vector<std::string> line = {label};
    for (const auto& entry : row.entries) {
      line.push_back(format_estimate(entry.estimate, format));
      if (deltas) line.push_back(format_difference(entry, row.is_baseline, format));
    }
    grid.push_back(line);
    if (has_theory(row)) {
      std::vector<std::string> theory = {latex ? "\\quad\\textit{theory}" : "  theory"};
      for (const auto& entry : row.entries) {
        theory.push_back(format_theory(entry, format));
        if (deltas) theory.push_back("");
      }
      grid.push_back(theory);
    }
  }
  return grid;
}

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (unsigned char c : s) width += (c & 0xC0) != 0x80;  // count UTF-8 code points
  return width;
}

std::string terminal_table(const Comparison& c, const std::string& title) {
  const Grid grid = build_grid(c, TableFormat::kTerminal);
  std::vector<std::size_t> widths(grid.front().size(), 0);
  for (const auto& line : grid) {
    for (std::size_t j = 0; j < line.size(); ++j) {
      widths[j] = std::max(widths[j], display_width(line[j]));
    }
  }
  std::ostringstream out;
  if (!title.empty()) out << title << "\n";
  out << describe(c, TableFormat::kTerminal) << "\n";
  std::size_t total = 0;
  for (std::size_t j = 0; j < grid.front().size(); ++j) {
    total += widths[j] + 2;
  }
  for (std::size_t i = 0; i < grid.size(); ++i) {
    for (std::size_t j = 0; j < grid[i].size(); ++j) {
      out << grid[i][j] << std::string(widths[j] + 2 - display_width(grid[i][j]), ' ');
    }
    out << "\n";
    if (i == 0) out << std::string(total, '-') << "\n";
  }
  for (const auto& note : c.notes) out << "note: " << note << "\n";
  return out.str();
}

std::string markdown_table(const Comparison& c, const std::string& title) {
  const Grid grid = build_grid(c, TableFormat::kMarkdown);
  std::ostringstream out;
  if (!title.empty()) out << "**" << title << "**\n\n";
  for (std::size_t i = 0; i < grid.size(); ++i) {
    out << "|";
    for (const auto& cell : grid[i]) out << " " << cell << " |";
    out << "\n";
    if (i == 0) {
      out << "|";
      for (std::size_t j = 0; j < grid[i].size(); ++j) out << (j == 0 ? " --- |" : " ---: |");
      out << "\n";
    }
  }
  out << "\n" << describe(c, TableFormat::kMarkdown) << ".\n";
  for (const auto& note : c.notes) out << "\n- " << note;
  if (!c.notes.empty()) out << "\n";
  return out.str();
}

std::string latex_table(const Comparison& c, const std::string& title) {
  const Grid grid = build_grid(c, TableFormat::kLatex);
  std::ostringstream out;
  out << "% requires \\usepackage{booktabs}\n\\begin{table}[t]\n\\centering\n";
  std::string caption = title.empty() ? "" : latex_escape(title) + ": ";
  out << "\\caption{" << caption << describe(c, TableFormat::kLatex) << ".}\n";
  out << "\\begin{tabular}{l" << std::string(grid.front().size() - 1, 'r') << "}\n\\toprule\n";
  for (std::size_t i = 0; i < grid.size(); ++i) {
    for (std::size_t j = 0; j < grid[i].size(); ++j) out << (j ? " & " : "") << grid[i][j];
    out << " \\\\\n";
    if (i == 0) out << "\\midrule\n";
  }
  out << "\\bottomrule\n\\end{tabular}\n";
  if (!c.notes.empty()) {
    out << "\\par\\smallskip\\footnotesize\n";
    for (const auto& note : c.notes) out << latex_escape(note) << "\\\\\n";
  }
  out << "\\end{table}\n";
  return out.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string csv_number(double x) {
  if (!std::isfinite(x)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string csv_table(const Comparison& c) {
  std::ostringstream out;
  out << "cell,directory,complete_runs,runs,baseline";
  for (const auto& m : c.metrics) {
    for (const char* q : {"n", "missing", "mean", "ci_lo", "ci_hi", "theory", "diff", "diff_lo",
                          "diff_hi", "p_value", "diff_method"}) {
      out << "," << csv_field(m + "_" + q);
    }
  }
  out << "\n";
  for (const auto& row : c.rows) {
    out << csv_field(row.label) << "," << csv_field(row.directory) << "," << row.complete_runs
        << "," << row.runs << "," << (row.is_baseline ? 1 : 0);
    for (const auto& e : row.entries) {
      const Estimate& est = e.estimate;
      out << "," << est.n << "," << est.missing << "," << csv_number(est.n ? est.mean : NAN) << ","
          << (est.ci ? csv_number(est.ci->lo) : "") << "," << (est.ci ? csv_number(est.ci->hi) : "")
          << "," << (e.theory ? csv_number(*e.theory) : "");
      if (e.difference) {
        const auto& d = *e.difference;
        out << "," << csv_number(d.estimate) << "," << (d.ci ? csv_number(d.ci->lo) : "") << ","
            << (d.ci ? csv_number(d.ci->hi) : "") << "," << csv_number(d.p_value) << ","
            << csv_field(d.method);
      } else {
        out << ",,,,,";
      }
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace

TableFormat table_format_named(const std::string& name, const std::string& where) {
  if (name == "table") return TableFormat::kTerminal;
  if (name == "markdown") return TableFormat::kMarkdown;
  if (name == "latex") return TableFormat::kLatex;
  if (name == "csv") return TableFormat::kCsv;
  throw ConfigError(where, "'" + name + "' is not one of table, markdown, latex, csv");
}

TableFormat table_format_for_file(const std::string& file) {
  const std::string ext = std::filesystem::path(file).extension().string();
  if (ext == ".txt") return TableFormat::kTerminal;
  if (ext == ".md") return TableFormat::kMarkdown;
  if (ext == ".tex") return TableFormat::kLatex;
  if (ext == ".csv") return TableFormat::kCsv;
  throw ConfigError(file,
                    "unknown table file extension '" + ext + "' (use .txt, .md, .tex or .csv)");
}

std::string format_comparison(const Comparison& comparison, TableFormat format,
                              const std::string& title) {
  switch (format) {
    case TableFormat::kTerminal:
      return terminal_table(comparison, title);
    case TableFormat::kMarkdown:
      return markdown_table(comparison, title);
    case TableFormat::kLatex:
      return latex_table(comparison, title);
    case TableFormat::kCsv:
      return csv_table(comparison);
  }
  return "";
}

}  // namespace agora::analysis
