// Incentive diagnostics: the ex-post regret of a bid in one auction, i.e. how much more the
// bidder would have earned with its best deviation, everything else (other bids, qualities,
// tie-break in expectation) fixed. Zero for every bid that equals the value in a truthful
// mechanism (VCG, Myerson, second price with one slot); positive in general for GSP and first
// price. Reported per mechanism, it measures how far the mechanism is from truthful for the
// bids agents actually make.
//
// The input is the bidder's utility as a function of its own bid — value × clicks(b) −
// payment(b), a piecewise-linear function (mechanisms' DeviationProfile::utility, or an env's
// reward profile). Two notions:
//   ex_post_regret: sup over all bids in [low, high], computed exactly from the pieces — the
//     best deviation sits at a rank-changing threshold (or just above it, where the supremum
//     is a limit: `attained` is false and the best bid is the threshold itself) or at an end;
//   grid_regret: max over a finite grid of bids (what a grid learner could have played). With
//     include_thresholds, it is the supremum of u over the grid together with, for every
//     threshold t in [min grid, max grid]: the tie at t itself (the point value u(t)) and, when
//     t < max grid, the bids just above t (the one-sided limit lim_{b↓t} u(b): overtaking at
//     t, which the tie delivers only in part). If that limit is the best, best_bid = t and
//     attained = false: u(t) itself is less, and the value is the supremum approached by bids
//     just above t — reached by them when u is flat there (second price, GSP, VCG), never
//     when it decreases (first price, all-pay). Limits from the left are not scored; for
//     auction utilities they never matter, since between thresholds clicks are constant and
//     payment constant or increasing in the bid (slope <= 0). For such utilities best_utility
//     and regret equal ex_post_regret's over [min grid, max grid] (best_bid may differ when
//     several bids reach the supremum).
// See e.g. Edelman, Ostrovsky & Schwarz (2007) §3 on GSP's incentives to shade, and Nekipelov,
// Syrgkanis & Tardos, "Econometrics for learning agents" (EC 2015) for regret as a measure of
// bidding behaviour.
#pragma once

#include <span>

#include "core/piecewise_linear.h"

namespace agora {

struct BidRegret {
  double regret = 0.0;        // best utility − utility of the bid, >= 0
  double utility = 0.0;       // utility of the bid actually made
  double best_utility = 0.0;  // utility of the best deviation (a supremum, see attained)
  double best_bid = 0.0;      // where it is reached or approached
  bool attained = true;       // utility(best_bid) == best_utility; false: best_utility is
                              // the limit of the utility next to best_bid (for auction
                              // utilities: just above it)
};

// Requires low <= bid <= high, all finite, low >= the first breakpoint.
BidRegret ex_post_regret(const PiecewiseLinear& utility, double bid, double low, double high);

// Requires a non-empty grid of finite bids >= the first breakpoint.
BidRegret grid_regret(const PiecewiseLinear& utility, double bid, std::span<const double> grid,
                      bool include_thresholds);

}  // namespace agora
