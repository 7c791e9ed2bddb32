// The `agora` command line (CLI11): run, validate, list, describe, compare, solve, plot, --help,
// --version. `plot` hands its arguments to analysis/python/agora_plot.py (Debian python3).
// Exit codes: 0 success; 2 bad input (config, CLI, files, a policy's invalid action) with one
// line on stderr naming the problem; 1 a broken internal invariant; 130/143 when SIGINT or
// SIGTERM interrupted a run (its results are marked incomplete).
#pragma once

namespace agora {

int run_cli(int argc, char** argv);

}  // namespace agora
