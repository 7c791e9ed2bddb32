#include "experiments/counterfactual_grid.h"

#include <cmath>

#include "agents/grid_rewards.h"
#include "core/error.h"

namespace agora {

bool CounterfactualGrid::supports(const Space& space) {
  if (space.dim() != 1) return false;
  return space.kind() == Space::Kind::kDiscrete ||
         (std::isfinite(space.low()(0)) && std::isfinite(space.high()(0)));
}

CounterfactualGrid::CounterfactualGrid(const Space& space, int points) {
  AGORA_CHECK(supports(space));
  AGORA_CHECK_GE(points, 2);
  if (space.kind() == Space::Kind::kDiscrete) {
    for (int a = 0; a < space.n(); ++a) grid_.push_back(a);
  } else {
    const double low = space.low()(0);
    const double high = space.high()(0);
    for (int g = 0; g < points; ++g) {
      grid_.push_back(g + 1 == points ? high : low + (high - low) * g / (points - 1));
    }
  }
  candidates_ = Eigen::Map<const RowBatch>(grid_.data(), size(), 1);
  scratch_.resize(size());
}

void CounterfactualGrid::accumulate(const CounterfactualFeedback& oracle, int agent, double* out) {
  const int rounds = oracle.counterfactual_rounds();
  if (rounds == 0) {
    oracle.counterfactual_rewards(agent, candidates_, scratch_);
    for (int g = 0; g < size(); ++g) out[g] += scratch_(g);
    return;
  }
  const double weight = 1.0 / rounds;
  for (int r = 0; r < rounds; ++r) {
    oracle.reward_profile(agent, r, profile_);
    for_each_grid_piece(
        profile_, grid_,
        [&](int begin, int end, double intercept, double slope) {
          for (int k = begin; k < end; ++k) out[k] += weight * (intercept + slope * grid_[k]);
        },
        [&](int k, double value) { out[k] += weight * value; });
  }
}

}  // namespace agora
