// Evaluating an env's piecewise-linear counterfactual reward (envs/env.h, reward_profile) on a
// learner's grid of actions, piece by piece: each grid point either sits on a breakpoint (the
// exact, tie-averaged value there) or inside a piece (intercept + slope x). Pieces whose
// value is zero throughout are skipped, so a learner whose reward is zero on most of its grid
// (a losing bid earns nothing) only touches the points where something happens.
#pragma once

#include <algorithm>
#include <span>

#include "core/piecewise_linear.h"

namespace agora {

// x: the grid in action units, non-decreasing, every point >= the first breakpoint.
// linear(begin, end, intercept, slope): points [begin, end) lie inside one piece.
// point(k, value): point k lies on a breakpoint.
template <class Linear, class Point>
void for_each_grid_piece(const PiecewiseLinear& f, std::span<const double> x, Linear&& linear,
                         Point&& point) {
  const auto pieces = f.pieces();
  const auto begin = x.begin();
  auto cursor = begin;
  if (!pieces.empty()) cursor = std::lower_bound(cursor, x.end(), pieces[0].from);
  for (std::size_t j = 0; j < pieces.size(); ++j) {
    const LinearPiece& p = pieces[j];
    const auto stop =
        j + 1 < pieces.size() ? std::lower_bound(cursor, x.end(), pieces[j + 1].from) : x.end();
    auto inside = cursor;
    while (inside != stop && *inside == p.from) {
      if (p.at != 0.0) point(static_cast<int>(inside - begin), p.at);
      ++inside;
    }
    if (inside != stop && (p.intercept != 0.0 || p.slope != 0.0)) {
      linear(static_cast<int>(inside - begin), static_cast<int>(stop - begin), p.intercept,
             p.slope);
    }
    cursor = stop;
  }
}

}  // namespace agora
