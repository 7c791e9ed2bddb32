// A piecewise-linear function of one scalar (a bid, a shading factor) with exact values at its
// breakpoints — the shape of every counterfactual in a rank-based auction: as a bidder raises
// its bid, its clicks jump at the thresholds where it overtakes another bidder, and its payment
// is constant (second price, GSP, VCG, Myerson) or linear (first price, all-pay) in between.
// At a threshold itself the bidder ties, and the value there is the tie-averaged one.
//
// With breakpoints t_0 < t_1 < ... < t_{m-1} (t_m = +inf):
//   f(x) = at_j                      if x == t_j
//   f(x) = intercept_j + slope_j x   if t_j < x < t_{j+1}
// f is defined for x >= t_0 only.
#pragma once

#include <span>
#include <vector>

namespace agora {

struct LinearPiece {
  double from = 0.0;       // t_j
  double at = 0.0;         // f(t_j)
  double intercept = 0.0;  // on (t_j, t_{j+1})
  double slope = 0.0;
};

class PiecewiseLinear {
 public:
  void clear() { pieces_.clear(); }
  // Appends a piece starting at `from`, which must exceed the previous piece's start.
  [[gnu::always_inline]] void push(double from, double at, double intercept, double slope) {
    if (!pieces_.empty() && !(from > pieces_.back().from)) throw_not_increasing(from);
    pieces_.push_back({from, at, intercept, slope});
  }
  std::span<const LinearPiece> pieces() const { return pieces_; }
  bool empty() const { return pieces_.empty(); }

  double operator()(double x) const;

  // The supremum of f over [low, high] (low >= t_0): its value, where it is reached or
  // approached, and whether it is attained there (false when it is only a one-sided limit at a
  // breakpoint: from the right — "bid just above the threshold" — or, for a piece that rises
  // towards the next breakpoint, from the left).
  struct Supremum {
    double value = 0.0;
    double x = 0.0;
    bool attained = true;
  };
  Supremum supremum(double low, double high) const;

 private:
  [[noreturn]] void throw_not_increasing(double from) const;

  std::vector<LinearPiece> pieces_;
};

}  // namespace agora
