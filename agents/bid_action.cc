#include "agents/bid_action.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

BidAction::BidAction(const RoleSpec& role, const std::string& error_path, bool needs_value) {
  const Space& actions = role.action_space;
  const Space& observations = role.observation_space;
  value_column_ = observations.kind() == Space::Kind::kBox ? observations.index_of("value") : -1;
  const int bid_column = actions.index_of("bid");
  const int shade_column = actions.index_of("shade");
  const bool box = actions.kind() == Space::Kind::kBox;
  // Without a value to shade, a one-dimensional Box is an action in absolute units.
  const bool absolute = box && actions.dim() == 1 && value_column_ < 0 && !needs_value;
  if (!box || (bid_column < 0 && shade_column < 0 && !absolute)) {
    const std::string found = "role '" + role.name + "' has actions " + actions.describe();
    throw ConfigError(error_path,
                      "a bidder needs an action dimension labelled 'bid' or 'shade' (a role "
                      "without a 'value' observation: a one-dimensional Box action); " +
                          found);
  }
  units_ = bid_column >= 0 || shade_column < 0 ? Units::kBid : Units::kShade;
  action_column_ = bid_column >= 0 ? bid_column : (shade_column >= 0 ? shade_column : 0);
  action_label_ = actions.labels()[static_cast<std::size_t>(action_column_)];
  action_dim_ = actions.dim();
  action_low_ = actions.low()(action_column_);
  action_high_ = actions.high()(action_column_);
  other_defaults_.resize(action_dim_);
  for (int d = 0; d < action_dim_; ++d) {
    const double low = actions.low()(d);
    other_defaults_(d) = std::clamp(std::isfinite(low) ? low : 0.0, low, actions.high()(d));
  }

  if (value_column_ >= 0) {
    value_low_ = observations.low()(value_column_);
    value_high_ = observations.high()(value_column_);
  } else if (needs_value) {
    const std::string found = "role '" + role.name + "' observes " + observations.describe();
    throw ConfigError(error_path,
                      "a bidder needs an observation dimension labelled 'value'; " + found);
  }
}

double BidAction::action_for_bid(double bid, double value) const {
  if (units_ == Units::kBid) return clip(bid);
  return clip(value > 0.0 ? bid / value : 1.0);
}

double BidAction::action_for_shade(double shade, double value) const {
  if (units_ == Units::kShade) return clip(shade);
  return clip(shade * value);
}

void BidAction::write_with_defaults(RowBatch& actions, int row, double action) const {
  actions.row(row) = other_defaults_.transpose();
  actions(row, action_column_) = action;
}

}  // namespace agora
