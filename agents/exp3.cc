#include "agents/exp3.h"

#include <algorithm>
#include <cmath>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

namespace {
constexpr double kRescaleAbove = 1e200;
}  // namespace

Exp3::Exp3(int arms, double gamma, double reward_low, double reward_high)
    : gamma_(gamma),
      reward_low_(reward_low),
      reward_scale_(1.0 / (reward_high - reward_low)),
      weights_(Eigen::ArrayXd::Ones(arms)),
      total_weight_(arms) {
  AGORA_CHECK_GE(arms, 1);
  AGORA_CHECK(reward_high > reward_low);
  AGORA_CHECK(gamma >= 0.0 && gamma <= 1.0);
}

double Exp3::default_gamma(int arms, std::int64_t horizon) {
  const double k = arms;
  const double t = static_cast<double>(std::max<std::int64_t>(horizon, 1));
  return std::min(1.0, std::sqrt(k * std::log(std::max(k, 2.0)) / ((std::exp(1.0) - 1.0) * t)));
}

double Exp3::regret_bound(int arms, std::int64_t horizon) {
  const double k = arms;
  return 2.0 * std::sqrt(std::exp(1.0) - 1.0) *
         std::sqrt(static_cast<double>(horizon) * k * std::log(std::max(k, 2.0)));
}

int Exp3::select(Rng& rng) {
  const int last = arms() - 1;
  if (uniform01(rng) < gamma_) return std::min(static_cast<int>(uniform01(rng) * arms()), last);
  double target = uniform01(rng) * total_weight_;
  for (int a = 0; a < last; ++a) {
    target -= weights_(a);
    if (target < 0.0) return a;
  }
  return last;
}

void Exp3::update(int arm, double reward) {
  const double x = std::clamp((reward - reward_low_) * reward_scale_, 0.0, 1.0);
  const double p = (1.0 - gamma_) * weights_(arm) / total_weight_ + gamma_ / arms();
  weights_(arm) *= std::exp(gamma_ * x / (p * arms()));
  if (weights_(arm) > kRescaleAbove) {
    const double scale = weights_(arm);
    weights_ /= scale;
  }
  total_weight_ = weights_.sum();
}

Eigen::ArrayXd Exp3::probabilities() const {
  return (1.0 - gamma_) * weights_ / total_weight_ + gamma_ / arms();
}

Json Exp3::to_json() const {
  const Eigen::ArrayXd p = probabilities();
  return {{"probabilities", std::vector<double>(p.data(), p.data() + p.size())}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  const int points = setup.points();
  const RewardRange range = setup.required_reward_range(params);
  const Json& gamma = params.at("gamma");
  const double exploration = gamma.is_null()
                                 ? Exp3::default_gamma(points, setup.rounds_per_learner())
                                 : gamma.get<double>();
  return make_grid_learner("exp3", std::move(setup),
                           Exp3(points, exploration, range.low, range.high), ctx);
}

ParamSpecs exp3_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::real("gamma", nullptr,
                              "exploration rate; null = min(1, sqrt(K ln K / ((e-1) T))), T = "
                              "horizon / value_buckets")
                      .range(0.0, 1.0)
                      .allow_null());
  specs.push_back(reward_range_param(
      "maps rewards to [0, 1] (clipped); null = derived from the value and bid ranges "
      "(docs/agents.md)"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "exp3", "EXP3 adversarial bandit over a bid or shading grid (own reward only).",
     "Exponential weights with importance-weighted reward estimates and γ-uniform exploration; "
     "rewards are mapped to [0, 1] by reward_range. With γ = min(1, sqrt(K ln K / ((e−1) T))) "
     "the expected regret to the best grid point is at most 2.63 sqrt(T K ln K) in [0, 1] "
     "units. One learner per agent and value bucket. Auer, Cesa-Bianchi, Freund & Schapire, "
     "SIAM J. Computing (2002), Cor. 3.2.",
     exp3_params()},
    &make);

}  // namespace
}  // namespace agora
