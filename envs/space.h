// Spaces, as in Gymnasium: Box (a vector of reals with per-dimension bounds, possibly
// infinite) and Discrete (an integer in [0, n), carried as a double in action/observation
// rows). Every dimension has a label, so a policy can find "value" or "bid" in a row without
// knowing the env. Spaces never change for an agent.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/rng.h"

namespace agora {

using RowBatch = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using BoolArray = Eigen::Array<bool, Eigen::Dynamic, 1>;

class Space {
 public:
  enum class Kind { kBox, kDiscrete };

  static Space box(Eigen::ArrayXd low, Eigen::ArrayXd high, std::vector<std::string> labels);
  static Space discrete(int n, std::string label);

  Kind kind() const { return kind_; }
  int dim() const { return static_cast<int>(low_.size()); }
  int n() const { return n_; }  // Discrete only
  const Eigen::ArrayXd& low() const { return low_; }
  const Eigen::ArrayXd& high() const { return high_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Index of the dimension with this label, or -1.
  int index_of(const std::string& label) const;

  // True when the row is finite (where the bound is finite), inside the bounds and, for
  // Discrete, integral.
  template <typename Row>
  bool contains(const Row& row) const {
    if (row.size() != dim()) return false;
    for (int i = 0; i < dim(); ++i) {
      const double x = row(i);
      if (x != x || x < low_(i) || x > high_(i)) return false;
      if (kind_ == Kind::kDiscrete && x != static_cast<double>(static_cast<long long>(x)))
        return false;
    }
    return true;
  }

  // A uniform sample (Box with infinite bounds: a standard normal shifted into the bounds).
  Eigen::ArrayXd sample(Rng& rng) const;
  std::string describe() const;

 private:
  Kind kind_ = Kind::kBox;
  int n_ = 0;
  Eigen::ArrayXd low_;
  Eigen::ArrayXd high_;
  std::vector<std::string> labels_;
};

}  // namespace agora
