// How a bidder reads its value and writes its bid without knowing the env.
//
// A bidder role has a Box observation with a dimension labelled "value" (the per-click value
// for the upcoming round) and a Box action space with a dimension labelled "bid" (absolute bid
// per click) or "shade" (bid = shade × value). BidAction finds both by label, converts a bid or
// a shading factor into the env's action units and clips it to the action bounds, so a policy
// never writes an action the env would reject. Any other action dimension is set to its lower
// bound (0 when that bound is infinite, clipped into the bounds).
//
// A role without a "value" observation (e.g. the auction env's platform, whose action is a
// reserve) may have a one-dimensional Box action labelled anything: it is then read in absolute
// units (Units::kBid), so the grid learners play a grid over it through the spaces alone.
#pragma once

#include <string>

#include "envs/env.h"

namespace agora {

class BidAction {
 public:
  enum class Units { kBid, kShade };

  // Throws ConfigError at `error_path` when the action space has no "bid" or "shade" Box
  // dimension (unless it is a one-dimensional Box, the role has no "value" observation and
  // !needs_value), or when `needs_value` and the observation space has no "value" dimension.
  BidAction(const RoleSpec& role, const std::string& error_path, bool needs_value);

  Units units() const { return units_; }
  bool has_value() const { return value_column_ >= 0; }
  double value_low() const { return value_low_; }
  double value_high() const { return value_high_; }
  double action_low() const { return action_low_; }
  double action_high() const { return action_high_; }
  int action_column() const { return action_column_; }
  const std::string& action_label() const { return action_label_; }

  double value(const RowBatch& observations, int agent) const {
    return observations(agent, value_column_);
  }
  // The env's action for a bid per click; in a "shade" space the shade bid / value (any shade
  // bids 0 when value <= 0, so 1 is written then).
  double action_for_bid(double bid, double value) const;
  // The env's action for bidding shade × value.
  double action_for_shade(double shade, double value) const;
  double clip(double action) const {
    return action < action_low_ ? action_low_ : (action > action_high_ ? action_high_ : action);
  }

  // Writes `action` in the bid/shade column of `row` of `actions` and the defaults elsewhere.
  void write(RowBatch& actions, int row, double action) const {
    if (action_dim_ == 1) {
      actions(row, 0) = action;
      return;
    }
    write_with_defaults(actions, row, action);
  }

 private:
  void write_with_defaults(RowBatch& actions, int row, double action) const;

  Units units_ = Units::kBid;
  int action_column_ = 0;
  std::string action_label_;
  int action_dim_ = 1;
  double action_low_ = 0.0;
  double action_high_ = 0.0;
  Eigen::ArrayXd other_defaults_;
  int value_column_ = -1;
  double value_low_ = 0.0;
  double value_high_ = 0.0;
};

}  // namespace agora
