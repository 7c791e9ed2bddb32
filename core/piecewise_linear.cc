#include "core/piecewise_linear.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

void PiecewiseLinear::throw_not_increasing(double from) const {
  AGORA_CHECK_LT(pieces_.back().from, from);
  throw InvariantError("PiecewiseLinear::push: breakpoints must increase");
}

double PiecewiseLinear::operator()(double x) const {
  AGORA_CHECK(!pieces_.empty() && x >= pieces_.front().from);
  const auto next = std::upper_bound(pieces_.begin(), pieces_.end(), x,
                                     [](double v, const LinearPiece& p) { return v < p.from; });
  const LinearPiece& piece = *(next - 1);
  return x == piece.from ? piece.at : piece.intercept + piece.slope * x;
}

PiecewiseLinear::Supremum PiecewiseLinear::supremum(double low, double high) const {
  AGORA_CHECK(!pieces_.empty() && low >= pieces_.front().from && low <= high);
  AGORA_CHECK(std::isfinite(high));
  Supremum best{(*this)(low), low, true};
  const auto consider = [&best](double value, double x, bool attained) {
    if (value > best.value) best = {value, x, attained};
  };
  consider((*this)(high), high, true);
  for (std::size_t j = 0; j < pieces_.size(); ++j) {
    const LinearPiece& p = pieces_[j];
    const double end = j + 1 < pieces_.size() ? pieces_[j + 1].from : INFINITY;
    if (p.from > high || end < low) continue;
    if (p.from >= low) consider(p.at, p.from, true);
    // The open piece (from, end) clipped to [low, high]: a linear function peaks at an end.
    const double left = std::max(p.from, low);
    const double right = std::min(end, high);
    if (right > p.from && left < end) {
      consider(p.intercept + p.slope * left, left, left > p.from);
      consider(p.intercept + p.slope * right, right, right < end);
    }
  }
  return best;
}

}  // namespace agora
