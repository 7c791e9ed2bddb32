// Shared market for the content_ecosystem tests checked by hand: d = 1 (preferences and
// directions are +1 or -1), one creator shown to every user (K = 1), users' utility
// affinity x c with affinity 2, no quality term, outside option 0, no arrivals or churn,
// satisfaction memory 0.5, (almost) free content.
#pragma once

#include "core/params.h"

namespace agora::testing {

inline Json one_creator_market(int n_users) {
  return {{"n_users", n_users},
          {"n_creators", 1},
          {"initial_creators", 1},
          {"dim", 1},
          {"n_topics", 2},
          {"slate_size", 1},
          {"affinity", 2.0},
          {"quality_utility", 0.0},
          {"outside_utility", 0.0},
          {"user_spread", 1.0},
          {"arrival_rate", 0.0},
          {"churn_probability", 0.0},
          {"satisfaction_memory", 0.5},
          {"cost_range", {0.0, 0.001}}};
}

}  // namespace agora::testing
