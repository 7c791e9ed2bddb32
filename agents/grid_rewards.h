// Evaluating an env's piecewise-linear counterfactual reward (envs/env.h, reward_profile) on a
// learner's grid of actions, piece by piece: each grid point either sits on a breakpoint (the
// exact, tie-averaged value there) or inside a piece (intercept + slope x). Pieces whose
// value is zero throughout are skipped, so a learner whose reward is zero on most of its grid
// (a losing bid earns nothing) only touches the points where something happens.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

#include "core/piecewise_linear.h"

namespace agora {

// std::lower_bound over x[first, last): grid_lower_bound's fallback when its interpolated
// guess is more than one point off (a grid that is not evenly spaced). Kept out of line so the
// guess itself inlines into the callers.
[[gnu::cold, gnu::noinline]] inline std::size_t grid_bisect(std::span<const double> x,
                                                            std::size_t first, std::size_t last,
                                                            double v) {
  return static_cast<std::size_t>(std::lower_bound(x.begin() + first, x.begin() + last, v) -
                                  x.begin());
}

// The first index k in [from, x.size()) with x[k] >= v, as std::lower_bound returns it. Grids
// are usually evenly spaced, so the search starts from the index interpolated between the end
// points (`scale` = (size − 1) / (back − front)) and falls back to bisection only when that
// guess is more than one point off.
[[gnu::always_inline]] inline std::size_t grid_lower_bound(std::span<const double> x,
                                                           std::size_t from, double v,
                                                           double scale) {
  const std::size_t n = x.size();
  // k = ceil(t) clamped to [from, n], with the ceiling taken in integers (the floating-point
  // ceil and the unsigned conversions are a long dependency chain here).
  const double t = (v - x.front()) * scale;
  std::size_t k = n;
  if (t > 0.0 && t < static_cast<double>(static_cast<std::ptrdiff_t>(n))) {
    const auto whole = static_cast<std::ptrdiff_t>(t);
    const auto up = static_cast<std::size_t>(whole + (static_cast<double>(whole) < t));
    k = std::max(up, from);
  } else if (t <= 0.0) {  // ceil(t) <= 0 <= from
    k = from;
  }
  const auto below = [&](std::size_t i) { return i > from && x[i - 1] >= v; };
  const auto above = [&](std::size_t i) { return i < n && x[i] < v; };
  if (below(k)) {
    --k;
    if (below(k)) [[unlikely]] {
      return grid_bisect(x, from, k, v);
    }
  } else if (above(k)) {
    ++k;
    if (above(k)) [[unlikely]] {
      return grid_bisect(x, k, n, v);
    }
  }
  return k;
}

// The `scale` grid_lower_bound interpolates with: (size − 1) / (back − front), 0 for one point.
inline double grid_scale(std::span<const double> x) {
  if (x.empty()) return 0.0;
  const double span = x.back() - x.front();
  return span > 0.0 ? static_cast<double>(x.size() - 1) / span : 0.0;
}

// x: the grid in action units, non-decreasing, every point >= the first breakpoint; `scale`:
// grid_scale(x), which a caller with a fixed grid computes once.
// linear(begin, end, intercept, slope): points [begin, end) lie inside one piece.
// point(k, value): point k lies on a breakpoint.
template <class Linear, class Point>
[[gnu::always_inline]] inline void for_each_grid_piece(const PiecewiseLinear& f,
                                                       std::span<const double> x, double scale,
                                                       Linear&& linear, Point&& point) {
  const auto pieces = f.pieces();
  if (pieces.empty() || x.empty()) return;
  // Profiles usually start at 0, at or below the grid: no search.
  std::size_t cursor =
      pieces[0].from <= x.front() ? 0 : grid_lower_bound(x, 0, pieces[0].from, scale);
  for (std::size_t j = 0; j < pieces.size(); ++j) {
    const LinearPiece& p = pieces[j];
    const std::size_t stop =
        j + 1 < pieces.size() ? grid_lower_bound(x, cursor, pieces[j + 1].from, scale) : x.size();
    std::size_t inside = cursor;
    while (inside != stop && x[inside] == p.from) {
      if (p.at != 0.0) point(static_cast<int>(inside), p.at);
      ++inside;
    }
    if (inside != stop && (p.intercept != 0.0 || p.slope != 0.0)) {
      linear(static_cast<int>(inside), static_cast<int>(stop), p.intercept, p.slope);
    }
    cursor = stop;
  }
}

template <class Linear, class Point>
void for_each_grid_piece(const PiecewiseLinear& f, std::span<const double> x, Linear&& linear,
                         Point&& point) {
  for_each_grid_piece(f, x, grid_scale(x), std::forward<Linear>(linear),
                      std::forward<Point>(point));
}

}  // namespace agora
