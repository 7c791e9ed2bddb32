#include "experiments/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "agents/policy.h"
#include "analysis/comparison.h"
#include "analysis/comparison_format.h"
#include "analysis/run_directory.h"
#include "core/error.h"
#include "envs/env_registry.h"
#include "experiments/experiment_config.h"
#include "experiments/experiment_runner.h"
#include "experiments/solve_command.h"
#include "experiments/summary_table.h"
#include "mechanisms/content/creator_payment.h"
#include "mechanisms/content/exposure_rule.h"
#include "mechanisms/mechanism.h"

namespace agora {

namespace {

std::vector<UnitInfo> all_units() {
  std::vector<UnitInfo> units;
  for (auto& info : EnvRegistry::instance().infos()) units.push_back(info);
  for (auto& info : MechanismRegistry::instance().infos()) units.push_back(info);
  for (auto& info : AgentRegistry::instance().infos()) units.push_back(info);
  for (auto& info : ExposureRuleRegistry::instance().infos()) units.push_back(info);
  for (auto& info : CreatorPaymentRegistry::instance().infos()) units.push_back(info);
  return units;
}

void print_params(const Json& params, const std::string& indent) {
  for (const auto& p : params) {
    std::cout << indent << p["name"].get<std::string>() << " (" << p["type"].get<std::string>();
    if (p.contains("default")) std::cout << ", default " << p["default"].dump();
    if (p.contains("range")) {
      auto bound = [](const Json& b) { return b.is_string() ? b.get<std::string>() : b.dump(); };
      std::cout << ", range [" << bound(p["range"][0]) << ", " << bound(p["range"][1]) << "]";
    }
    if (p.contains("choices")) {
      std::cout << ", one of";
      for (const auto& c : p["choices"]) std::cout << " " << c.get<std::string>();
    }
    std::cout << ")\n" << indent << "    " << p["doc"].get<std::string>() << "\n";
    if (p.contains("fields")) print_params(p["fields"], indent + "    ");
  }
}

int list_units() {
  std::string kind;
  for (const auto& unit : all_units()) {
    if (unit.kind != kind) {
      kind = unit.kind;
      std::cout << (kind == "env" ? "envs" : kind + "s") << ":\n";
    }
    std::cout << "  " << unit.name
              << std::string(unit.name.size() < 26 ? 26 - unit.name.size() : 1, ' ') << unit.summary
              << "\n";
  }
  return 0;
}

int describe_unit(const std::string& name) {
  const auto units = all_units();
  std::vector<std::string> names;
  bool found = false;
  for (const auto& unit : units) {
    names.push_back(unit.name);
    if (unit.name != name) continue;
    found = true;
    std::cout << unit.kind << " " << unit.name << ": " << unit.summary << "\n\n"
              << unit.model << "\n\nparameters:\n";
    if (unit.params.empty()) std::cout << "  (none)\n";
    print_params(describe_params(unit.params), "  ");
  }
  if (!found) {
    throw ConfigError("unknown env, mechanism or agent '" + name + "'" + did_you_mean(name, names) +
                      " (see `agora list`)");
  }
  return 0;
}

int validate_config(const std::string& file, const std::vector<std::string>& overrides,
                    bool print) {
  const ExperimentConfig config = load_experiment(file, overrides);
  if (print) {
    std::cout << config.effective.dump(2) << "\n";
    return 0;
  }
  std::cout << file << ": ok — " << config.cells.size() << " cell"
            << (config.cells.size() == 1 ? "" : "s") << " x " << config.seeds.size() << " seed"
            << (config.seeds.size() == 1 ? "" : "s") << " = "
            << config.cells.size() * config.seeds.size() << " runs of " << config.cells[0].horizon
            << " steps\n";
  return 0;
}

int run_config(const std::string& file, const std::vector<std::string>& overrides,
               const std::string& out, int threads, bool quiet) {
  const ExperimentConfig config = load_experiment(file, overrides);
  RunnerOptions options;
  options.out_dir = out;
  options.threads =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.progress = !quiet && isatty(STDERR_FILENO);
  const ExperimentResult result = run_experiment(config, options);
  std::cout << format_summary_table(result.summary, config.table_metrics);
  std::cout << "summary: " << out << "/summary.json\n"
            << "trajectories (HDF5): " << out << "/runs/\n"
            << "effective config: " << out << "/config.json\n";
  if (!result.complete) {
    std::cerr << "agora: run " << result.summary["status"].get<std::string>() << "; results in "
              << out << " are incomplete (complete = false)\n";
    if (result.stop_signal != 0) return 128 + result.stop_signal;
    return 1;
  }
  return 0;
}

struct CompareRequest {
  std::vector<std::string> directories;
  std::vector<std::string> metrics;
  std::string statistic = "tail_mean";
  std::string baseline;
  std::string format = "table";
  std::vector<std::string> write;
  double level = 0.95;
  int bootstrap = 0;
};

int compare_runs(const CompareRequest& request) {
  std::vector<analysis::RunDirectory> directories;
  for (const auto& dir : request.directories) {
    for (auto& loaded : analysis::load_run_directories(dir, request.statistic)) {
      directories.push_back(std::move(loaded));
    }
  }
  analysis::ComparisonOptions options;
  options.metrics = request.metrics;
  options.level = request.level;
  options.bootstrap = request.bootstrap;
  options.baseline = request.baseline;
  const analysis::Comparison comparison =
      analysis::compare(directories, options, request.statistic);
  std::string title = directories.front().experiment;
  for (const auto& dir : directories) {
    if (dir.experiment != title) title = "comparison";
  }
  std::cout << analysis::format_comparison(
      comparison, analysis::table_format_named(request.format, "--format"), title);
  for (const auto& file : request.write) {
    const auto format = analysis::table_format_for_file(file);
    std::ofstream out(file);
    out << analysis::format_comparison(comparison, format, title);
    if (!out) throw ConfigError(file, "cannot write file");
    std::cout << "wrote " << file << "\n";
  }
  return 0;
}

std::string python_interpreter() {
  const char* configured = std::getenv("AGORA_PYTHON");
  if (configured != nullptr && *configured != '\0') return configured;
  return "/usr/bin/python3";  // Debian's interpreter, which sees python3-matplotlib and h5py
}

// The directory holding agora_plot.py: $AGORA_PYTHON_DIR, the installed share/agora/python next
// to the binary's prefix, or the source tree this binary was built from.
std::string python_scripts_dir() {
  namespace fs = std::filesystem;
  const char* configured = std::getenv("AGORA_PYTHON_DIR");
  if (configured != nullptr && *configured != '\0') return configured;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "agora" / "python";
    if (fs::exists(installed / "agora_plot.py")) return installed.string();
  }
  return AGORA_PYTHON_SOURCE_DIR;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int plot_runs(const std::vector<std::string>& args) {
  const std::string script = python_scripts_dir() + "/agora_plot.py";
  if (!std::filesystem::exists(script)) {
    throw ConfigError("plot", "cannot find " + script + " (set AGORA_PYTHON_DIR)");
  }
  std::string command = shell_quote(python_interpreter()) + " " + shell_quote(script);
  for (const auto& arg : args) command += " " + shell_quote(arg);
  std::cout.flush();
  const int status = std::system(command.c_str());
  if (status == -1) throw ConfigError("plot", "cannot start " + python_interpreter());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 1;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"Agora: multi-agent marketplace simulation for mechanism design research"};
  app.set_version_flag("--version", std::string("agora ") + AGORA_VERSION);
  app.require_subcommand(1);

  std::string config_file;
  std::string out_dir;
  std::vector<std::string> overrides;
  int threads = 0;
  bool quiet = false;
  bool print = false;
  std::string unit_name;

  CLI::App* run = app.add_subcommand("run", "run an experiment config");
  run->add_option("config", config_file, "experiment config (JSON)")->required();
  run->add_option("--out", out_dir, "output directory")->required();
  run->add_option("--set", overrides, "override a config value: path=value (repeatable)");
  run->add_option("--threads", threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_flag("--quiet", quiet, "no progress bar");

  CLI::App* validate = app.add_subcommand("validate", "check a config without running it");
  validate->add_option("config", config_file, "experiment config (JSON)")->required();
  validate->add_option("--set", overrides, "override a config value: path=value (repeatable)");
  validate->add_flag("--print", print, "print the effective config (defaults filled in)");

  app.add_subcommand("list", "list envs, mechanisms and agents");
  CLI::App* describe = app.add_subcommand("describe", "parameters of an env, mechanism or agent");
  describe->add_option("name", unit_name, "unit name (see `agora list`)")->required();

  CompareRequest compare_request;
  CLI::App* compare = app.add_subcommand(
      "compare",
      "compare sweep cells or runs: means over seeds with CIs, differences to a baseline");
  compare
      ->add_option("run_dirs", compare_request.directories, "run directories (or a folder of them)")
      ->required();
  compare
      ->add_option("--metrics", compare_request.metrics,
                   "metrics to show (default: the config's table_metrics)")
      ->delimiter(',');
  compare->add_option("--stat", compare_request.statistic,
                      "what one run contributes: tail_mean (default) or mean");
  compare->add_option("--baseline", compare_request.baseline,
                      "row label or number the differences are taken against (default: first)");
  compare->add_option("--format", compare_request.format,
                      "stdout format: table (default), markdown, latex, csv");
  compare->add_option("--write", compare_request.write,
                      "also write the table to FILE (.txt, .md, .tex, .csv; repeatable)");
  compare->add_option("--level", compare_request.level, "confidence level (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999));
  compare
      ->add_option("--bootstrap", compare_request.bootstrap,
                   "percentile-bootstrap intervals with N resamples instead of Student-t")
      ->check(CLI::Range(100, 1000000));

  SolveRequest solve_request;
  CLI::App* solve = app.add_subcommand(
      "solve", "equilibrium solvers: Bayes-Nash equilibrium, empirical game, PSRO (a JSON file)");
  solve->add_option("file", solve_request.file, "solver file (JSON; docs/equilibrium_solvers.md)")
      ->required();
  solve->add_option("--set", solve_request.overrides,
                    "override a value of the file: path=value (repeatable)");
  solve->add_option("--out", solve_request.out_file, "also write the result as JSON to FILE");

  std::vector<std::string> plot_args;
  CLI::App* plot = app.add_subcommand(
      "plot", "figures from a run directory (PNG and PDF, via analysis/python/agora_plot.py)");
  plot->allow_extras();
  plot->prefix_command();
  plot->set_help_flag();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // also --help (CallForHelp derives from Success)
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "agora: error: " << e.what() << " (see agora --help)\n";
    return 2;
  }

  try {
    if (*run) return run_config(config_file, overrides, out_dir, threads, quiet);
    if (*validate) return validate_config(config_file, overrides, print);
    if (app.got_subcommand("list")) return list_units();
    if (*describe) return describe_unit(unit_name);
    if (*compare) return compare_runs(compare_request);
    if (*solve) return solve_command(solve_request);
    if (*plot) return plot_runs(plot->remaining());
  } catch (const ConfigError& e) {
    std::cerr << "agora: error: " << e.what() << "\n";
    return 2;
  } catch (const InvariantError& e) {
    std::cerr << "agora: internal error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "agora: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace agora
