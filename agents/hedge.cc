#include "agents/hedge.h"

#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <numeric>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

namespace {
constexpr double kMaxDriftSpread = 0.6931471805599453;  // ln 2: acceptance stays >= 1/2
}  // namespace

Hedge::Hedge(int arms, double learning_rate)
    : learning_rate_(learning_rate),
      base_log_weights_(Eigen::ArrayXd::Zero(arms)),
      drift_(Eigen::ArrayXd::Zero(arms)),
      weights_(Eigen::ArrayXd::Ones(arms)),
      cdf_(arms) {
  AGORA_CHECK_GE(arms, 1);
  std::iota(cdf_.begin(), cdf_.end(), 1.0);
}

double Hedge::default_learning_rate(int arms, std::int64_t horizon, double reward_width) {
  const double log_arms = std::log(static_cast<double>(std::max(arms, 2)));
  return std::sqrt(8.0 * log_arms / static_cast<double>(std::max<std::int64_t>(horizon, 1))) /
         reward_width;
}

void Hedge::refresh() {
  base_log_weights_ += drift_;
  base_log_weights_ -= base_log_weights_.maxCoeff();
  drift_.setZero();
  max_drift_ = min_drift_ = 0.0;
  weights_ = base_log_weights_.exp();
  std::partial_sum(weights_.data(), weights_.data() + weights_.size(), cdf_.begin());
  ++refreshes_;
}

int Hedge::select(Rng& rng) {
  if (max_drift_ - min_drift_ > kMaxDriftSpread) refresh();
  boost::random::uniform_01<double> uniform;
  const int last = arms() - 1;
  for (;;) {
    const double target = uniform(rng) * cdf_.back();
    const int arm = std::min<int>(
        static_cast<int>(std::upper_bound(cdf_.begin(), cdf_.end(), target) - cdf_.begin()),
        last);
    if (max_drift_ == min_drift_) return arm;
    if (uniform(rng) < std::exp(drift_(arm) - max_drift_)) return arm;
  }
}

void Hedge::update_all(const Eigen::Ref<const Eigen::ArrayXd>& rewards) {
  drift_ += learning_rate_ * rewards;
  max_drift_ = drift_.maxCoeff();
  min_drift_ = drift_.minCoeff();
}

Eigen::ArrayXd Hedge::probabilities() const {
  Eigen::ArrayXd log_weights = base_log_weights_ + drift_;
  Eigen::ArrayXd p = (log_weights - log_weights.maxCoeff()).exp();
  return p / p.sum();
}

Json Hedge::to_json() const {
  const Eigen::ArrayXd p = probabilities();
  return {{"probabilities", std::vector<double>(p.data(), p.data() + p.size())}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  setup.require_full_information("hedge");
  const int points = setup.points();
  const Json& rate = params.at("learning_rate");
  const double learning_rate =
      rate.is_null() ? Hedge::default_learning_rate(points, setup.rounds_per_learner(),
                                                    setup.required_reward_range(params).width())
                     : rate.get<double>();
  return make_grid_learner("hedge", std::move(setup), Hedge(points, learning_rate), ctx);
}

ParamSpecs hedge_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::real("learning_rate", nullptr,
                              "η; null = sqrt(8 ln K / T) / (reward width), T = horizon / "
                              "value_buckets")
                      .range(1e-300, std::nullopt)
                      .allow_null());
  specs.push_back(reward_range_param(
      "rewards' [low, high] for the learning rate; null = derived from the value and bid "
      "ranges (docs/agents.md)"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "hedge",
     "Hedge (exponential weights) over a bid or shading grid; needs full-information feedback.",
     "Plays grid point a with probability ∝ exp(η Σ_s r_s(a)), where r_s(a) is the reward a "
     "would have earned in step s (the env's counterfactual); with rewards of range w and "
     "η = sqrt(8 ln K / T) / w the expected regret to the best grid point is at most "
     "w sqrt(T ln K / 2). One learner per agent and value bucket. Sampling is exact (rejection "
     "from a cached distribution). Freund & Schapire (1997); Cesa-Bianchi & Lugosi, "
     "Prediction, Learning, and Games (2006), Thm. 2.2.",
     hedge_params()},
    &make);

}  // namespace
}  // namespace agora
