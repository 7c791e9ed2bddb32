#include "envs/space.h"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace agora {

Space Space::box(Eigen::ArrayXd low, Eigen::ArrayXd high, std::vector<std::string> labels) {
  AGORA_CHECK_EQ(low.size(), high.size());
  AGORA_CHECK_EQ(static_cast<std::size_t>(low.size()), labels.size());
  AGORA_CHECK((low <= high).all());
  Space s;
  s.kind_ = Kind::kBox;
  s.low_ = std::move(low);
  s.high_ = std::move(high);
  s.labels_ = std::move(labels);
  return s;
}

Space Space::discrete(int n, std::string label) {
  AGORA_CHECK_GE(n, 1);
  Space s;
  s.kind_ = Kind::kDiscrete;
  s.n_ = n;
  s.low_ = Eigen::ArrayXd::Zero(1);
  s.high_ = Eigen::ArrayXd::Constant(1, n - 1);
  s.labels_ = {std::move(label)};
  return s;
}

int Space::index_of(const std::string& label) const {
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i] == label) return static_cast<int>(i);
  }
  return -1;
}

Eigen::ArrayXd Space::sample(Rng& rng) const {
  Eigen::ArrayXd x(dim());
  if (kind_ == Kind::kDiscrete) {
    x(0) = boost::random::uniform_int_distribution<int>(0, n_ - 1)(rng);
    return x;
  }
  for (int i = 0; i < dim(); ++i) {
    const bool finite_low = std::isfinite(low_(i));
    const bool finite_high = std::isfinite(high_(i));
    if (finite_low && finite_high) {
      x(i) = low_(i) == high_(i)
                 ? low_(i)
                 : boost::random::uniform_real_distribution<double>(low_(i), high_(i))(rng);
    } else {
      const double z = boost::random::normal_distribution<double>()(rng);
      if (finite_low) {
        x(i) = low_(i) + std::fabs(z);
      } else if (finite_high) {
        x(i) = high_(i) - std::fabs(z);
      } else {
        x(i) = z;
      }
    }
  }
  return x;
}

std::string Space::describe() const {
  std::ostringstream out;
  if (kind_ == Kind::kDiscrete) {
    out << "Discrete(" << n_ << ") " << labels_[0];
    return out.str();
  }
  out << "Box[";
  for (int i = 0; i < dim(); ++i) {
    out << (i ? ", " : "") << labels_[i] << " in [" << low_(i) << ", " << high_(i) << "]";
  }
  out << "]";
  return out.str();
}

}  // namespace agora
