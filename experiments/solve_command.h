// `agora solve FILE`: the equilibrium solvers of experiments/ from a JSON file.
//
// A solver file names one of three solvers and gives its inputs (docs/equilibrium_solvers.md):
//
//   {"solver": "bne", "params": {...}}
//       the Bayes–Nash equilibrium solver (bne_solver.h); params as bne_solver_params().
//   {"solver": "empirical_game", "experiment": {...}, "candidates": {...}, "params": {...}}
//       the meta-game among candidate policies, estimated by simulation and solved
//       (empirical_game.h).
//   {"solver": "psro", "experiment": {...}, "candidates": {...}, "params": {...}}
//       PSRO from the candidates as the initial populations (psro.h).
//
// "experiment" is an experiment config without agents and sweep (env, mechanism, horizon,
// seeds); "candidates" maps each role of the env to a list of {"label", "type", "params"}
// (label optional: the type). An optional "description" is free text. Every key is validated
// like an experiment config: unknown keys, wrong types and out-of-range values are ConfigErrors
// naming the path. The result (with the effective input) is printed as a summary and, with
// `out_file`, written as JSON.
#pragma once

#include <string>
#include <vector>

#include "core/params.h"

namespace agora {

struct SolveRequest {
  std::string file;
  std::vector<std::string> overrides;  // path=value, as for `agora run --set`
  std::string out_file;                // empty: print only
};

// The effective solver input (defaults filled in); ConfigError on bad input.
Json validate_solver_input(const Json& raw);

// Runs the solver; returns {"solver", "input", "result", "agora_version"}.
Json run_solver(const Json& effective);

// The CLI command: prints a summary to stdout; returns the exit code (0).
int solve_command(const SolveRequest& request);

}  // namespace agora
