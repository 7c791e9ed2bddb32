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

#include "analysis/summary_fixture.h"
#include "core/error.h"

namespace fs = std::filesystem;
using agora::ConfigError;
using agora::Json;
using agora::analysis::load_run_directories;
using agora::analysis::RunDirectory;

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
  SUBCASE("a number too large for a double names the file, line and column") {
    write_text(tmp / "summary.json", "{\"schema_version\": 1,\n \"x\": 1e999}");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "summary.json").string());
    CHECK(contains(error.message, "number 1e999 at line 2, column 7 is too large for a double"));
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

TEST_CASE("load_run_directories: a value of the wrong type names the file and its JSON path") {
  // Hand-edited or foreign summaries: every field analysis reads is type-checked, so a wrong
  // type is a ConfigError (exit 2 in the CLI), never a JSON library exception.
  TempDir tmp;
  const std::string file = (tmp / "summary.json").string();
  const auto summary_with = [](const std::string& cell, const std::string& top = "") {
    return R"({"schema_version": 1, "metrics": ["revenue"], )" + top + R"("cells": [)" + cell +
           "]}";
  };
  const std::string good_run =
      R"({"seed": 1, "metrics": {"revenue": {"mean": 0.3, "tail_mean": 0.3}}})";
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {summary_with(R"({"index": 0, "runs": [{"seed": "one"}]})"),
       "cells[0].runs[0].seed: expected a non-negative integer seed, got \"one\""},
      {summary_with(R"({"index": 0, "runs": [{"seed": -4}]})"),
       "cells[0].runs[0].seed: expected a non-negative integer seed, got -4"},
      {summary_with(R"({"index": 0, "runs": [{"seed": 1, "complete": "yes"}]})"),
       "cells[0].runs[0].complete: expected true or false, got \"yes\""},
      {summary_with(R"({"index": 0, "runs": [{"seed": 1, "metrics": [1, 2]}]})"),
       "cells[0].runs[0].metrics: expected an object, got [1,2]"},
      {summary_with(R"({"index": "0", "runs": []})"),
       "cells[0].index: expected a non-negative integer, got \"0\""},
      {summary_with(R"({"index": 0, "label": 7, "runs": []})"),
       "cells[0].label: expected a string, got 7"},
      {summary_with(R"({"index": 0, "sweep": "x", "runs": []})"),
       "cells[0].sweep: expected an object, got \"x\""},
      {summary_with(R"({"index": 0, "sweep_labels": {"mechanism": 1}, "runs": []})"),
       "cells[0].sweep_labels.mechanism: expected a string, got 1"},
      {summary_with(R"({"index": 0, "runs": {"a": 1}})"),
       "cells[0].runs: expected an array, got {\"a\":1}"},
      {summary_with(R"({"index": 0})"), "cells[0]: missing 'runs' (not an Agora summary?)"},
      {summary_with(R"({"index": 0, "runs": [)" + good_run + "]}", R"("complete": 1, )"),
       "complete: expected true or false, got 1"},
      {summary_with(R"({"index": 0, "runs": [)" + good_run + "]}", R"("experiment": [], )"),
       "experiment: expected a string, got []"},
      {R"({"schema_version": 1, "metrics": ["revenue", 3], "cells": []})",
       "metrics[1]: expected a string, got 3"},
      {R"({"schema_version": 1, "metrics": ["revenue"], "cells": {}})",
       "cells: expected an array, got {}"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    write_text(tmp / "summary.json", c.text);
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == file);
    CHECK(error.message == file + ": " + c.message);
  }

  SUBCASE("config.json's table_metrics must be a list of names") {
    write_run_directory(tmp.path(), minimal_summary());
    write_text(tmp / "config.json", R"({"output": {"table_metrics": "revenue"}})");
    const auto error = config_error([&] { load_run_directories(tmp.path().string()); });
    CHECK(error.path == (tmp / "config.json").string());
    CHECK(contains(error.message, "output.table_metrics: expected an array, got \"revenue\""));
  }
}
