#include "experiments/psro.h"

#include <algorithm>
#include <boost/random/uniform_01.hpp>

#include "core/error.h"
#include "core/rng.h"
#include "envs/env_registry.h"
#include "experiments/experiment_config.h"
#include "mechanisms/mechanism.h"

namespace agora {

MixturePolicy::MixturePolicy(std::vector<std::unique_ptr<Policy>> policies,
                             std::vector<double> probabilities, const PolicyContext& ctx)
    : policies_(std::move(policies)),
      probabilities_(std::move(probabilities)),
      agents_(ctx.agents),
      rng_(ctx.seed) {
  AGORA_CHECK(!policies_.empty());
  AGORA_CHECK_EQ(policies_.size(), probabilities_.size());
  double total = 0.0;
  for (const double p : probabilities_) {
    AGORA_CHECK_GE(p, 0.0);
    total += p;
    cumulative_.push_back(total);
  }
  AGORA_CHECK(total > 0.0);
  for (double& c : cumulative_) c /= total;
  cumulative_.back() = 1.0;
  masks_.assign(policies_.size(), BoolArray::Constant(ctx.role->pool_size, false));
}

void MixturePolicy::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  boost::random::uniform_01<double> uniform;
  for (auto& mask : masks_) mask.setConstant(false);
  for (const int agent : agents_) {
    if (!active(agent)) continue;
    const double u = uniform(rng_);
    const auto k = static_cast<std::size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    masks_[std::min(k, masks_.size() - 1)](agent) = true;
  }
  for (std::size_t k = 0; k < policies_.size(); ++k) {
    if (masks_[k].any()) policies_[k]->act(observations, masks_[k], actions);
  }
}

Candidate best_response_candidate(const Json& buckets, const std::string& units,
                                  const std::string& label) {
  AGORA_CHECK(buckets.is_array() && !buckets.empty());
  std::vector<double> values, bids;
  for (const Json& bucket : buckets) {
    const double middle = 0.5 * (bucket.at(0).get<double>() + bucket.at(1).get<double>());
    if (!values.empty() && !(middle > values.back())) continue;
    values.push_back(middle);
    bids.push_back(std::max(0.0, bucket.at(2).get<double>()));
  }
  return {label, "bid_table",
          Json{{"values", values}, {"bids", bids}, {"interpolation", "linear"}, {"units", units}}};
}

namespace {

// The units of the role's best responses, or a ConfigError when PSRO cannot respond in it.
std::string response_units(const Env& env, int role) {
  const RoleSpec& spec = env.roles()[static_cast<std::size_t>(role)];
  const Space& actions = spec.action_space;
  const bool one_number = actions.kind() == Space::Kind::kBox && actions.dim() == 1;
  const bool bid = one_number && actions.index_of("bid") == 0;
  const bool shade = one_number && actions.index_of("shade") == 0;
  const bool value = spec.observation_space.kind() == Space::Kind::kBox &&
                     spec.observation_space.index_of("value") >= 0;
  if (!(bid || shade) || !value || env.counterfactual_oracle(role) == nullptr) {
    throw ConfigError("psro",
                      "role '" + spec.name +
                          "': PSRO's best responses are bid tables, so a role needs an "
                          "observation 'value', one action 'bid' or 'shade' and counterfactual "
                          "answers from the env");
  }
  return bid ? "bid" : "shade";
}

}  // namespace

PsroResult run_psro(Json base, std::map<std::string, std::vector<Candidate>> initial,
                    const PsroOptions& options) {
  AGORA_CHECK_GE(options.iterations, 0);
  PsroResult result;
  result.game =
      std::make_unique<EmpiricalGame>(std::move(base), std::move(initial), options.empirical);
  EmpiricalGame& game = *result.game;
  const ExperimentConfig config = validate_experiment(game.profile_config(0), "psro", "");
  const CellConfig& cell = config.cells[0];
  std::shared_ptr<const Mechanism> mechanism;
  if (!cell.mechanism_name.empty()) {
    mechanism = make_mechanism(cell.mechanism_name, cell.mechanism_params, "mechanism");
  }
  EnvContext context;
  context.horizon = cell.horizon;
  context.mechanism = mechanism;
  const std::unique_ptr<Env> env = make_env(cell.env_name, cell.env_params, context);
  const auto roles = env->roles().size();
  std::vector<std::string> units;
  for (std::size_t r = 0; r < roles; ++r)
    units.push_back(response_units(*env, static_cast<int>(r)));

  for (int it = 0; it <= options.iterations; ++it) {
    game.estimate();
    PsroIteration record;
    record.iteration = it;
    for (std::size_t r = 0; r < roles; ++r) {
      record.population.push_back(static_cast<int>(game.candidates(static_cast<int>(r)).size()));
    }
    record.meta = solve_meta_game(game.game(), options.meta_solver);
    record.meta_json = record.meta.to_json(game.game());

    const std::string stream = "psro/" + std::to_string(it);
    std::vector<std::unique_ptr<Policy>> mixtures;
    std::vector<PolicyBinding> bindings;
    for (std::size_t r = 0; r < roles; ++r) {
      const RoleSpec& spec = env->roles()[r];
      PolicyContext ctx;
      ctx.role = &spec;
      ctx.role_index = static_cast<int>(r);
      for (int i = 0; i < spec.pool_size; ++i) ctx.agents.push_back(i);
      ctx.horizon = cell.horizon;
      std::vector<std::unique_ptr<Policy>> policies;
      std::vector<double> probabilities;
      const auto& candidates = game.candidates(static_cast<int>(r));
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        ctx.seed = derive_seed(options.seed, stream + "/" + spec.name + "/" + std::to_string(k));
        ctx.path = index_path("psro.population." + spec.name, k);
        policies.push_back(make_policy(candidates[k].type, candidates[k].params, ctx));
        probabilities.push_back(record.meta.mixture[r](static_cast<Eigen::Index>(k)));
      }
      ctx.seed = derive_seed(options.seed, stream + "/" + spec.name + "/mixture");
      mixtures.push_back(
          std::make_unique<MixturePolicy>(std::move(policies), std::move(probabilities), ctx));
      bindings.push_back({mixtures.back().get(), static_cast<int>(r)});
    }
    record.full_game =
        estimate_nash_conv(*env, derive_seed(options.seed, stream + "/exploitability"), bindings,
                           options.best_response);
    AGORA_CHECK(record.full_game.contains("nash_conv"));
    record.nash_conv = record.full_game["nash_conv"].get<double>();
    record.nash_conv_se = record.full_game["nash_conv_se"].get<double>();
    if (it < options.iterations) {
      for (std::size_t r = 0; r < roles; ++r) {
        const std::string& name = env->roles()[r].name;
        const Json& response = record.full_game["roles"][name]["best_response"][0];
        if (response.is_null()) {
          throw ConfigError("psro", "role '" + name + "': its first agent never acted");
        }
        Candidate candidate =
            best_response_candidate(response, units[r], "br" + std::to_string(it + 1));
        record.added.push_back(candidate);
        game.add_candidate(name, std::move(candidate));
      }
    }
    result.iterations.push_back(std::move(record));
  }
  return result;
}

Json PsroResult::to_json() const {
  Json iterations_json = Json::array();
  for (const PsroIteration& record : iterations) {
    Json added = Json::array();
    for (const Candidate& c : record.added) {
      added.push_back({{"label", c.label}, {"type", c.type}, {"params", c.params}});
    }
    iterations_json.push_back({{"iteration", record.iteration},
                               {"population", record.population},
                               {"meta_strategy", record.meta_json},
                               {"nash_conv", record.nash_conv},
                               {"nash_conv_se", record.nash_conv_se},
                               {"full_game", record.full_game},
                               {"added", added}});
  }
  return {{"iterations", iterations_json},
          {"empirical_game", game ? game->to_json() : Json(nullptr)}};
}

}  // namespace agora
