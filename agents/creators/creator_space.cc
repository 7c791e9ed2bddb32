#include "agents/creators/creator_space.h"

#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

CreatorSpace read_creator_space(const PolicyContext& ctx, const std::string& algorithm,
                                bool need_full_information) {
  const std::string where = join_path(ctx.path, "type");
  const RoleSpec& role = *ctx.role;
  if (need_full_information && role.feedback != Feedback::kFull) {
    throw ConfigError(where, algorithm +
                                 " needs full-information feedback (the env's counterfactual "
                                 "oracle); role '" +
                                 role.name + "' gets bandit feedback");
  }
  CreatorSpace space;
  const Space& action = role.action_space;
  if (action.kind() == Space::Kind::kDiscrete) {
    if (action.labels().front() != "topic") {
      throw ConfigError(where, algorithm +
                                   " needs a Discrete action labelled 'topic' or a Box "
                                   "of content directions e0..e{d-1}; role '" +
                                   role.name + "' has " + action.describe());
    }
    space.topics = true;
    space.dim = 1;
    space.topic_count = action.n();
    space.topic_column = role.observation_space.index_of("topic");
    return space;
  }
  space.dim = action.dim();
  for (int k = 0; k < space.dim; ++k) {
    const std::string label = "e" + std::to_string(k);
    if (action.labels()[static_cast<std::size_t>(k)] != label || action.low()(k) > -1.0 ||
        action.high()(k) < 1.0) {
      throw ConfigError(where, algorithm +
                                   " needs a Box action of content directions labelled "
                                   "e0..e{d-1} with bounds containing [-1, 1]; role '" +
                                   role.name + "' has " + action.describe());
    }
    const int column = role.observation_space.index_of(label);
    if (column >= 0) space.direction_columns.push_back(column);
  }
  if (static_cast<int>(space.direction_columns.size()) != space.dim)
    space.direction_columns.clear();
  return space;
}

void random_direction(Rng& rng, Eigen::VectorXd& out) {
  boost::random::normal_distribution<double> normal;
  for (;;) {
    for (Eigen::Index k = 0; k < out.size(); ++k) out(k) = normal(rng);
    const double norm = out.norm();
    if (norm > 1e-12) {
      out /= norm;
      return;
    }
  }
}

bool normalize_to(const Eigen::VectorXd& x, Eigen::VectorXd& out) {
  const double norm = x.norm();
  if (!(norm > 1e-300) || !std::isfinite(norm)) return false;
  out = x / norm;
  return true;
}

}  // namespace agora
