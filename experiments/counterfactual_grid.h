// What an agent would have received in the env's last step for each action of a fixed grid,
// everything else equal (Env::counterfactual_oracle): exact piecewise-linear profiles evaluated
// piece by piece when the env offers them, the oracle's counterfactual_rewards otherwise. Used
// by the regret and exploitability diagnostics. The grid: G evenly spaced points over the
// bounds of a one-dimensional Box with finite bounds, or every action of a Discrete space.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "core/piecewise_linear.h"
#include "envs/env.h"

namespace agora {

class CounterfactualGrid {
 public:
  // Whether `space` has such a grid.
  static bool supports(const Space& space);

  CounterfactualGrid(const Space& space, int points);

  const std::vector<double>& actions() const { return grid_; }
  int size() const { return static_cast<int>(grid_.size()); }

  // out[g] += reward `agent` would have had in the last step playing action g (size() entries).
  void accumulate(const CounterfactualFeedback& oracle, int agent, double* out);

 private:
  std::vector<double> grid_;
  RowBatch candidates_;
  PiecewiseLinear profile_;
  Eigen::ArrayXd scratch_;
};

}  // namespace agora
