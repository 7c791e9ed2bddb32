// How the contextual learners (lin_ucb, linear_thompson, actor_critic) read their context and
// write their one-dimensional action, without knowing the env.
//
// Context. ObservationFeatures turns an agent's observation row into a feature vector x: the
// dimensions named in `features` (labels of the observation space; null = every dimension, in
// order), each mapped from its observation bounds [lo, hi] to [0, 1] (or [-1, 1]) when
// `normalize` is true and both bounds are finite — dimensions with an infinite bound are passed
// through unchanged — and, when asked for, a constant bias feature 1 appended last. A Discrete(n)
// observation is one feature with bounds [0, n − 1].
//
// Action. ScalarAction finds the one dimension the learner controls: the Box dimension labelled
// "bid" or "shade" when there is one (as agents/bid_action.h), else the only dimension of a
// one-dimensional Box (a multiplier, a reserve, ...). Its bounds must be finite. Actions are
// clipped to the bounds; any other dimension is set to its lower bound (0 when infinite).
//
// Parameters read here (shared by the contextual learners):
//   features   list of observation labels or null, default null   the context's dimensions
//   normalize  bool, default true                      map finite bounds to [0, 1] or [−1, 1]
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "agents/policy.h"

namespace agora {

class ObservationFeatures {
 public:
  enum class Scale { kUnit, kSymmetric };  // normalized features in [0, 1] or [-1, 1]

  // Reads params "features" and "normalize"; ConfigError at ctx.path.params.features for an
  // unknown label.
  ObservationFeatures(const Json& params, const PolicyContext& ctx, bool bias, Scale scale);

  int dim() const { return static_cast<int>(columns_.size()) + (bias_ ? 1 : 0); }
  // Feature names: the observation labels, then "bias".
  std::vector<std::string> names() const;
  bool normalized() const { return normalize_; }
  // The observation columns used, in feature order (without the bias).
  const std::vector<int>& columns() const { return columns_; }

  // Writes the features of `agent`'s observation row into `out` (size dim()).
  template <typename Out>
  void compute(const RowBatch& observations, int agent, Out&& out) const {
    const int n = static_cast<int>(columns_.size());
    for (int j = 0; j < n; ++j) out(j) = observations(agent, columns_[j]) * scale_[j] + shift_[j];
    if (bias_) out(n) = 1.0;
  }

 private:
  std::vector<int> columns_;
  std::vector<double> scale_;
  std::vector<double> shift_;
  std::vector<std::string> labels_;
  bool normalize_ = true;
  bool bias_ = true;
};

// The `features` and `normalize` parameters above, documenting the given scale.
ParamSpecs observation_feature_params(
    ObservationFeatures::Scale scale = ObservationFeatures::Scale::kUnit);

class ScalarAction {
 public:
  // ConfigError at ctx.path.type when the action space has no such dimension or its bounds are
  // not finite.
  explicit ScalarAction(const PolicyContext& ctx);

  const std::string& label() const { return label_; }
  int column() const { return column_; }
  double low() const { return low_; }
  double high() const { return high_; }
  double clip(double a) const { return a < low_ ? low_ : (a > high_ ? high_ : a); }
  // Writes clip(action) into `row` of `actions`, the other dimensions at their defaults.
  void write(RowBatch& actions, int row, double action) const {
    if (dim_ > 1) actions.row(row) = defaults_.transpose();
    actions(row, column_) = clip(action);
  }

 private:
  std::string label_;
  int column_ = 0;
  int dim_ = 1;
  double low_ = 0.0;
  double high_ = 1.0;
  Eigen::ArrayXd defaults_;
};

}  // namespace agora
