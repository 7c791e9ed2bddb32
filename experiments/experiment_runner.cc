#include "experiments/experiment_runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "analysis/stats.h"
#include "core/error.h"
#include "experiments/run_statistics.h"
#include "experiments/simulation.h"
#include "experiments/trajectory_writer.h"

namespace agora {

namespace {

namespace fs = std::filesystem;

std::atomic<int> stop_signal{0};

extern "C" void on_stop_signal(int signal) { stop_signal.store(signal); }

struct Job {
  const CellConfig* cell;
  std::uint64_t seed;
  std::string file;  // relative to the output dir
};

struct JobResult {
  bool started = false;
  bool complete = false;
  std::int64_t steps = 0;
  Json statistics;
  Json diagnostics;
  std::string error;
};

void write_json(const fs::path& path, const Json& value) {
  std::ofstream out(path);
  out << value.dump(2) << "\n";
  if (!out) throw ConfigError(path.string(), "cannot write file");
}

// Scalar diagnostics of a run for summary.json: the mean and max over agents of the final
// average external regret, and the NashConv estimate.
Json run_diagnostics(const Json& regret, const Json& exploitability) {
  Json out = Json::object();
  std::vector<double> regrets;
  for (const auto& [role, entry] : regret.items()) {
    for (const auto& r : entry["external_regret"]) {
      if (r.is_number()) regrets.push_back(r.get<double>());
    }
  }
  if (!regrets.empty()) {
    out["external_regret"] = stats::mean(regrets);
    out["external_regret_max"] = *std::max_element(regrets.begin(), regrets.end());
  }
  if (exploitability.contains("nash_conv")) {
    out["nash_conv"] = exploitability["nash_conv"];
    out["nash_conv_se"] = exploitability["nash_conv_se"];
  }
  return out;
}

void execute(const ExperimentConfig& config, const Job& job, const fs::path& out_dir,
             std::atomic<std::int64_t>& progress, JobResult& result) {
  result.started = true;
  const DiagnosticsConfig& diagnostics = config.diagnostics;
  Simulation simulation(*job.cell, job.seed, diagnostics.regret_points);
  Json attributes = {{"schema_version", 1},
                     {"agora_version", AGORA_VERSION},
                     {"experiment", config.name},
                     {"cell", job.cell->index},
                     {"cell_label", job.cell->label},
                     {"seed", job.seed},
                     {"config", job.cell->effective.dump()}};
  TrajectoryLayout layout = trajectory_layout(simulation.env(), config.stride);
  const RegretTracker* regret = simulation.regret();
  std::vector<int> tracked_roles;
  for (std::size_t r = 0; r < layout.roles.size(); ++r) {
    if (regret != nullptr && regret->tracks(static_cast<int>(r))) {
      layout.roles[r].series.push_back("external_regret");
      tracked_roles.push_back(static_cast<int>(r));
    }
  }
  TrajectoryWriter writer((out_dir / job.file).string(), layout, attributes);
  writer.begin(simulation.last());
  RunStatistics statistics(simulation.env().metric_names(), job.cell->horizon,
                           config.tail_fraction);
  std::int64_t pending = 0;
  bool running = true;
  while (running && stop_signal.load(std::memory_order_relaxed) == 0) {
    running = simulation.step();
    const StepResult& step = simulation.last();
    const std::int64_t t = simulation.steps();
    statistics.add(t, step.metrics);
    const bool window_ends =
        t % config.stride == 0 || !running || stop_signal.load(std::memory_order_relaxed) != 0;
    if (window_ends) {
      for (const int r : tracked_roles) {
        writer.record_series(static_cast<std::size_t>(r), 0, regret->average_regret(r));
      }
    }
    writer.append(t, step, simulation.actions());
    if (++pending == 4096) {
      progress += pending;
      pending = 0;
    }
  }
  progress += pending;
  result.steps = simulation.steps();
  result.complete = simulation.steps() == job.cell->horizon || simulation.last().episode_over;
  result.statistics = statistics.to_json();
  const Json regret_json = regret != nullptr ? regret->to_json() : Json::object();
  Json exploitability = Json::object();
  if (result.complete && diagnostics.exploitability_samples > 0) {
    exploitability = simulation.exploitability({diagnostics.exploitability_samples,
                                                diagnostics.exploitability_points,
                                                diagnostics.exploitability_buckets});
  }
  result.diagnostics = run_diagnostics(regret_json, exploitability);
  writer.finish(
      result.complete,
      {{"steps_completed", result.steps},
       {"strategies", simulation.strategies().dump()},
       {"diagnostics",
        Json{{"external_regret", regret_json}, {"exploitability", exploitability}}.dump()}});
}

Json summarize_diagnostics(const std::map<std::string, std::vector<double>>& values) {
  Json out = Json::object();
  for (const auto& [name, series] : values) out[name] = stats::summarize(series, 0.95, "seed");
  return out;
}

void draw_progress(std::int64_t done, std::int64_t total, std::size_t runs_done, std::size_t runs,
                   double seconds) {
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, ' ');
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::fprintf(stderr, "\r[%s] %5.1f%%  runs %zu/%zu  %.3g steps/s ", bar.c_str(), 100.0 * fraction,
               runs_done, runs, rate);
  std::fflush(stderr);
}

}  // namespace

void prepare_output_dir(const std::string& dir) {
  const fs::path path(dir);
  std::error_code error;
  if (fs::exists(path, error)) {
    if (!fs::is_directory(path, error)) {
      throw ConfigError("--out", "'" + dir + "' exists and is not a directory");
    }
    const bool empty = fs::is_empty(path, error);
    bool earlier_run = false;
    if (!empty && fs::exists(path / "config.json")) {
      try {
        std::ifstream in(path / "config.json");
        earlier_run = Json::parse(in).contains("agora_version");
      } catch (const std::exception&) {
        earlier_run = false;
      }
    }
    if (!empty && !earlier_run) {
      throw ConfigError("--out", "'" + dir +
                                     "' is not empty and is not an earlier Agora run "
                                     "directory; choose another --out");
    }
    if (earlier_run) {
      fs::remove_all(path / "runs", error);
      fs::remove(path / "summary.json", error);
      fs::remove(path / "config.json", error);
    }
  }
  fs::create_directories(path / "runs", error);
  if (error) {
    throw ConfigError("--out", "cannot create output directory '" + dir + "': " + error.message());
  }
  const fs::path probe = path / ".agora-write-test";
  std::ofstream test(probe);
  if (!test) throw ConfigError("--out", "output directory '" + dir + "' is not writable");
  test.close();
  fs::remove(probe, error);
}

ExperimentResult run_experiment(const ExperimentConfig& config, const RunnerOptions& options) {
  prepare_output_dir(options.out_dir);
  const fs::path out_dir(options.out_dir);
  Json saved_config = config.effective;
  saved_config["agora_version"] = AGORA_VERSION;
  write_json(out_dir / "config.json", saved_config);

  std::vector<Job> jobs;
  for (const auto& cell : config.cells) {
    for (const auto seed : config.seeds) {
      jobs.push_back(
          {&cell, seed,
           "runs/cell" + std::to_string(cell.index) + "_seed" + std::to_string(seed) + ".h5"});
    }
  }
  std::vector<JobResult> results(jobs.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};
  std::atomic<std::int64_t> progress{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string first_error;
  bool first_error_is_config = false;

  stop_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);

  auto worker = [&]() {
    while (true) {
      const std::size_t j = next.fetch_add(1);
      if (j >= jobs.size() || failed.load() || stop_signal.load() != 0) break;
      try {
        execute(config, jobs[j], out_dir, progress, results[j]);
      } catch (const std::exception& e) {
        results[j].error = e.what();
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!failed.exchange(true)) {
          first_error = e.what();
          first_error_is_config = dynamic_cast<const ConfigError*>(&e) != nullptr;
        }
      }
      finished.fetch_add(1);
    }
  };

  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(jobs.size())));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  const std::int64_t total_steps =
      static_cast<std::int64_t>(jobs.size()) * config.cells.front().horizon;
  if (options.progress) {
    while (finished.load() < jobs.size() && !failed.load() && stop_signal.load() == 0) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      draw_progress(progress.load(), total_steps, finished.load(), jobs.size(), seconds);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (auto& thread : pool) thread.join();
  if (options.progress) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    draw_progress(progress.load(), total_steps, finished.load(), jobs.size(), seconds);
    std::fprintf(stderr, "\n");
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);

  ExperimentResult result;
  result.stop_signal = stop_signal.load();
  bool all_complete = !failed.load() && result.stop_signal == 0;
  for (const auto& r : results) all_complete = all_complete && r.complete;
  result.complete = all_complete;

  Json summary = {{"schema_version", 1},
                  {"agora_version", AGORA_VERSION},
                  {"experiment", config.name},
                  {"complete", all_complete},
                  {"horizon", config.cells.front().horizon},
                  {"seeds", config.seeds},
                  {"tail_fraction", config.tail_fraction},
                  {"metrics", config.cells.front().metric_names},
                  {"config", "config.json"}};
  if (failed.load()) {
    summary["status"] = "failed: " + first_error;
  } else if (result.stop_signal != 0) {
    summary["status"] =
        result.stop_signal == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM";
  } else {
    summary["status"] = all_complete ? "complete" : "incomplete";
  }
  summary["cells"] = Json::array();
  std::size_t j = 0;
  for (const auto& cell : config.cells) {
    Json runs = Json::array();
    std::vector<Json> run_statistics;
    std::map<std::string, std::vector<double>> diagnostic_values;
    for (const auto seed : config.seeds) {
      const JobResult& r = results[j];
      Json run = {
          {"seed", seed}, {"file", jobs[j].file}, {"complete", r.complete}, {"steps", r.steps}};
      if (!r.started) run["status"] = "not started";
      if (!r.error.empty()) run["error"] = r.error;
      if (r.statistics.is_object()) {
        run["metrics"] = r.statistics;
        run_statistics.push_back(r.statistics);
      }
      if (r.diagnostics.is_object() && !r.diagnostics.empty()) {
        run["diagnostics"] = r.diagnostics;
        for (const auto& [name, value] : r.diagnostics.items()) {
          if (r.complete) diagnostic_values[name].push_back(value.get<double>());
        }
      }
      runs.push_back(run);
      ++j;
    }
    Json theory;
    try {
      Simulation probe(cell, 0);
      theory = probe.env().predicted_metrics();
      const Json strategies = probe.env().predicted_strategies();
      for (const auto& [key, value] : strategies.items()) theory[key] = value;
    } catch (const std::exception&) {
      theory = Json::object();
    }
    summary["cells"].push_back({{"index", cell.index},
                                {"label", cell.label},
                                {"sweep", cell.sweep_values},
                                {"sweep_labels", cell.sweep_labels},
                                {"metrics", stats::aggregate_runs(run_statistics)},
                                {"diagnostics", summarize_diagnostics(diagnostic_values)},
                                {"theory", theory},
                                {"runs", runs}});
  }
  write_json(out_dir / "summary.json", summary);
  result.summary = summary;
  if (failed.load()) {
    if (first_error_is_config) throw ConfigError(first_error);
    throw InvariantError(first_error);
  }
  return result;
}

}  // namespace agora
