// Experiment configs: one JSON file per experiment.
//
//   {
//     "name": "quickstart",                      // default: the file's stem
//     "description": "...",
//     "env": {"name": "auction", "params": {...}},
//     "mechanism": {"name": "first_price", "params": {...}},   // when the env needs one
//     "agents": {"bidder": [{"type": "hedge", "count": 2, "params": {...}}, ...]},
//     "horizon": 20000,                          // env steps per run
//     "seeds": {"first": 1, "count": 10},        // replicate seeds, shared by every cell
//     "sweep": {"mechanism.name": ["first_price", "second_price"]},   // cartesian grid
//     "sweep_labels": {"mechanism.name": ["FP", "SP"]},  // optional: short names in tables
//     "output": {"stride": 10, "tail_fraction": 0.2, "table_metrics": null}
//   }
//
// Loading validates everything before anything runs: every cell of the sweep is expanded and
// validated, and its env and policies are built once, so unknown keys (with the closest
// valid key), wrong types, out-of-range values, unknown units, agent counts that do not fill
// a role's pool and agents that need feedback the env does not give are ConfigErrors naming
// the JSON path. Sweep paths must name a key of the effective config (defaults filled in).
// --set overrides (path=value, value parsed as JSON, else taken as a string) apply to the
// file's JSON before validation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/params.h"

namespace agora {

struct AgentGroup {
  std::string role;
  int role_index = 0;
  int group_index = 0;  // position in the role's list in the config
  std::string type;
  int first_agent = 0;  // rows [first_agent, first_agent + count) of the role's pool
  int count = 0;
  Json params;       // effective
  std::string path;  // e.g. "agents.bidder[0]"
};

struct CellConfig {
  int index = 0;
  std::string label;  // "mechanism.name=first_price, ..." or "base"; sweep_labels replace values
  Json sweep_values;  // {path: value}
  Json sweep_labels = Json::object();  // {path: label} for the paths sweep_labels names
  Json effective;                      // the whole effective config of this cell (no "sweep")
  std::string env_name;
  Json env_params;
  std::string mechanism_name;  // empty when none
  Json mechanism_params;
  std::vector<AgentGroup> agents;
  std::int64_t horizon = 0;
  std::vector<std::string> metric_names;
};

// Diagnostics computed by the runner alongside the env's metrics (output.diagnostics).
struct DiagnosticsConfig {
  int regret_points = 101;            // 0: no external-regret tracking
  int exploitability_samples = 1000;  // 0: no NashConv estimate at the end of a run
  int exploitability_points = 101;
  int exploitability_buckets = 10;
};

struct ExperimentConfig {
  std::string name;
  std::string source;  // file path
  Json effective;      // the whole effective config including "sweep"
  std::vector<CellConfig> cells;
  std::vector<std::uint64_t> seeds;
  std::int64_t stride = 1;
  double tail_fraction = 0.2;
  std::vector<std::string> table_metrics;  // empty: all
  DiagnosticsConfig diagnostics;
};

// Reads and parses a JSON file; ConfigError on a missing file, malformed JSON or a number too
// large for a double (with line and column; core/json_input.h).
Json read_json_file(const std::string& path);
// Applies "a.b[2].c=value" to `config` (creating objects along the way).
void apply_override(Json& config, const std::string& assignment);
// Sets the value at a dotted path; `must_exist` rejects paths missing from `config`.
void set_at_path(Json& config, const std::string& path, const Json& value, bool must_exist,
                 const std::string& error_path);
bool path_exists(const Json& config, const std::string& path);

ExperimentConfig load_experiment(const std::string& file,
                                 const std::vector<std::string>& overrides);
ExperimentConfig validate_experiment(const Json& raw, const std::string& default_name,
                                     const std::string& source);

}  // namespace agora
