#include "experiments/experiment_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "agents/policy.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/rng.h"
#include "envs/env_registry.h"
#include "mechanisms/mechanism.h"

namespace agora {

namespace {

struct PathToken {
  std::string key;
  long index = -1;  // >= 0: an array index
};

std::vector<PathToken> parse_path(const std::string& path, const std::string& error_path) {
  std::vector<PathToken> tokens;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos)
        throw ConfigError(error_path, "unclosed '[' in path '" + path + "'");
      const std::string number = path.substr(i + 1, close - i - 1);
      if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
        throw ConfigError(error_path, "bad index '[" + number + "]' in path '" + path + "'");
      }
      tokens.push_back({"", std::stol(number)});
      i = close + 1;
      continue;
    }
    const std::size_t end = path.find_first_of(".[", i);
    tokens.push_back({path.substr(i, end == std::string::npos ? std::string::npos : end - i), -1});
    i = end == std::string::npos ? path.size() : end;
  }
  if (tokens.empty()) throw ConfigError(error_path, "empty path");
  return tokens;
}

std::string describe_value(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path,
                      std::string("cannot open config file: ") +
                          (std::filesystem::exists(path) ? std::strerror(errno) : "no such file"));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_json(buffer.str(), path);
}

bool path_exists(const Json& config, const std::string& path) {
  const Json* node = &config;
  for (const auto& token : parse_path(path, path)) {
    if (token.index >= 0) {
      if (!node->is_array() || token.index >= static_cast<long>(node->size())) return false;
      node = &(*node)[static_cast<std::size_t>(token.index)];
    } else {
      if (!node->is_object() || !node->contains(token.key)) return false;
      node = &(*node)[token.key];
    }
  }
  return true;
}

void set_at_path(Json& config, const std::string& path, const Json& value, bool must_exist,
                 const std::string& error_path) {
  const auto tokens = parse_path(path, error_path);
  Json* node = &config;
  std::string walked;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const auto& token = tokens[t];
    const bool last = t + 1 == tokens.size();
    if (token.index >= 0) {
      walked = index_path(walked, static_cast<std::size_t>(token.index));
      if (!node->is_array() || token.index >= static_cast<long>(node->size())) {
        throw ConfigError(error_path, "path '" + path + "' does not exist: '" + walked +
                                          "' is not an element of a list");
      }
      node = &(*node)[static_cast<std::size_t>(token.index)];
    } else {
      const std::string parent = walked;
      walked = join_path(walked, token.key);
      if (node->is_null() && !must_exist) *node = Json::object();
      if (!node->is_object()) {
        throw ConfigError(error_path, "path '" + path + "' does not exist: '" +
                                          (parent.empty() ? "(root)" : parent) +
                                          "' is not an object");
      }
      if (!node->contains(token.key)) {
        if (must_exist) {
          std::vector<std::string> keys;
          for (const auto& [k, v] : node->items()) keys.push_back(k);
          std::string message = "path '" + path + "' does not exist in the effective config";
          const std::string suggestion = closest_match(token.key, keys);
          if (!suggestion.empty()) {
            message += "; did you mean '" + join_path(parent, suggestion) + "'?";
          }
          throw ConfigError(error_path, message);
        }
        (*node)[token.key] = last ? Json() : Json::object();
      }
      node = &(*node)[token.key];
    }
  }
  *node = value;
}

void apply_override(Json& config, const std::string& assignment) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set", "expected path=value, got '" + assignment + "'");
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const std::string error_path = "--set " + path;
  const std::optional<Json> parsed = try_parse_json(text, error_path);
  set_at_path(config, path, parsed ? *parsed : Json(text), false, error_path);
}

namespace {

const std::vector<std::string> kTopLevelKeys = {"name",         "description", "env",   "mechanism",
                                                "agents",       "horizon",     "seeds", "sweep",
                                                "sweep_labels", "output"};

Json expect_object(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw ConfigError(path, "expected an object, got " + json_type_name(value));
  }
  return value;
}

Json validate_unit_selector(const Json& raw, const std::string& path) {
  const Json object = expect_object(raw, path);
  reject_unknown_keys(object, {"name", "params"}, path);
  if (!object.contains("name")) throw ConfigError(join_path(path, "name"), "missing required key");
  if (!object["name"].is_string()) {
    throw ConfigError(join_path(path, "name"),
                      "expected a string, got " + json_type_name(object["name"]));
  }
  return object;
}

ParamSpecs seeds_spec() {
  return {param::integer("first", 1, "first replicate seed").range(0, 9.0e15),
          param::integer("count", 10, "number of replicate seeds (shared by every sweep cell)")
              .range(1, 100000)};
}

ParamSpecs output_spec() {
  ParamSpec metrics = param::custom(
      "table_metrics", nullptr, "list of metric names",
      "metrics shown in the printed table (null: all)", [](const Json& v, const std::string& p) {
        if (v.is_null()) return v;
        if (!v.is_array()) throw ConfigError(p, "expected a list of metric names");
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (!v[i].is_string()) throw ConfigError(index_path(p, i), "expected a metric name");
        }
        return v;
      });
  metrics.nullable = true;
  return {
      param::integer("stride", 1,
                     "steps per logged row: each HDF5 row is the mean over this many steps")
          .range(1, 1.0e9),
      param::real("tail_fraction", 0.2,
                  "fraction of the horizon at the end whose mean is reported as converged "
                  "behaviour")
          .range(1e-9, 1.0),
      metrics,
      param::object(
          "diagnostics",
          {param::integer("regret_points", 101,
                          "grid points of the best fixed action in hindsight for each "
                          "agent's external regret, logged per agent "
                          "(/agents/<role>/external_regret); 0: off. Needs an env that "
                          "answers counterfactuals")
               .range(0, 100000),
           param::integer("exploitability_samples", 1000,
                          "Monte Carlo steps for the NashConv of the final strategies, "
                          "estimated after the run; 0: off")
               .range(0, 1.0e8),
           param::integer("exploitability_points", 101, "grid points of the best response's action")
               .range(2, 100000),
           param::integer("exploitability_buckets", 10,
                          "value buckets (empirical quantiles) the best response may "
                          "condition on")
               .range(1, 10000)},
          "diagnostics computed alongside the metrics (docs/analysis.md)")};
}

CellConfig build_cell(const Json& raw, int index, const std::string& label,
                      const Json& sweep_values) {
  CellConfig cell;
  cell.index = index;
  cell.label = label;
  cell.sweep_values = sweep_values;
  reject_unknown_keys(raw, kTopLevelKeys, "");

  if (!raw.contains("horizon"))
    throw ConfigError("horizon", "missing required key (env steps per run)");
  const ParamSpec horizon_spec =
      param::integer("horizon", nullptr, "env steps per run").range(1, 1.0e12);
  cell.horizon = validate_value(raw["horizon"], horizon_spec, "horizon").get<std::int64_t>();

  if (!raw.contains("env")) throw ConfigError("env", "missing required key");
  const Json env = validate_unit_selector(raw["env"], "env");
  cell.env_name = env["name"].get<std::string>();
  const auto& env_entry = EnvRegistry::instance().get(cell.env_name, "env.name");
  cell.env_params =
      validate_params(env.value("params", Json::object()), env_entry.info.params, "env.params");

  std::shared_ptr<const Mechanism> mechanism;
  if (raw.contains("mechanism") && !raw["mechanism"].is_null()) {
    const Json mech = validate_unit_selector(raw["mechanism"], "mechanism");
    cell.mechanism_name = mech["name"].get<std::string>();
    const auto& mech_entry =
        MechanismRegistry::instance().get(cell.mechanism_name, "mechanism.name");
    cell.mechanism_params = validate_params(mech.value("params", Json::object()),
                                            mech_entry.info.params, "mechanism.params");
    mechanism = mech_entry.factory(cell.mechanism_params);
  } else if (env_entry.factory.needs_mechanism) {
    throw ConfigError("mechanism", "env '" + cell.env_name +
                                       "' needs a mechanism: add \"mechanism\": {\"name\": "
                                       "\"second_price\", \"params\": {}}");
  }

  EnvContext env_context;
  env_context.horizon = cell.horizon;
  env_context.mechanism = mechanism;
  const auto probe_env = env_entry.factory.create(cell.env_params, env_context);
  cell.metric_names = probe_env->metric_names();

  if (!raw.contains("agents")) throw ConfigError("agents", "missing required key");
  const Json agents = expect_object(raw["agents"], "agents");
  std::vector<std::string> role_names;
  for (const auto& role : probe_env->roles()) role_names.push_back(role.name);
  reject_unknown_keys(agents, role_names, "agents");
  Json effective_agents = Json::object();
  for (std::size_t r = 0; r < probe_env->roles().size(); ++r) {
    const RoleSpec& role = probe_env->roles()[r];
    const std::string role_path = join_path("agents", role.name);
    if (!agents.contains(role.name)) {
      throw ConfigError(role_path, "missing: the env has a pool of " +
                                       std::to_string(role.pool_size) + " " + role.name +
                                       " agents; give a list of {\"type\", \"count\", "
                                       "\"params\"} groups");
    }
    Json groups = agents[role.name];
    if (groups.is_object()) groups = Json::array({groups});
    if (!groups.is_array() || groups.empty()) {
      throw ConfigError(role_path, "expected a non-empty list of agent groups");
    }
    int assigned = 0;
    int missing_count = -1;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string group_path = index_path(role_path, g);
      const Json group = expect_object(groups[g], group_path);
      reject_unknown_keys(group, {"type", "count", "params"}, group_path);
      if (!group.contains("type") || !group["type"].is_string()) {
        throw ConfigError(join_path(group_path, "type"),
                          "missing or not a string (an agent "
                          "type such as \"truthful\")");
      }
      if (group.contains("count")) {
        const ParamSpec count_spec =
            param::integer("count", nullptr, "agents in the group").range(1, role.pool_size);
        assigned +=
            validate_value(group["count"], count_spec, join_path(group_path, "count")).get<int>();
      } else if (missing_count >= 0) {
        throw ConfigError(join_path(group_path, "count"),
                          "missing; only one group of a role may omit its count");
      } else {
        missing_count = static_cast<int>(g);
      }
    }
    const int remainder = role.pool_size - assigned;
    if (remainder < 0 || (missing_count < 0 && remainder != 0) ||
        (missing_count >= 0 && remainder == 0)) {
      throw ConfigError(role_path, "agent counts add up to " + std::to_string(assigned) +
                                       " but the pool of role '" + role.name + "' has " +
                                       std::to_string(role.pool_size) + " agents");
    }
    int first = 0;
    Json effective_groups = Json::array();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      AgentGroup group;
      group.role = role.name;
      group.role_index = static_cast<int>(r);
      group.group_index = static_cast<int>(g);
      group.type = groups[g]["type"].get<std::string>();
      group.count =
          static_cast<int>(g) == missing_count ? remainder : groups[g]["count"].get<int>();
      group.first_agent = first;
      group.path = index_path(role_path, g);
      first += group.count;
      const auto& entry = AgentRegistry::instance().get(group.type, join_path(group.path, "type"));
      group.params = validate_params(groups[g].value("params", Json::object()), entry.info.params,
                                     join_path(group.path, "params"));
      PolicyContext context;
      context.role = &role;
      context.role_index = group.role_index;
      for (int i = 0; i < group.count; ++i) context.agents.push_back(group.first_agent + i);
      context.horizon = cell.horizon;
      context.seed = 0;
      context.path = group.path;
      entry.factory(group.params, context);
      effective_groups.push_back(
          {{"type", group.type}, {"count", group.count}, {"params", group.params}});
      cell.agents.push_back(std::move(group));
    }
    effective_agents[role.name] = effective_groups;
  }

  cell.effective = Json::object();
  cell.effective["env"] = {{"name", cell.env_name}, {"params", cell.env_params}};
  if (!cell.mechanism_name.empty()) {
    cell.effective["mechanism"] = {{"name", cell.mechanism_name},
                                   {"params", cell.mechanism_params}};
  }
  cell.effective["agents"] = effective_agents;
  cell.effective["horizon"] = cell.horizon;
  return cell;
}

// "path=value, ...", with a path's label from sweep_labels in place of its value.
std::string sweep_label(const Json& values, const Json& labels) {
  std::string label;
  for (const auto& [path, value] : values.items()) {
    const std::string shown =
        labels.contains(path) ? labels[path].get<std::string>() : describe_value(value);
    label += (label.empty() ? "" : ", ") + path + "=" + shown;
  }
  return label.empty() ? "base" : label;
}

// sweep_labels: {path: [one distinct, non-empty label per value of sweep.path]}.
Json validate_sweep_labels(const Json& raw, const Json& sweep) {
  if (!raw.contains("sweep_labels")) return Json::object();
  const Json& labels = raw["sweep_labels"];
  if (!labels.is_object()) {
    throw ConfigError("sweep_labels", "expected an object {\"path\": [labels]}");
  }
  std::vector<std::string> swept;
  for (const auto& [path, values] : sweep.items()) swept.push_back(path);
  for (const auto& [path, list] : labels.items()) {
    const std::string at = "sweep_labels." + path;
    if (!sweep.contains(path)) {
      throw ConfigError(at, "'" + path + "' is not a swept path" + did_you_mean(path, swept));
    }
    const std::size_t want = sweep[path].size();
    if (!list.is_array() || list.size() != want) {
      throw ConfigError(at, "expected a list of " + std::to_string(want) +
                                " labels, one per value of sweep." + path);
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || list[i].get<std::string>().empty()) {
        throw ConfigError(index_path(at, i), "expected a non-empty string");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (list[j] == list[i]) {
          throw ConfigError(index_path(at, i),
                            "label '" + list[i].get<std::string>() + "' is used twice");
        }
      }
    }
  }
  return labels;
}

}  // namespace

ExperimentConfig validate_experiment(const Json& raw_in, const std::string& default_name,
                                     const std::string& source) {
  const Json raw = expect_object(raw_in, "(root)");
  reject_unknown_keys(raw, kTopLevelKeys, "");
  ExperimentConfig config;
  config.source = source;
  config.name = default_name;
  if (raw.contains("name")) {
    if (!raw["name"].is_string()) throw ConfigError("name", "expected a string");
    config.name = raw["name"].get<std::string>();
  }
  if (raw.contains("description") && !raw["description"].is_string()) {
    throw ConfigError("description", "expected a string");
  }
  const Json seeds = validate_params(raw.value("seeds", Json::object()), seeds_spec(), "seeds");
  const auto first = seeds["first"].get<std::uint64_t>();
  for (int s = 0; s < seeds["count"].get<int>(); ++s) config.seeds.push_back(first + s);
  const Json output = validate_params(raw.value("output", Json::object()), output_spec(), "output");
  config.stride = output["stride"].get<std::int64_t>();
  config.tail_fraction = output["tail_fraction"].get<double>();
  const Json& diagnostics = output["diagnostics"];
  config.diagnostics.regret_points = diagnostics["regret_points"].get<int>();
  if (config.diagnostics.regret_points == 1) {
    throw ConfigError("output.diagnostics.regret_points", "must be 0 (off) or at least 2, got 1");
  }
  config.diagnostics.exploitability_samples = diagnostics["exploitability_samples"].get<int>();
  if (config.diagnostics.exploitability_samples == 1) {
    throw ConfigError("output.diagnostics.exploitability_samples",
                      "must be 0 (off) or at least 2, got 1");
  }
  config.diagnostics.exploitability_points = diagnostics["exploitability_points"].get<int>();
  config.diagnostics.exploitability_buckets = diagnostics["exploitability_buckets"].get<int>();
  if (!output["table_metrics"].is_null()) {
    config.table_metrics = output["table_metrics"].get<std::vector<std::string>>();
  }

  Json base = raw;
  base.erase("sweep");
  const CellConfig base_cell = build_cell(base, 0, "base", Json::object());

  Json sweep = raw.value("sweep", Json::object());
  if (!sweep.is_object()) throw ConfigError("sweep", "expected an object {\"path\": [values]}");
  std::vector<std::pair<std::string, Json>> axes;
  for (const auto& [path, values] : sweep.items()) {
    const std::string axis_path = "sweep." + path;
    if (!values.is_array() || values.empty()) {
      throw ConfigError(axis_path, "expected a non-empty list of values");
    }
    Json probe = base_cell.effective;
    set_at_path(probe, path, values[0], true, axis_path);
    axes.emplace_back(path, values);
  }

  const Json axis_labels = validate_sweep_labels(raw, sweep);

  std::size_t cells = 1;
  for (const auto& axis : axes) cells *= axis.second.size();
  if (cells > 100000) throw ConfigError("sweep", "more than 100000 cells");
  for (std::size_t c = 0; c < cells; ++c) {
    Json cell_raw = base;
    Json values = Json::object();
    Json labels = Json::object();
    std::size_t rest = c;
    for (std::size_t a = axes.size(); a-- > 0;) {
      const auto& [path, list] = axes[a];
      const std::size_t position = rest % list.size();
      const Json& value = list[position];
      rest /= list.size();
      values[path] = value;
      if (axis_labels.contains(path)) labels[path] = axis_labels[path][position];
      set_at_path(cell_raw, path, value, false, "sweep." + path);
    }
    const std::string label = sweep_label(values, labels);
    try {
      if (axes.empty()) {
        config.cells.push_back(base_cell);
      } else {
        config.cells.push_back(build_cell(cell_raw, static_cast<int>(c), label, values));
        config.cells.back().sweep_labels = labels;
      }
    } catch (const ConfigError& e) {
      if (axes.empty()) throw;
      throw ConfigError(std::string(e.what()) + " (in sweep cell " + label + ")");
    }
  }
  const auto& metric_names = config.cells.front().metric_names;
  for (std::size_t i = 0; i < config.table_metrics.size(); ++i) {
    const std::string& metric = config.table_metrics[i];
    if (std::find(metric_names.begin(), metric_names.end(), metric) != metric_names.end()) continue;
    throw ConfigError(index_path("output.table_metrics", i),
                      "unknown metric '" + metric + "'" + did_you_mean(metric, metric_names));
  }

  config.effective = Json::object();
  config.effective["name"] = config.name;
  if (raw.contains("description")) config.effective["description"] = raw["description"];
  config.effective["env"] = base_cell.effective["env"];
  if (base_cell.effective.contains("mechanism")) {
    config.effective["mechanism"] = base_cell.effective["mechanism"];
  }
  config.effective["agents"] = base_cell.effective["agents"];
  config.effective["horizon"] = base_cell.horizon;
  config.effective["seeds"] = seeds;
  config.effective["sweep"] = sweep;
  if (!axis_labels.empty()) config.effective["sweep_labels"] = axis_labels;
  config.effective["output"] = output;
  for (auto& cell : config.cells) {
    cell.effective["name"] = config.name;
    cell.effective["seeds"] = seeds;
    cell.effective["output"] = output;
    cell.effective["sweep_cell"] = {{"index", cell.index}, {"values", cell.sweep_values}};
  }
  return config;
}

ExperimentConfig load_experiment(const std::string& file,
                                 const std::vector<std::string>& overrides) {
  Json raw = read_json_file(file);
  if (!raw.is_object()) {
    throw ConfigError(file, "expected a JSON object at the top level, got " + json_type_name(raw));
  }
  for (const auto& assignment : overrides) apply_override(raw, assignment);
  try {
    return validate_experiment(raw, std::filesystem::path(file).stem().string(), file);
  } catch (const ConfigError& e) {
    throw ConfigError(file + ": " + e.what());
  }
}

}  // namespace agora
