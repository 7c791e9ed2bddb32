#include "experiments/regret_tracker.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace agora {

RegretTracker::RegretTracker(const Env& env, int points) {
  for (std::size_t r = 0; r < env.roles().size(); ++r) {
    const RoleSpec& spec = env.roles()[r];
    RoleRegret role;
    role.name = spec.name;
    if (env.counterfactual_oracle(static_cast<int>(r)) != nullptr &&
        CounterfactualGrid::supports(spec.action_space)) {
      role.grid.emplace(spec.action_space, points);
      role.counterfactual_sum = Eigen::ArrayXXd::Zero(role.grid->size(), spec.pool_size);
      role.realised_sum = Eigen::ArrayXd::Zero(spec.pool_size);
      role.steps = Eigen::Array<std::int64_t, Eigen::Dynamic, 1>::Zero(spec.pool_size);
    }
    roles_.push_back(std::move(role));
  }
}

void RegretTracker::observe(const Env& env, const std::vector<BoolArray>& acted) {
  const StepResult& last = env.last();
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    RoleRegret& role = roles_[r];
    if (!role.grid) continue;
    const CounterfactualFeedback* oracle = env.counterfactual_oracle(static_cast<int>(r));
    AGORA_CHECK(oracle != nullptr);
    for (Eigen::Index i = 0; i < acted[r].size(); ++i) {
      if (!acted[r](i)) continue;
      role.grid->accumulate(*oracle, static_cast<int>(i), role.counterfactual_sum.col(i).data());
      role.realised_sum(i) += last.roles[r].rewards(i);
      ++role.steps(i);
    }
  }
}

Eigen::ArrayXd RegretTracker::average_regret(int role_index) const {
  const RoleRegret& role = roles_[static_cast<std::size_t>(role_index)];
  AGORA_CHECK(role.grid.has_value());
  Eigen::ArrayXd out(role.realised_sum.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double best = role.counterfactual_sum.col(i).maxCoeff();
    out(i) = role.steps(i) == 0
                 ? std::numeric_limits<double>::quiet_NaN()
                 : (best - role.realised_sum(i)) / static_cast<double>(role.steps(i));
  }
  return out;
}

Json RegretTracker::to_json() const {
  Json out = Json::object();
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    const RoleRegret& role = roles_[r];
    if (!role.grid) continue;
    const Eigen::ArrayXd regret = average_regret(static_cast<int>(r));
    Json regrets = Json::array();
    Json best = Json::array();
    for (Eigen::Index i = 0; i < regret.size(); ++i) {
      Eigen::Index g = 0;
      role.counterfactual_sum.col(i).maxCoeff(&g);
      const bool acted = role.steps(i) > 0;
      regrets.push_back(acted ? Json(regret(i)) : Json(nullptr));
      best.push_back(acted ? Json(role.grid->actions()[static_cast<std::size_t>(g)])
                           : Json(nullptr));
    }
    out[role.name] = {{"external_regret", regrets},
                      {"best_fixed_action", best},
                      {"grid_points", role.grid->size()}};
  }
  return out;
}

}  // namespace agora
