#include "agents/thompson.h"

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

GaussianThompson::GaussianThompson(int arms, double prior_mean, double prior_variance,
                                   double noise_std)
    : prior_precision_(1.0 / prior_variance),
      prior_mean_times_precision_(prior_mean / prior_variance),
      noise_precision_(1.0 / (noise_std * noise_std)),
      counts_(arms, 0),
      sums_(arms, 0.0),
      posterior_means_(arms, prior_mean),
      posterior_stds_(arms, std::sqrt(prior_variance)) {
  AGORA_CHECK_GE(arms, 1);
  AGORA_CHECK(prior_variance > 0.0 && noise_std > 0.0);
}

int GaussianThompson::select(Rng& rng) {
  boost::random::normal_distribution<double> normal;
  int best = 0;
  double best_sample = -std::numeric_limits<double>::infinity();
  for (int a = 0; a < arms(); ++a) {
    const double sample = posterior_means_[a] + posterior_stds_[a] * normal(rng);
    if (sample > best_sample) {
      best_sample = sample;
      best = a;
    }
  }
  return best;
}

void GaussianThompson::update(int arm, double reward) {
  ++counts_[arm];
  sums_[arm] += reward;
  const double precision = prior_precision_ + counts_[arm] * noise_precision_;
  posterior_means_[arm] = (prior_mean_times_precision_ + sums_[arm] * noise_precision_) / precision;
  posterior_stds_[arm] = 1.0 / std::sqrt(precision);
}

Json GaussianThompson::to_json() const {
  return {{"counts", counts_},
          {"posterior_means", posterior_means_},
          {"posterior_stds", posterior_stds_}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  const int points = setup.points();
  return make_grid_learner("thompson", std::move(setup),
                           GaussianThompson(points, params.at("prior_mean").get<double>(),
                                            params.at("prior_variance").get<double>(),
                                            params.at("noise_std").get<double>()),
                           ctx);
}

ParamSpecs thompson_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::real("prior_mean", 0.0, "prior mean of every arm's mean reward"));
  specs.push_back(
      positive_real("prior_variance", 1.0, "prior variance of every arm's mean reward"));
  specs.push_back(positive_real("noise_std", 1.0, "assumed standard deviation of one reward"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "thompson",
     "Gaussian Thompson sampling over a bid or shading grid (own reward only).",
     "Keeps a Gaussian posterior N(m_a, 1/τ_a) of each grid point's mean reward (prior "
     "N(prior_mean, prior_variance), known noise std), draws one sample per grid point and "
     "plays the argmax. Logarithmic regret for sub-Gaussian rewards. One learner per agent and "
     "value bucket. Thompson (1933); Agrawal & Goyal, AISTATS (2013).",
     thompson_params()},
    &make);

}  // namespace
}  // namespace agora
