// Renders a Comparison as a terminal table, Markdown, LaTeX (booktabs) or CSV.
//
// Entries read "mean ± half-width" of the interval, rounded where the half-width's second
// significant digit falls (0.49983 ± 0.00121 -> "0.4998 ± 0.0012"); without an interval the
// mean has four significant digits and "(n = 1)" or "—" (no value) says why. Each metric gets a
// "Δ metric" column when there is a baseline: the difference to the baseline row, its interval
// and a significance marker (* p < 0.05, ** p < 0.01, *** p < 0.001). Theory rows (values the
// env predicts) follow their cell. Notes (missing values, incomplete runs) end the table; the
// CSV holds the raw numbers, one column per quantity, and no notes.
#pragma once

#include <string>

#include "analysis/comparison.h"

namespace agora::analysis {

enum class TableFormat { kTerminal, kMarkdown, kLatex, kCsv };

// "table", "markdown", "latex", "csv"; throws ConfigError naming `where` otherwise.
TableFormat table_format_named(const std::string& name, const std::string& where);
// By file extension: .txt, .md, .tex, .csv.
TableFormat table_format_for_file(const std::string& file);

std::string format_comparison(const Comparison& comparison, TableFormat format,
                              const std::string& title = "");

}  // namespace agora::analysis
