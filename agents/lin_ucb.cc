#include "agents/lin_ucb.h"

#include <sstream>

#include "agents/grid_learner.h"

namespace agora {

LinearArms::LinearArms(int arms, int dim, double ridge)
    : arms_(arms),
      dim_(dim),
      ridge_(ridge),
      inverse_(dim, static_cast<Eigen::Index>(arms) * dim),
      b_(Eigen::MatrixXd::Zero(dim, arms)),
      theta_(Eigen::MatrixXd::Zero(dim, arms)),
      scratch_(Eigen::VectorXd::Zero(dim)),
      projected_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(arms) * dim)),
      means_(Eigen::VectorXd::Zero(arms)),
      variances_(Eigen::VectorXd::Zero(arms)),
      counts_(static_cast<std::size_t>(arms), 0) {
  AGORA_CHECK_GE(arms, 1);
  AGORA_CHECK_GE(dim, 1);
  AGORA_CHECK(ridge > 0.0);
  for (int a = 0; a < arms; ++a) {
    inverse_.middleCols(a * dim, dim) = Eigen::MatrixXd::Identity(dim, dim) / ridge;
  }
}

void LinearArms::update(int arm, const Eigen::Ref<const Eigen::VectorXd>& x, double reward) {
  AGORA_CHECK_EQ(x.size(), dim_);
  auto inv = inverse_.middleCols(arm * dim_, dim_);
  scratch_.noalias() = inv * x;
  const double scale = 1.0 / std::sqrt(1.0 + x.dot(scratch_));
  scratch_ *= scale;
  for (int j = 0; j < dim_; ++j) inv.col(j) -= scratch_(j) * scratch_;
  b_.col(arm) += reward * x;
  theta_.col(arm).noalias() = inv * b_.col(arm);
  ++counts_[static_cast<std::size_t>(arm)];
}

void LinearArms::evaluate(const Eigen::Ref<const Eigen::VectorXd>& x) {
  AGORA_CHECK_EQ(x.size(), dim_);
  means_.noalias() = theta_.transpose() * x;
  projected_.noalias() = inverse_.transpose() * x;
  for (int a = 0; a < arms_; ++a) {
    const double v = projected_.segment(a * dim_, dim_).dot(x);
    variances_(a) = v > 0.0 ? v : 0.0;
  }
}

int LinearArms::greedy(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  int best = 0;
  double best_mean = mean(0, x);
  for (int a = 1; a < arms_; ++a) {
    const double m = mean(a, x);
    if (m > best_mean) {
      best_mean = m;
      best = a;
    }
  }
  return best;
}

Json LinearArms::to_json() const {
  Json theta = Json::array();
  for (int a = 0; a < arms_; ++a) {
    std::vector<double> column(theta_.col(a).data(), theta_.col(a).data() + dim_);
    theta.push_back(std::move(column));
  }
  return {{"counts", counts_}, {"theta", std::move(theta)}};
}

ParamSpecs linear_bandit_params() {
  ParamSpecs specs = {
      param::integer("points", 21, "number of grid points K (arms), both ends included")
          .range(2, 100000),
      param::real("grid_low", nullptr, "lowest grid point; null = the action's lower bound")
          .allow_null(),
      param::real("grid_high", nullptr, "highest grid point; null = the action's upper bound")
          .allow_null(),
  };
  for (auto& spec : observation_feature_params()) specs.push_back(std::move(spec));
  specs.push_back(param::boolean("bias", true, "append a constant feature 1 to the context"));
  specs.push_back(positive_real("ridge", 1.0, "λ: A_a starts at λI (ridge regularization)"));
  return specs;
}

ActionGrid::ActionGrid(const Json& params, const PolicyContext& ctx, const ScalarAction& action) {
  const std::string params_path = join_path(ctx.path, "params");
  const auto describe = [&](double x) {
    std::ostringstream out;
    out << x;
    return out.str();
  };
  std::ostringstream bounds_text;
  bounds_text << "[" << action.low() << ", " << action.high() << "] of action '" << action.label()
              << "'";
  const std::string bounds = bounds_text.str();
  const double low =
      params.at("grid_low").is_null() ? action.low() : params["grid_low"].get<double>();
  const double high =
      params.at("grid_high").is_null() ? action.high() : params["grid_high"].get<double>();
  if (low < action.low() || low > action.high()) {
    throw ConfigError(join_path(params_path, "grid_low"),
                      describe(low) + " is outside the bounds " + bounds);
  }
  if (high < action.low() || high > action.high()) {
    throw ConfigError(join_path(params_path, "grid_high"),
                      describe(high) + " is outside the bounds " + bounds);
  }
  if (!(low < high)) {
    throw ConfigError(join_path(params_path, "grid_high"),
                      "must exceed grid_low (" + describe(low) + "), got " + describe(high));
  }
  const int points = params.at("points").get<int>();
  points_.resize(static_cast<std::size_t>(points));
  for (int k = 0; k < points; ++k) points_[k] = low + (high - low) * k / (points - 1);
  points_.back() = high;
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<ContextualBandit<LinUcbRule>>(
      params, ctx, LinUcbRule(params.at("alpha").get<double>()));
}

ParamSpecs lin_ucb_params() {
  ParamSpecs specs = linear_bandit_params();
  specs.push_back(
      param::real("alpha", 1.0, "α: weight of the confidence width sqrt(xᵀA⁻¹x), in reward units")
          .range(0.0, std::nullopt));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "lin_ucb",
     "LinUCB contextual bandit over a grid of one action (own reward only), linear in the "
     "observation.",
     "Disjoint LinUCB: every grid point (arm) has a ridge regression θ_a of the reward on the "
     "context (the observation's chosen features, normalized to [0, 1] by the observation "
     "bounds, plus a bias), with A_a⁻¹ updated by Sherman–Morrison; plays argmax θ_aᵀx + α "
     "sqrt(xᵀA_a⁻¹x). One learner per agent. Li, Chu, Langford & Schapire, WWW (2010).",
     lin_ucb_params()},
    &make);

}  // namespace
}  // namespace agora
