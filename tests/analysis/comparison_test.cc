// `agora compare` (compare + format_comparison) against hand-worked examples: summary.json files
// shaped like those `agora run` writes, with small per-run values whose means, Student-t
// intervals and paired / Welch tests are computed by hand in the comments.
//
// Quantiles used by hand: t_{0.975, 3} = 3.182446305 (4 seeds), t_{0.975, 2} = 4.302652730.
// For 3 degrees of freedom the t CDF has a closed form: with θ = atan(t / √3),
// F(t) = 1/2 + (θ + sin θ cos θ) / π, so the two-sided p = 1 - 2 (θ + sin θ cos θ) / π.
#include "analysis/comparison.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/comparison_format.h"
#include "analysis/run_directory.h"
#include "analysis/stats.h"
#include "analysis/summary_fixture.h"
#include "core/error.h"

namespace fs = std::filesystem;
namespace stats = agora::stats;
using agora::ConfigError;
using agora::Json;
using agora::analysis::compare;
using agora::analysis::Comparison;
using agora::analysis::ComparisonOptions;
using agora::analysis::format_comparison;
using agora::analysis::load_run_directories;
using agora::analysis::RunDirectory;
using agora::analysis::TableFormat;

using agora::summary_fixture::CellSpec;
using agora::summary_fixture::config_error;
using agora::summary_fixture::contains;
using agora::summary_fixture::kNull;
using agora::summary_fixture::runs;
using agora::summary_fixture::RunSpec;
using agora::summary_fixture::SummarySpec;
using agora::summary_fixture::TempDir;
using agora::summary_fixture::write_run_directory;
using agora::summary_fixture::write_text;

namespace {

Json reserve(double r) { return {{"mechanism.params.reserve", r}}; }

// Writes each spec to <tmp>/<name> and loads the folder (so in name order).
std::vector<RunDirectory> load(const std::map<std::string, SummarySpec>& directories,
                               const std::string& statistic = "tail_mean") {
  TempDir tmp;
  for (const auto& [name, spec] : directories) write_run_directory(tmp / name, spec);
  return load_run_directories(tmp.path().string(), statistic);
}
std::vector<RunDirectory> load(const SummarySpec& spec) { return load({{"sweep", spec}}); }

// ---- The hand-worked reserve sweep ----
//
// revenue per seed    seed 1  2  3  4  5  6  7  8
//   reserve=0.0 (A)        1  2  3  4                 baseline
//   reserve=0.5 (B)        2  4  5  6                 same seeds: paired
//   reserve=0.75 (C)                   3  5  7  9     no shared seed: Welch
//
// A: mean 2.5, sd = sqrt(((1.5² + 0.5²) · 2) / 3) = sqrt(5/3) = 1.2909944,
//    half-width = 3.182446 · 1.2909944 / 2 = 2.0542603, CI [0.4457397, 4.5542603].
// B - A by seed: d = 1, 2, 2, 2; mean 1.75, sd = sqrt((0.75² + 3 · 0.25²) / 3) = 0.5,
//    se = 0.5 / 2 = 0.25, t = 7, df = 3, half-width = 3.182446 · 0.25 = 0.7956116,
//    CI [0.9543884, 2.5456116]; θ = atan(7 / √3), p = 1 - 2 (θ + sin θ cos θ) / π = 0.0059863.
// C vs A (Welch): means 6 and 2.5, variances 20/3 and 5/3, se² = (20/3 + 5/3) / 4 = 25/12,
//    t = 3.5 / sqrt(25/12) = 2.4248711, df = se⁴ / ((5/3)² / 3 + (5/12)² / 3) = 75/17 = 4.4118.
const double kHalfA = 3.182446305284263 * std::sqrt(5.0 / 3.0) / 2.0;
const double kHalfBA = 3.182446305284263 * 0.25;
const double kPairedP = 0.005986255697707055;

SummarySpec reserve_sweep() {
  return {.metrics = {"revenue"},
          .cells = {{.sweep = reserve(0.0), .runs = runs({{"revenue", {1, 2, 3, 4}}})},
                    {.sweep = reserve(0.5), .runs = runs({{"revenue", {2, 4, 5, 6}}})},
                    {.sweep = reserve(0.75), .runs = runs({{"revenue", {3, 5, 7, 9}}}, 5)}}};
}

// ---- Options ----

ComparisonOptions with_baseline(const std::string& baseline) {
  ComparisonOptions options;
  options.baseline = baseline;
  return options;
}
ComparisonOptions with_metrics(const std::vector<std::string>& metrics) {
  ComparisonOptions options;
  options.metrics = metrics;
  return options;
}
ComparisonOptions with_bootstrap(int resamples) {
  ComparisonOptions options;
  options.bootstrap = resamples;
  return options;
}

// ---- Checking ----

bool has_note(const Comparison& c, const std::string& part) {
  for (const auto& note : c.notes) {
    if (contains(note, part)) return true;
  }
  return false;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The first line of `text` that starts with `prefix` ("" when none).
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const auto& line : lines_of(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

// Splits one CSV line into fields (RFC 4180 quoting).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("compare: a cell's sweep_labels name its row instead of the swept value") {
  const Json first_price = {{"name", "first_price"}, {"params", {{"reserve", 0.0}}}};
  const Json second_price = {{"name", "second_price"}, {"params", {{"reserve", 0.0}}}};
  const Comparison c =
      compare(load(SummarySpec{.metrics = {"revenue"},
                               .cells = {{.sweep = {{"mechanism", first_price}},
                                          .runs = runs({{"revenue", {0.3, 0.4}}}),
                                          .sweep_labels = {{"mechanism", "first price"}}},
                                         {.sweep = {{"mechanism", second_price}},
                                          .runs = runs({{"revenue", {0.3, 0.4}}})}}}),
              {});
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0].label == "mechanism=first price");
  CHECK(c.rows[1].label == "mechanism=second_price");  // unlabelled: the object's name
}

TEST_CASE("compare: mean and Student-t interval of a cell") {
  const Comparison c = compare(load(reserve_sweep()), {});
  CHECK(c.metrics == std::vector<std::string>{"revenue"});  // no table_metrics: env metrics
  CHECK(c.statistic == "tail_mean");
  CHECK(c.interval_method == "Student-t over seeds");
  CHECK(c.level == 0.95);
  REQUIRE(c.rows.size() == 3);
  CHECK(c.rows[0].label == "reserve=0.0");  // the sweep's last key and its value
  CHECK(c.rows[2].label == "reserve=0.75");
  CHECK(c.rows[0].complete_runs == 4);
  CHECK(c.rows[0].runs == 4);
  const auto& a = c.rows[0].entries.at(0).estimate;
  CHECK(a.n == 4);
  CHECK(a.missing == 0);
  CHECK(a.mean == doctest::Approx(2.5).epsilon(1e-14));
  REQUIRE(a.ci);
  CHECK(a.ci->lo == doctest::Approx(2.5 - kHalfA).epsilon(1e-9));  // 0.4457397
  CHECK(a.ci->hi == doctest::Approx(2.5 + kHalfA).epsilon(1e-9));  // 4.5542603
  CHECK(kHalfA == doctest::Approx(2.054260).epsilon(1e-6));
  CHECK(c.notes.size() == 1);  // only the Welch row's note (below)
}

TEST_CASE("compare: paired difference by seed when the seeds are shared") {
  const Comparison c = compare(load(reserve_sweep()), {});
  CHECK(c.rows[0].is_baseline);
  CHECK_FALSE(c.rows[0].entries[0].difference);
  const auto& d = c.rows[1].entries[0].difference;
  REQUIRE(d);
  CHECK(d->method == "paired t");
  CHECK(d->n == 4);
  CHECK(d->estimate == doctest::Approx(1.75).epsilon(1e-14));
  CHECK(d->degrees_of_freedom == 3.0);
  REQUIRE(d->ci);
  CHECK(d->ci->lo == doctest::Approx(1.75 - kHalfBA).epsilon(1e-9));  // 0.9543884
  CHECK(d->ci->hi == doctest::Approx(1.75 + kHalfBA).epsilon(1e-9));  // 2.5456116
  CHECK(d->p_value == doctest::Approx(kPairedP).epsilon(1e-7));
  // The closed form behind kPairedP.
  const double theta = std::atan(7.0 / std::sqrt(3.0));
  CHECK(kPairedP ==
        doctest::Approx(1.0 - 2.0 * (theta + std::sin(theta) * std::cos(theta)) / std::acos(-1.0))
            .epsilon(1e-12));
}

TEST_CASE("compare: Welch's test when the row shares fewer than two seeds with the baseline") {
  const Comparison c = compare(load(reserve_sweep()), {});
  const auto& d = c.rows[2].entries[0].difference;
  REQUIRE(d);
  CHECK(d->method == "Welch t");
  CHECK(d->n == 8);
  CHECK(d->estimate == doctest::Approx(3.5).epsilon(1e-14));
  CHECK(d->degrees_of_freedom == doctest::Approx(75.0 / 17.0).epsilon(1e-12));
  const double se = std::sqrt(25.0 / 12.0);
  const double half = stats::t_quantile(0.975, 75.0 / 17.0) * se;
  // 4.41 df lies between 4 and 5: t_{0.975} between 2.570582 and 2.776445.
  CHECK(half > 2.570582 * se);
  CHECK(half < 2.776445 * se);
  REQUIRE(d->ci);
  CHECK(d->ci->lo == doctest::Approx(3.5 - half).epsilon(1e-9));
  CHECK(d->ci->hi == doctest::Approx(3.5 + half).epsilon(1e-9));
  CHECK(d->p_value == doctest::Approx(stats::t_two_sided_p(3.5 / se, 75.0 / 17.0)));
  CHECK(d->p_value > 0.05);
  CHECK(has_note(c, "compared unpaired (Welch)"));

  SUBCASE("one shared seed is not enough to pair") {
    SummarySpec spec = reserve_sweep();
    spec.cells[2].runs = runs({{"revenue", {3, 5, 7, 9}}}, 4);  // seeds 4..7: shares seed 4
    const Comparison one = compare(load(spec), {});
    CHECK(one.rows[2].entries[0].difference->method == "Welch t");
    CHECK(one.rows[2].entries[0].difference->degrees_of_freedom ==
          doctest::Approx(75.0 / 17.0).epsilon(1e-12));
  }
}

TEST_CASE("compare: the baseline by label, by row number, and an unknown one") {
  const auto dirs = load(reserve_sweep());
  SUBCASE("by label") {
    const Comparison c = compare(dirs, with_baseline("reserve=0.5"));
    CHECK_FALSE(c.rows[0].is_baseline);
    CHECK(c.rows[1].is_baseline);
    CHECK_FALSE(c.rows[1].entries[0].difference);
    // A - B = -(B - A): the same paired test with the sign flipped.
    const auto& d = c.rows[0].entries[0].difference;
    REQUIRE(d);
    CHECK(d->method == "paired t");
    CHECK(d->estimate == doctest::Approx(-1.75).epsilon(1e-14));
    CHECK(d->ci->lo == doctest::Approx(-1.75 - kHalfBA).epsilon(1e-9));
    CHECK(d->p_value == doctest::Approx(kPairedP).epsilon(1e-7));
  }
  SUBCASE("by row number") {
    const Comparison c = compare(dirs, with_baseline("2"));
    CHECK(c.rows[2].is_baseline);
    CHECK_FALSE(c.rows[0].is_baseline);
    CHECK(c.rows[0].entries[0].difference->estimate == doctest::Approx(-3.5).epsilon(1e-14));
  }
  SUBCASE("an unknown label: ConfigError with a suggestion") {
    const auto error = config_error([&] { compare(dirs, with_baseline("reserv=0.5")); });
    CHECK(error.path == "--baseline");
    CHECK(contains(error.message, "no row labelled 'reserv=0.5'"));
    CHECK(contains(error.message, "did you mean 'reserve=0.5'?"));
  }
  SUBCASE("a row number past the last row") {
    const auto error = config_error([&] { compare(dirs, with_baseline("3")); });
    CHECK(error.path == "--baseline");
    CHECK(contains(error.message, "row number from 0"));
  }
  SUBCASE("a row number too large for any integer type") {
    const auto error =
        config_error([&] { compare(dirs, with_baseline("99999999999999999999999")); });
    CHECK(error.path == "--baseline");
  }
}

TEST_CASE("compare: an unknown metric is a ConfigError with a suggestion") {
  const auto error =
      config_error([&] { compare(load(reserve_sweep()), with_metrics({"revenu"})); });
  CHECK(error.path == "--metrics");
  CHECK(contains(error.message, "unknown metric 'revenu'; did you mean 'revenue'?"));
}

TEST_CASE("compare: default metrics are the config's table_metrics") {
  SummarySpec spec = reserve_sweep();
  spec.metrics = {"revenue", "welfare"};
  for (auto& cell : spec.cells) {
    for (auto& run : cell.runs) run.tail_means["welfare"] = 1.0;
  }
  CHECK(compare(load(spec), {}).metrics == std::vector<std::string>{"revenue", "welfare"});
  spec.table_metrics = {"welfare"};
  CHECK(compare(load(spec), {}).metrics == std::vector<std::string>{"welfare"});
}

TEST_CASE("compare: the statistic decides what one run contributes") {
  // Whole-horizon means written as tail_mean + 100, so the means over seeds differ by 100.
  SummarySpec spec = reserve_sweep();
  spec.mean_offset = 100.0;
  const Comparison c = compare(load({{"sweep", spec}}, "mean"), {}, "mean");
  CHECK(c.statistic == "mean");
  CHECK(c.rows[0].entries[0].estimate.mean == doctest::Approx(102.5).epsilon(1e-14));
  CHECK(c.rows[1].entries[0].difference->estimate == doctest::Approx(1.75).epsilon(1e-12));
}

TEST_CASE("compare: incomplete runs are excluded and the row says how many are complete") {
  SummarySpec spec{.metrics = {"revenue"},
                   .cells = {{.sweep = reserve(0.0), .runs = runs({{"revenue", {1, 2, 3, 100}}})},
                             {.sweep = reserve(0.5), .runs = runs({{"revenue", {2, 4, 5, 6}}})}},
                   .status = "interrupted by SIGINT"};
  spec.cells[0].runs[3].complete = false;  // its 100 must not count
  const Comparison c = compare(load(spec), {});
  const auto& row = c.rows[0];
  CHECK(row.complete_runs == 3);
  CHECK(row.runs == 4);
  // Seeds 1..3: mean 2, sd 1, half-width = t_{0.975,2} · 1 / √3 = 4.302653 / 1.732051 = 2.484138.
  CHECK(row.entries[0].estimate.n == 3);
  CHECK(row.entries[0].estimate.missing == 0);
  CHECK(row.entries[0].estimate.mean == doctest::Approx(2.0).epsilon(1e-14));
  CHECK(row.entries[0].estimate.ci->hi == doctest::Approx(2.0 + 2.484138).epsilon(1e-6));
  // Paired over the three complete shared seeds: d = 1, 2, 2.
  CHECK(c.rows[1].entries[0].difference->n == 3);
  CHECK(c.rows[1].entries[0].difference->estimate == doctest::Approx(5.0 / 3.0).epsilon(1e-14));
  CHECK(has_note(c, "reserve=0.0: only 3 of 4 runs complete"));
  CHECK(has_note(c, "interrupted by SIGINT; only its complete runs are counted"));
  const std::string table = format_comparison(c, TableFormat::kTerminal);
  CHECK(contains(line_starting(table, "reserve=0.0"), "reserve=0.0 (3/4 runs complete)"));
  CHECK(contains(table, "note: reserve=0.0: only 3 of 4 runs complete"));
}

TEST_CASE("compare: a metric missing from some runs is counted as missing, with a note") {
  SummarySpec spec{
      .metrics = {"revenue", "welfare"},
      .cells = {{.sweep = reserve(0.0),
                 .runs = runs({{"revenue", {1, 2, 3, 4}}, {"welfare", {5, kNull, 6, 7}}})},
                {.sweep = reserve(0.5), .runs = runs({{"revenue", {2, 4, 5, 6}}})}}};
  spec.cells[0].runs[0].diagnostics = {{"nash_conv", 0.25}};  // only one run has it
  const Comparison c = compare(load(spec), with_metrics({"welfare", "nash_conv"}));
  const auto& welfare = c.rows[0].entries[0].estimate;
  CHECK(welfare.n == 3);
  CHECK(welfare.missing == 1);
  CHECK(welfare.mean == doctest::Approx(6.0).epsilon(1e-14));  // (5 + 6 + 7) / 3
  CHECK(has_note(c, "reserve=0.0: welfare missing in 1 of 4 complete runs"));
  // A row without the metric at all: no value, no difference.
  const auto& absent = c.rows[1].entries[0];
  CHECK(absent.estimate.n == 0);
  CHECK(absent.estimate.missing == 4);
  CHECK(std::isnan(absent.estimate.mean));
  CHECK_FALSE(absent.difference);
  CHECK(has_note(c, "reserve=0.5: welfare missing in 4 of 4 complete runs"));
  // A diagnostic one run has: n = 1, no interval.
  CHECK(c.rows[0].entries[1].estimate.n == 1);
  CHECK(c.rows[0].entries[1].estimate.missing == 3);

  const std::string table = format_comparison(c, TableFormat::kTerminal);
  const std::string base = line_starting(table, "reserve=0.0");
  const std::string other = line_starting(table, "reserve=0.5");
  // welfare 5, 6, 7: sd 1, half-width 4.302653 / √3 = 2.484; † marks the missing value.
  CHECK(contains(base, "6.0 ± 2.5 †"));
  CHECK(contains(other, "—"));
}

TEST_CASE("compare: one seed gives an estimate without an interval, and a note") {
  SummarySpec spec = reserve_sweep();
  spec.cells[1].runs = runs({{"revenue", {7}}});  // seed 1 only
  const Comparison c = compare(load(spec), {});
  const auto& e = c.rows[1].entries[0];
  CHECK(e.estimate.n == 1);
  CHECK(e.estimate.mean == 7.0);
  CHECK_FALSE(e.estimate.ci);
  // One shared seed: unpaired; Welch needs two values per group, so an estimate only.
  REQUIRE(e.difference);
  CHECK(e.difference->method == "Welch t");
  CHECK(e.difference->estimate == doctest::Approx(4.5).epsilon(1e-14));  // 7 - 2.5
  CHECK_FALSE(e.difference->ci);
  CHECK(std::isnan(e.difference->p_value));
  CHECK(has_note(c, "a row with one seed has no interval (n = 1)"));
  const std::string line =
      line_starting(format_comparison(c, TableFormat::kTerminal), "reserve=0.5");
  CHECK(contains(line, "7 (n = 1)"));
  CHECK(contains(line, "+4.5"));
}

TEST_CASE("compare: directories of different schema versions are a ConfigError") {
  auto dirs = load(reserve_sweep());
  RunDirectory newer = dirs[0];
  newer.path = "/results/newer";
  newer.schema_version = 2;  // in memory: this agora cannot load one from disk
  dirs.push_back(newer);
  const auto error = config_error([&] { compare(dirs, {}); });
  CHECK(error.path == "/results/newer");
  CHECK(contains(error.message, "schema version 2 differs"));
}

TEST_CASE("compare: a summary without cells is a ConfigError") {
  const auto dirs = load(SummarySpec{.metrics = {"revenue"}});
  const auto error = config_error([&] { compare(dirs, {}); });
  CHECK(error.path == dirs[0].path);
  CHECK(contains(error.message, "no cells to compare"));
}

TEST_CASE("compare: theory values are carried to the entries") {
  SummarySpec spec{.metrics = {"revenue", "welfare", "optimal_welfare"},
                   .cells = {{.sweep = reserve(0.25),
                              .runs = runs({{"revenue", {0.37, 0.38}},
                                            {"welfare", {0.65, 0.66}},
                                            {"optimal_welfare", {0.66, 0.67}}})}}};
  // Two bidders, values U[0, 1], reserve 1/4: revenue 3/8, welfare 21/32, optimum 2/3, so
  // price of anarchy (2/3) / (21/32) = 64/63.
  spec.cells[0].theory = {{"revenue", 0.375},
                          {"welfare", 21.0 / 32.0},
                          {"optimal_welfare", 2.0 / 3.0},
                          {"note", "Bayes-Nash equilibrium"}};
  const Comparison c =
      compare(load(spec), with_metrics({"revenue", "price_of_anarchy", "optimal_welfare"}));
  const auto& entries = c.rows[0].entries;
  CHECK(*entries[0].theory == 0.375);
  CHECK(*entries[1].theory == doctest::Approx(64.0 / 63.0).epsilon(1e-14));
  // Per run: 0.66 / 0.65 and 0.67 / 0.66.
  CHECK(entries[1].estimate.mean ==
        doctest::Approx((0.66 / 0.65 + 0.67 / 0.66) / 2.0).epsilon(1e-14));
  CHECK(*entries[2].theory == doctest::Approx(2.0 / 3.0).epsilon(1e-14));
  const std::string table = format_comparison(c, TableFormat::kTerminal);
  const std::string theory = line_starting(table, "  theory");
  CHECK(contains(theory, "0.375"));
  CHECK(contains(theory, "1.016"));  // 64/63 to four significant digits
  CHECK(contains(theory, "0.6667"));
}

TEST_CASE("compare: bootstrap intervals are deterministic, with a note about few seeds") {
  const auto dirs = load(reserve_sweep());
  const ComparisonOptions options = with_bootstrap(1000);
  const Comparison first = compare(dirs, options);
  const Comparison second = compare(dirs, options);
  CHECK(first.interval_method == "percentile bootstrap over seeds (B = 1000)");
  for (std::size_t r = 0; r < first.rows.size(); ++r) {
    const auto& a = first.rows[r].entries[0];
    const auto& b = second.rows[r].entries[0];
    REQUIRE(a.estimate.ci);
    CHECK(a.estimate.ci->lo == b.estimate.ci->lo);
    CHECK(a.estimate.ci->hi == b.estimate.ci->hi);
    if (a.difference) {
      CHECK(a.difference->ci->lo == b.difference->ci->lo);
      CHECK(a.difference->ci->hi == b.difference->ci->hi);
      CHECK(a.difference->p_value == b.difference->p_value);
    }
  }
  // The interval is the library's percentile bootstrap of the per-seed values, in seed order.
  const auto expected = stats::bootstrap_interval(std::vector<double>{1, 2, 3, 4}, 0.95, 1000,
                                                  options.bootstrap_seed);
  CHECK(first.rows[0].entries[0].estimate.ci->lo == expected->lo);
  CHECK(first.rows[0].entries[0].estimate.ci->hi == expected->hi);
  // Resampled means of {1, 2, 3, 4} lie in [1, 4].
  CHECK(expected->lo >= 1.0);
  CHECK(expected->hi <= 4.0);
  CHECK(first.rows[1].entries[0].difference->method == "paired bootstrap");
  CHECK(first.rows[2].entries[0].difference->method == "bootstrap");
  CHECK(has_note(first, "the bootstrap understates uncertainty with fewer than 10 seeds"));
  CHECK_FALSE(has_note(compare(dirs, {}), "bootstrap"));
}

TEST_CASE("compare: rows of several directories are named by directory") {
  SummarySpec one_cell{
      .metrics = {"revenue"},
      .cells = {{.sweep = reserve(0.0), .runs = runs({{"revenue", {1, 2, 3, 4}}})}}};
  SummarySpec two_cells = reserve_sweep();
  two_cells.cells.pop_back();
  const Comparison c = compare(load({{"b_sweep", two_cells}, {"a_first_price", one_cell}}), {});
  REQUIRE(c.rows.size() == 3);
  CHECK(c.rows[0].label == "a_first_price");  // a directory of one cell: its name
  CHECK(c.rows[1].label == "b_sweep/reserve=0.0");
  CHECK(c.rows[2].label == "b_sweep/reserve=0.5");
  CHECK(fs::path(c.rows[1].directory).filename() == "b_sweep");
  // Same seeds across directories: paired.
  CHECK(c.rows[1].entries[0].difference->method == "paired t");
  CHECK(c.rows[1].entries[0].difference->estimate == 0.0);
  CHECK(c.rows[2].entries[0].difference->estimate == doctest::Approx(1.75).epsilon(1e-14));
}

TEST_CASE("format_comparison: terminal table") {
  SummarySpec spec = reserve_sweep();
  spec.cells[0].theory = {{"revenue", 1.0 / 3.0}, {"note", "equilibrium"}};
  const Comparison c = compare(load(spec), {});
  const std::string table = format_comparison(c, TableFormat::kTerminal, "reserve sweep");
  const auto lines = lines_of(table);
  REQUIRE(lines.size() >= 7);
  CHECK(lines[0] == "reserve sweep");
  CHECK(contains(lines[1], "± half-width of the 95% interval (Student-t over seeds)"));
  CHECK(line_starting(table, "cell") != "");
  CHECK(contains(line_starting(table, "cell"), "Δ revenue"));
  CHECK(line_starting(table, "-----") != "");
  // A: 2.5 ± 2.0543 rounded at the half-width's second significant digit (0.1): "2.5 ± 2.1".
  const std::string a = line_starting(table, "reserve=0.0 ");
  CHECK(contains(a, "2.5 ± 2.1"));
  CHECK(contains(a, "(baseline)"));
  // B - A: 1.75 ± 0.7956 -> second significant digit at 0.01: "+1.75 ± 0.80", p = 0.006: **.
  CHECK(contains(line_starting(table, "reserve=0.5 "), "+1.75 ± 0.80 **"));
  // C - A (Welch): p = 0.07, no marker.
  CHECK_FALSE(contains(line_starting(table, "reserve=0.75 "), "*"));
  // The theory row follows its cell, with four significant digits.
  std::size_t theory_line = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("  theory", 0) == 0) theory_line = i;
  }
  REQUIRE(theory_line > 0);
  CHECK(lines[theory_line - 1].rfind("reserve=0.0 ", 0) == 0);
  CHECK(contains(lines[theory_line], "0.3333"));
  CHECK(contains(table, "note: rows that share fewer than two seeds"));
}

TEST_CASE("format_comparison: the half-width decides the digits") {
  SummarySpec spec{
      .metrics = {"revenue"},
      .cells = {{.sweep = reserve(0.0), .runs = runs({{"revenue", {0.4991, 0.4997, 0.5, 0.5006}}})},
                {.sweep = reserve(0.5), .runs = runs({{"revenue", {100, 120, 140, 160}}})}}};
  const std::string table = format_comparison(compare(load(spec), {}), TableFormat::kTerminal);
  // mean 1.9994 / 4 = 0.49985; deviations ±0.00075, ±0.00015: sd = sqrt(1.17e-6 / 3) =
  // 6.245e-4, half-width 3.182446 · 6.245e-4 / 2 = 0.00099372: second significant digit at
  // 1e-5, so five decimals.
  CHECK(contains(line_starting(table, "reserve=0.0 "), "0.49985 ± 0.00099"));
  // mean 130, sd = sqrt(2 · (30² + 10²) / 3) = 25.82, half 41.085: whole numbers.
  CHECK(contains(line_starting(table, "reserve=0.5 "), "130 ± 41"));
}

TEST_CASE("format_comparison: Markdown") {
  const Comparison c = compare(load(reserve_sweep()), {});
  const auto lines = lines_of(format_comparison(c, TableFormat::kMarkdown, "Reserve sweep"));
  REQUIRE(lines.size() > 6);
  CHECK(lines[0] == "**Reserve sweep**");
  CHECK(lines[2] == "| cell | revenue | Δ revenue |");
  CHECK(lines[3] == "| --- | ---: | ---: |");
  CHECK(lines[4] == "| reserve=0.0 | 2.5 ± 2.1 | (baseline) |");
  CHECK(lines[5].rfind("| reserve=0.5 | 4.2", 0) == 0);  // 4.25 ± 2.72 (4.25 rounds to even)
  CHECK(contains(lines[5], "| +1.75 ± 0.80 ** |"));
}

TEST_CASE("format_comparison: LaTeX (booktabs)") {
  SummarySpec spec{.metrics = {"bidder_utility"},
                   .cells = {{.sweep = {{"mechanism.params.reserve_price", 0.0}},
                              .runs = runs({{"bidder_utility", {1, 2, 3, 4}}})},
                             {.sweep = {{"mechanism.params.reserve_price", 0.5}},
                              .runs = runs({{"bidder_utility", {2, 4, 5, 6}}})}}};
  const std::string tex =
      format_comparison(compare(load(spec), {}), TableFormat::kLatex, "first_price");
  const auto top = tex.find("\\toprule");
  const auto mid = tex.find("\\midrule");
  const auto bottom = tex.find("\\bottomrule");
  REQUIRE(top != std::string::npos);
  REQUIRE(mid != std::string::npos);
  REQUIRE(bottom != std::string::npos);
  CHECK(top < mid);
  CHECK(mid < bottom);
  CHECK(contains(tex, "\\begin{tabular}{lrr}"));
  CHECK(contains(tex, "\\caption{first\\_price: "));
  CHECK(contains(tex, "$\\pm$"));
  CHECK(contains(tex, "Cell & bidder\\_utility & $\\Delta$ bidder\\_utility \\\\"));
  CHECK(contains(tex, "reserve\\_price=0.0 & $2.5 \\pm 2.1$ & \\textit{baseline} \\\\"));
  CHECK(contains(tex, "$+1.75 \\pm 0.80^{**}$"));
  CHECK_FALSE(contains(tex, "±"));
  CHECK_FALSE(contains(tex, "reserve_price"));  // every underscore escaped
}

TEST_CASE("format_comparison: CSV holds raw numbers, one line per row") {
  auto two_keys = [](const char* mechanism) {
    return Json{{"mechanism.name", mechanism}, {"mechanism.params.reserve", 0.0}};
  };
  SummarySpec spec{
      .metrics = {"revenue"},
      .cells = {{.sweep = two_keys("first_price"), .runs = runs({{"revenue", {1, 2, 3, 4}}})},
                {.sweep = two_keys("second_price"), .runs = runs({{"revenue", {2, 4, 5, 6}}})}}};
  spec.cells[0].theory = {{"revenue", 1.0 / 3.0}};
  const Comparison c = compare(load(spec), {});
  const auto lines = lines_of(format_comparison(c, TableFormat::kCsv));
  REQUIRE(lines.size() == 3);  // header + one line per row, no notes
  const auto header = csv_fields(lines[0]);
  CHECK(header == std::vector<std::string>{"cell", "directory", "complete_runs", "runs", "baseline",
                                           "revenue_n", "revenue_missing", "revenue_mean",
                                           "revenue_ci_lo", "revenue_ci_hi", "revenue_theory",
                                           "revenue_diff", "revenue_diff_lo", "revenue_diff_hi",
                                           "revenue_p_value", "revenue_diff_method"});
  // Labels with a comma are quoted.
  CHECK(lines[1].rfind("\"mechanism=first_price, reserve=0.0\",", 0) == 0);
  const auto base = csv_fields(lines[1]);
  const auto other = csv_fields(lines[2]);
  REQUIRE(base.size() == header.size());
  REQUIRE(other.size() == header.size());
  CHECK(base[0] == "mechanism=first_price, reserve=0.0");
  CHECK(base[2] == "4");
  CHECK(base[3] == "4");
  CHECK(base[4] == "1");
  CHECK(base[5] == "4");
  // Full precision: the field parses back to exactly the computed numbers.
  CHECK(std::stod(base[7]) == c.rows[0].entries[0].estimate.mean);
  CHECK(std::stod(base[7]) == 2.5);
  CHECK(std::stod(base[8]) == c.rows[0].entries[0].estimate.ci->lo);
  CHECK(std::stod(base[9]) == c.rows[0].entries[0].estimate.ci->hi);
  CHECK(std::stod(base[10]) == 1.0 / 3.0);
  CHECK(base[11].empty());  // the baseline has no difference
  CHECK(base[15].empty());
  CHECK(other[4] == "0");
  CHECK(other[10].empty());  // no theory
  CHECK(std::stod(other[11]) == c.rows[1].entries[0].difference->estimate);
  CHECK(std::stod(other[12]) == doctest::Approx(1.75 - kHalfBA).epsilon(1e-9));
  CHECK(std::stod(other[14]) == doctest::Approx(kPairedP).epsilon(1e-7));
  CHECK(other[15] == "paired t");
}

TEST_CASE("table formats by name and by file extension") {
  CHECK(agora::analysis::table_format_named("table", "--format") == TableFormat::kTerminal);
  CHECK(agora::analysis::table_format_named("markdown", "--format") == TableFormat::kMarkdown);
  CHECK(agora::analysis::table_format_named("latex", "--format") == TableFormat::kLatex);
  CHECK(agora::analysis::table_format_named("csv", "--format") == TableFormat::kCsv);
  const auto named = config_error([] { agora::analysis::table_format_named("html", "--format"); });
  CHECK(named.path == "--format");
  CHECK(contains(named.message, "'html' is not one of table, markdown, latex, csv"));

  CHECK(agora::analysis::table_format_for_file("out/table.txt") == TableFormat::kTerminal);
  CHECK(agora::analysis::table_format_for_file("out/table.md") == TableFormat::kMarkdown);
  CHECK(agora::analysis::table_format_for_file("paper/table.tex") == TableFormat::kLatex);
  CHECK(agora::analysis::table_format_for_file("table.v2.csv") == TableFormat::kCsv);
  for (const std::string file : {"table.html", "table", "table.csv.gz"}) {
    const auto error = config_error([&] { agora::analysis::table_format_for_file(file); });
    CHECK(error.path == file);
    CHECK(contains(error.message, "use .txt, .md, .tex or .csv"));
  }
}
