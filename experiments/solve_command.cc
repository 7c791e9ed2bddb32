#include "experiments/solve_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "core/error.h"
#include "experiments/bne_solver.h"
#include "experiments/empirical_game.h"
#include "experiments/experiment_config.h"
#include "experiments/psro.h"

namespace agora {
namespace {

ParamSpecs meta_game_params(const std::string& default_method) {
  return {
      param::text("meta_solver", default_method,
                  {"auto", "support_enumeration", "replicator_dynamics", "regret_matching"},
                  "how the meta-game is solved (auto: support enumeration for two-player "
                  "games, replicator dynamics otherwise)"),
      param::integer("meta_iterations", 20000, "iterations of the iterative meta-solvers")
          .range(1, 100000000),
      param::real("meta_step_size", 0.5, "η of replicator dynamics, in units of the payoff range")
          .range(1e-9, 100.0),
      param::real("tail_fraction", 1.0, "payoffs over the last fraction of each run's steps")
          .range(1e-9, 1.0),
      param::real("level", 0.95, "confidence level of the payoff intervals").range(0.5, 0.9999),
  };
}

ParamSpecs psro_params() {
  ParamSpecs specs = meta_game_params("replicator_dynamics");
  specs.push_back(
      param::integer("iterations", 4, "best responses added per role").range(0, 1000));
  specs.push_back(param::integer("best_response_samples", 50000,
                                 "Monte Carlo steps per NashConv estimate and best response")
                      .range(1, 100000000));
  specs.push_back(
      param::integer("best_response_points", 101, "action grid of the best response")
          .range(2, 100000));
  specs.push_back(param::integer("best_response_buckets", 10,
                                 "value buckets the best response may condition on")
                      .range(1, 10000));
  specs.push_back(param::integer("seed", 1, "streams of the mixtures and best-response envs")
                      .range(0, std::nullopt));
  return specs;
}

Json validate_candidates(const Json& value, const std::string& path) {
  if (!value.is_object() || value.empty()) {
    throw ConfigError(path, "expected an object mapping each role to a list of candidates, got " +
                                json_type_name(value));
  }
  const ParamSpecs specs = {
      param::text("label", "", {}, "unique name within the role (default: the type)"),
      param::text("type", nullptr, {}, "agent type (see `agora list`)"),
      param::custom("params", Json::object(), "object", "the agent's parameters",
                    [](const Json& v, const std::string& p) {
                      if (!v.is_object()) {
                        throw ConfigError(p, "expected an object, got " + json_type_name(v));
                      }
                      return v;
                    }),
  };
  Json effective = Json::object();
  for (const auto& [role, list] : value.items()) {
    const std::string role_path = join_path(path, role);
    if (!list.is_array() || list.empty()) {
      throw ConfigError(role_path, "expected a non-empty list of candidates");
    }
    Json out = Json::array();
    for (std::size_t k = 0; k < list.size(); ++k) {
      out.push_back(validate_params(list[k], specs, index_path(role_path, k)));
    }
    effective[role] = out;
  }
  return effective;
}

Json validate_experiment_base(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw ConfigError(path, "expected an experiment config object, got " + json_type_name(value));
  }
  for (const char* key : {"agents", "sweep"}) {
    if (value.contains(key)) {
      throw ConfigError(join_path(path, key),
                        "not allowed here: the solver builds one profile of candidates at a "
                        "time (give them in \"candidates\")");
    }
  }
  return value;
}

std::map<std::string, std::vector<Candidate>> candidates_of(const Json& candidates) {
  std::map<std::string, std::vector<Candidate>> out;
  for (const auto& [role, list] : candidates.items()) {
    for (const Json& c : list) {
      out[role].push_back({c.at("label").get<std::string>(), c.at("type").get<std::string>(),
                           c.at("params")});
    }
  }
  return out;
}

MetaSolverOptions meta_options(const Json& params) {
  MetaSolverOptions o;
  o.method = MetaSolverOptions::method_from_name(params.at("meta_solver").get<std::string>(),
                                                 "params.meta_solver");
  o.iterations = params.at("meta_iterations").get<int>();
  o.step_size = params.at("meta_step_size").get<double>();
  return o;
}

EmpiricalGameOptions empirical_options(const Json& params) {
  return {params.at("tail_fraction").get<double>(), params.at("level").get<double>()};
}

std::string fixed(double x, int digits = 4) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

std::string mixture_text(const Json& mixture) {
  std::string text;
  for (const auto& [role, strategy] : mixture.items()) {
    if (!text.empty()) text += "; ";
    text += role + ":";
    for (const auto& [label, p] : strategy.items()) {
      if (p.get<double>() >= 5e-4) text += " " + label + " " + fixed(p.get<double>(), 3);
    }
  }
  return text;
}

void print_bne(const Json& input, const Json& result) {
  const Json& p = input.at("params");
  std::cout << "Bayes-Nash equilibrium: " << p.at("mechanism").at("name").get<std::string>()
            << ", " << p.at("n_bidders") << " bidders\n"
            << (result.at("converged").get<bool>() ? "converged" : "NOT converged") << " after "
            << result.at("iterations") << " iterations (best iterate "
            << result.at("best_iteration") << ")\n"
            << "NashConv (out of sample): " << fixed(result.at("nash_conv").get<double>(), 5)
            << " ± " << fixed(result.at("nash_conv_se").get<double>(), 5) << " (se)\n";
  const Json& functions = result.at("bid_functions");
  const bool symmetric = p.at("symmetric").get<bool>();
  const std::size_t shown = symmetric ? 1 : functions.size();
  std::cout << "value";
  for (std::size_t i = 0; i < shown; ++i) {
    std::cout << (symmetric ? "      bid" : "      bid[" + std::to_string(i) + "]");
  }
  std::cout << "\n";
  const Json& values = functions[0].at("values");
  const std::size_t m = values.size();
  const std::size_t rows = std::min<std::size_t>(m, 11);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t j = rows == 1 ? 0 : r * (m - 1) / (rows - 1);
    std::cout << fixed(values[j].get<double>());
    for (std::size_t i = 0; i < shown; ++i) {
      std::cout << "   " << fixed(functions[i].at("bids")[j].get<double>());
    }
    std::cout << "\n";
  }
}

}  // namespace

Json validate_solver_input(const Json& raw) {
  if (!raw.is_object()) throw ConfigError("solver file", "expected a JSON object");
  if (!raw.contains("solver")) {
    throw ConfigError("solver", "missing (one of: bne, empirical_game, psro)");
  }
  const Json& solver = raw.at("solver");
  if (!solver.is_string()) {
    throw ConfigError("solver", "expected a string, got " + json_type_name(solver));
  }
  const std::string name = solver.get<std::string>();
  Json effective{{"solver", name}};
  if (raw.contains("description")) {
    if (!raw.at("description").is_string()) {
      throw ConfigError("description", "expected a string");
    }
    effective["description"] = raw.at("description");
  }
  const Json params = raw.contains("params") ? raw.at("params") : Json::object();
  if (name == "bne") {
    reject_unknown_keys(raw, {"solver", "description", "params"}, "");
    effective["params"] = validate_params(params, bne_solver_params(), "params");
    return effective;
  }
  if (name != "empirical_game" && name != "psro") {
    throw ConfigError("solver", "unknown solver '" + name + "' (known: bne, empirical_game, psro)" +
                                    did_you_mean(name, {"bne", "empirical_game", "psro"}));
  }
  reject_unknown_keys(raw, {"solver", "description", "experiment", "candidates", "params"}, "");
  for (const char* key : {"experiment", "candidates"}) {
    if (!raw.contains(key)) throw ConfigError(key, "missing");
  }
  effective["experiment"] = validate_experiment_base(raw.at("experiment"), "experiment");
  effective["candidates"] = validate_candidates(raw.at("candidates"), "candidates");
  effective["params"] = validate_params(
      params, name == "psro" ? psro_params() : meta_game_params("auto"), "params");
  return effective;
}

Json run_solver(const Json& input) {
  const std::string name = input.at("solver").get<std::string>();
  Json result;
  if (name == "bne") {
    result = solve_bne(BneSolverOptions::from_json(input.at("params"), "params")).to_json();
  } else if (name == "empirical_game") {
    EmpiricalGame game(input.at("experiment"), candidates_of(input.at("candidates")),
                       empirical_options(input.at("params")));
    game.estimate();
    const MetaSolution solution = solve_meta_game(game.game(), meta_options(input.at("params")));
    result = {{"meta_strategy", solution.to_json(game.game())}, {"game", game.to_json()}};
  } else {
    const Json& p = input.at("params");
    PsroOptions options;
    options.iterations = p.at("iterations").get<int>();
    options.meta_solver = meta_options(p);
    options.empirical = empirical_options(p);
    options.best_response = {p.at("best_response_samples").get<int>(),
                             p.at("best_response_points").get<int>(),
                             p.at("best_response_buckets").get<int>()};
    options.seed = p.at("seed").get<std::uint64_t>();
    result = run_psro(input.at("experiment"), candidates_of(input.at("candidates")), options)
                 .to_json();
  }
  return {{"solver", name}, {"input", input}, {"result", result}, {"agora_version", AGORA_VERSION}};
}

int solve_command(const SolveRequest& request) {
  Json raw = read_json_file(request.file);
  for (const std::string& assignment : request.overrides) apply_override(raw, assignment);
  const Json input = validate_solver_input(raw);
  if (!request.out_file.empty()) {
    std::ofstream probe(request.out_file, std::ios::app);
    if (!probe) throw ConfigError("--out", "cannot write '" + request.out_file + "'");
  }
  const Json output = run_solver(input);
  const Json& result = output.at("result");
  const std::string name = input.at("solver").get<std::string>();
  if (name == "bne") {
    print_bne(input, result);
  } else if (name == "empirical_game") {
    const Json& meta = result.at("meta_strategy");
    std::cout << "meta-strategy (" << meta.at("method").get<std::string>()
              << "): " << mixture_text(meta.at("mixture")) << "\n"
              << "NashConv in the estimated game: " << fixed(meta.at("nash_conv").get<double>(), 5)
              << "\n";
  } else {
    std::cout << "iteration  population  NashConv (full game) ± se   meta-strategy\n";
    for (const Json& it : result.at("iterations")) {
      std::string population;
      for (const Json& n : it.at("population")) {
        population += (population.empty() ? "" : ",") + std::to_string(n.get<int>());
      }
      std::cout << it.at("iteration").get<int>() << "          " << population << "           "
                << fixed(it.at("nash_conv").get<double>(), 5) << " ± "
                << fixed(it.at("nash_conv_se").get<double>(), 5) << "   "
                << mixture_text(it.at("meta_strategy").at("mixture")) << "\n";
    }
  }
  if (!request.out_file.empty()) {
    std::ofstream out(request.out_file, std::ios::trunc);
    out << output.dump(2) << "\n";
    if (!out) throw ConfigError("--out", "cannot write '" + request.out_file + "'");
    std::cout << "result: " << request.out_file << "\n";
  }
  return 0;
}

}  // namespace agora
