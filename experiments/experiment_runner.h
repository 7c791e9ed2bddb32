// Runs an experiment: every (sweep cell, seed) pair is one run, executed on a pool of threads.
// Each run writes DIR/runs/cell<c>_seed<s>.h5 (see docs/hdf5_schema.md); when all runs have
// ended, DIR/summary.json holds per run and per cell (over seeds) the mean, std and 95% CI of
// every metric over the whole horizon and over its tail, plus theory's prediction where the
// env has one. DIR/config.json holds the effective config. Results are byte-identical
// whatever the thread count: a run depends only on (effective cell config, seed).
//
// SIGINT/SIGTERM stop every run at its next step: files are closed with complete = 0 and
// summary.json says "complete": false with the status; the caller exits 130/143.
#pragma once

#include <string>

#include "core/params.h"
#include "experiments/experiment_config.h"

namespace agora {

struct RunnerOptions {
  std::string out_dir;
  int threads = 1;
  bool progress = false;  // draw a progress bar on stderr
};

struct ExperimentResult {
  bool complete = false;
  int stop_signal = 0;  // SIGINT or SIGTERM when interrupted
  Json summary;
};

ExperimentResult run_experiment(const ExperimentConfig& config, const RunnerOptions& options);

// Creates DIR and DIR/runs. A non-empty directory that is not an earlier Agora run directory
// (it has no config.json with "agora_version") is refused; an earlier run's files are removed.
void prepare_output_dir(const std::string& dir);

}  // namespace agora
