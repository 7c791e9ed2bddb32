#include "agents/epsilon_greedy.h"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <limits>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

EpsilonGreedy::EpsilonGreedy(int arms, Schedule schedule)
    : schedule_(schedule),
      counts_(arms, 0),
      sums_(arms, 0.0),
      estimates_(arms, std::numeric_limits<double>::infinity()) {
  AGORA_CHECK_GE(arms, 1);
}

double EpsilonGreedy::epsilon() const {
  if (!schedule_.decaying) return schedule_.epsilon;
  return std::min(1.0, schedule_.decay_constant / static_cast<double>(rounds_ + 1));
}

int EpsilonGreedy::greedy_arm(Rng& rng) const {
  const double best = *std::max_element(estimates_.begin(), estimates_.end());
  const int ties = static_cast<int>(std::count(estimates_.begin(), estimates_.end(), best));
  int pick = ties <= 1 ? 0 : boost::random::uniform_int_distribution<int>(0, ties - 1)(rng);
  for (int a = 0; a < arms(); ++a) {
    if (estimates_[a] == best && pick-- == 0) return a;
  }
  throw InvariantError("EpsilonGreedy: a mean reward is not a number");
}

int EpsilonGreedy::select(Rng& rng) {
  const double explore = epsilon();
  ++rounds_;
  if (explore > 0.0 && uniform01(rng) < explore) {
    return boost::random::uniform_int_distribution<int>(0, arms() - 1)(rng);
  }
  return greedy_arm(rng);
}

void EpsilonGreedy::update(int arm, double reward) {
  ++counts_[arm];
  sums_[arm] += reward;
  estimates_[arm] = sums_[arm] / counts_[arm];
}

Json EpsilonGreedy::to_json() const {
  std::vector<double> means(arms());
  for (int a = 0; a < arms(); ++a) means[a] = mean(a);
  return {{"counts", counts_}, {"means", means}, {"epsilon", epsilon()}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  const int points = setup.points();
  EpsilonGreedy::Schedule schedule;
  schedule.decaying = params.at("schedule").get<std::string>() == "decaying";
  schedule.epsilon = params.at("epsilon").get<double>();
  const Json& c = params.at("decay_constant");
  schedule.decay_constant = c.is_null() ? static_cast<double>(points) : c.get<double>();
  return make_grid_learner("epsilon_greedy", std::move(setup), EpsilonGreedy(points, schedule),
                           ctx);
}

ParamSpecs epsilon_greedy_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::text("schedule", "constant", {"constant", "decaying"},
                              "ε_t = epsilon, or ε_t = min(1, decay_constant / t)"));
  specs.push_back(param::real("epsilon", 0.1, "exploration probability of the constant schedule")
                      .range(0.0, 1.0));
  specs.push_back(positive_real("decay_constant", nullptr,
                                "c of the decaying schedule; null = the number of grid points")
                      .allow_null());
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "epsilon_greedy", "ε-greedy bandit over a bid or shading grid (own reward only).",
     "With probability ε_t plays a uniformly random grid point, otherwise the one with the best "
     "mean reward so far (untried points first, ties at random). ε_t is constant or decays as "
     "min(1, c / t). One learner per agent and value bucket. Sutton & Barto (2018), ch. 2; "
     "Auer, Cesa-Bianchi & Fischer, Machine Learning 47 (2002), Thm. 3.",
     epsilon_greedy_params()},
    &make);

}  // namespace
}  // namespace agora
