#include "agents/creators/creator_gradient.h"

#include <cmath>

#include "core/error.h"

namespace agora {

CreatorGradient::CreatorGradient(const Json& params, const PolicyContext& ctx)
    : space_(read_creator_space(ctx, "creator_gradient", true)),
      step_size_(params.at("step_size").get<double>()),
      fd_step_(params.at("fd_step").get<double>()),
      normalize_gradient_(params.at("normalize_gradient").get<bool>()),
      agents_(ctx.agents),
      current_(agents_.size(), Eigen::VectorXd::Zero(space_.dim)),
      last_gradient_norm_(agents_.size(), 0.0),
      initialized_(agents_.size(), 0),
      acted_(agents_.size(), 0),
      s_(Eigen::VectorXd::Zero(space_.dim)),
      work_(Eigen::VectorXd::Zero(space_.dim)),
      gradient_(Eigen::VectorXd::Zero(space_.dim)),
      rng_(make_rng(ctx.seed, "creator_gradient")) {
  if (space_.topics) {
    throw ConfigError(join_path(ctx.path, "type"),
                      "creator_gradient needs content directions (a Box action e0..e{d-1}); "
                      "role '" +
                          ctx.role->name +
                          "' chooses topics: use creator_best_response "
                          "or topic_bandit");
  }
  if (!(step_size_ > 0.0))
    throw ConfigError(join_path(ctx.path, "params.step_size"), "must be > 0");
  if (!(fd_step_ > 0.0)) throw ConfigError(join_path(ctx.path, "params.fd_step"), "must be > 0");
  candidates_ = RowBatch::Zero(2 * space_.dim, space_.dim);
  payoffs_ = Eigen::ArrayXd::Zero(2 * space_.dim);
}

void CreatorGradient::act(const RowBatch& observations, const BoolArray& active,
                          RowBatch& actions) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    if (!initialized_[i]) {
      initialized_[i] = 1;
      work_.setZero();
      for (int k = 0; k < static_cast<int>(space_.direction_columns.size()); ++k) {
        work_(k) = observations(agent, space_.direction_columns[static_cast<std::size_t>(k)]);
      }
      if (!normalize_to(work_, current_[i])) random_direction(rng_, current_[i]);
    }
    write_direction(current_[i], actions.row(agent));
  }
}

void CreatorGradient::learn(const Transition& transition) {
  const int d = space_.dim;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const int agent = agents_[i];
    if (!transition.outcome.active(agent)) continue;
    AGORA_CHECK(transition.counterfactuals != nullptr);
    for (int k = 0; k < d; ++k) work_(k) = transition.actions(agent, k);
    if (!normalize_to(work_, s_)) s_ = current_[i];
    for (int k = 0; k < d; ++k) {
      for (int sign = 0; sign < 2; ++sign) {
        work_ = s_;
        work_(k) += sign == 0 ? fd_step_ : -fd_step_;
        if (!normalize_to(work_, work_)) work_ = s_;
        write_direction(work_, candidates_.row(2 * k + sign));
      }
    }
    transition.counterfactuals->counterfactual_rewards(agent, candidates_, payoffs_);
    if (!payoffs_.allFinite()) {
      throw InvariantError("creator_gradient: the oracle returned a non-finite reward");
    }
    for (int k = 0; k < d; ++k) {
      gradient_(k) = (payoffs_(2 * k) - payoffs_(2 * k + 1)) / (2.0 * fd_step_);
    }
    gradient_ -= gradient_.dot(s_) * s_;
    const double norm = gradient_.norm();
    last_gradient_norm_[i] = norm;
    if (normalize_gradient_ && norm > 0.0) gradient_ /= norm;
    work_ = s_ + step_size_ * gradient_;
    if (!normalize_to(work_, current_[i])) current_[i] = s_;
  }
}

Json CreatorGradient::strategy() const {
  Json agents = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const Eigen::VectorXd& x = current_[i];
    agents.push_back({{"agent", agents_[i]},
                      {"direction", std::vector<double>(x.data(), x.data() + x.size())},
                      {"gradient_norm", last_gradient_norm_[i]}});
  }
  return {{"algorithm", "creator_gradient"}, {"agents", std::move(agents)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<CreatorGradient>(params, ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "creator_gradient",
     "Content creator: projected gradient ascent on the unit sphere with finite differences "
     "through the counterfactual oracle (exposure games); needs full-information feedback.",
     "Estimates the gradient of the last step's reward in its content direction by central "
     "finite differences (2d oracle calls), projects it on the sphere's tangent space and takes "
     "a step, renormalising (Hron et al., ICLR 2023).",
     {param::real("step_size", 0.1, "eta (> 0)").range(0.0, std::nullopt),
      param::real("fd_step", 1e-4, "h of the central differences (> 0)").range(0.0, std::nullopt),
      param::boolean("normalize_gradient", false, "step eta along g / |g| instead of eta g")}},
    &make);

}  // namespace
}  // namespace agora
