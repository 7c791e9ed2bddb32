// PiecewiseLinear (core/piecewise_linear.h): with breakpoints t_0 < t_1 < ...,
//   f(t_j) = at_j   and   f(x) = intercept_j + slope_j x   on (t_j, t_{j+1}),
// defined for x >= t_0. The supremum over [low, high] is exact: the maximum of the values at
// the breakpoints in range, at low and high, and the one-sided limits of each open piece at
// its ends; a limit that no x reaches is reported with attained == false. Every expected value
// below is worked out by hand from the pieces pushed.
#include "core/piecewise_linear.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/error.h"

namespace agora {
namespace {

// The utility of a bidder with value 1 in a first-price auction against one rival bid 0.6
// (one slot, ctr 1): 0 below 0.6; at 0.6 a tie, won half the time: (1 - 0.6) / 2 = 0.2;
// above 0.6 it wins and pays its bid: 1 - b.
PiecewiseLinear first_price_utility() {
  PiecewiseLinear f;
  f.push(0.0, 0.0, 0.0, 0.0);
  f.push(0.6, 0.2, 1.0, -1.0);
  return f;
}

TEST_CASE("values at breakpoints are the point values, inside pieces the linear ones") {
  // f(0) = 1 (point), 2x on (0, 1); f(1) = 5 (point), 3 - x on (1, 4); f(4) = 7, 0 after.
  PiecewiseLinear f;
  f.push(0.0, 1.0, 0.0, 2.0);
  f.push(1.0, 5.0, 3.0, -1.0);
  f.push(4.0, 7.0, 0.0, 0.0);
  REQUIRE(f.pieces().size() == 3);
  CHECK(f(0.25) == 0.5);   // 2 * 0.25
  CHECK(f(1.0) == 5.0);    // the point value, not the limits 2 (left) or 2 (right)
  CHECK(f(0.0) == 1.0);    // not the right limit 0
  CHECK(f(2.5) == 0.5);    // 3 - 2.5
  CHECK(f(4.0) == 7.0);    // the point value, not the limits -1 (left) or 0 (right)
  CHECK(f(100.0) == 0.0);  // the last piece extends to +inf
  CHECK_THROWS_AS(f(-0.1), InvariantError);  // below t_0: undefined
  f.clear();
  CHECK(f.empty());
}

TEST_CASE("push rejects breakpoints that do not increase") {
  PiecewiseLinear f;
  f.push(1.0, 0.0, 0.0, 0.0);
  CHECK_THROWS_AS(f.push(1.0, 0.0, 0.0, 0.0), InvariantError);  // equal
  CHECK_THROWS_AS(f.push(0.5, 0.0, 0.0, 0.0), InvariantError);  // decreasing
  CHECK(f.pieces().size() == 1);
  f.push(1.5, 0.0, 0.0, 0.0);
  CHECK(f.pieces().size() == 2);
}

TEST_CASE("supremum approached just above a breakpoint is not attained") {
  const PiecewiseLinear f = first_price_utility();
  // Over [0, 1]: f(0.6) = 0.2, but 1 - b -> 0.4 as b -> 0.6 from above; no b reaches it.
  const auto sup = f.supremum(0.0, 1.0);
  CHECK(sup.value == doctest::Approx(0.4));
  CHECK(sup.x == 0.6);
  CHECK_FALSE(sup.attained);
}

TEST_CASE("supremum attained at low, at a breakpoint, at high or inside the range") {
  const PiecewiseLinear f = first_price_utility();
  // [0.7, 1]: low lies inside the decreasing piece: f(0.7) = 0.3, attained.
  auto sup = f.supremum(0.7, 1.0);
  CHECK(sup.value == doctest::Approx(0.3));
  CHECK(sup.x == 0.7);
  CHECK(sup.attained);
  // [0, 0.6]: high is the breakpoint itself; the piece above it is out of range: f(0.6) = 0.2.
  sup = f.supremum(0.0, 0.6);
  CHECK(sup.value == doctest::Approx(0.2));
  CHECK(sup.x == 0.6);
  CHECK(sup.attained);
  // [0, 0.5]: f is 0 throughout; the first candidate, low, is kept.
  sup = f.supremum(0.0, 0.5);
  CHECK(sup.value == 0.0);
  CHECK(sup.x == 0.0);
  CHECK(sup.attained);
  // A degenerate range [1.2, 1.2]: f(1.2) = 1 - 1.2.
  sup = f.supremum(1.2, 1.2);
  CHECK(sup.value == doctest::Approx(-0.2));
  CHECK(sup.attained);

  // An increasing last piece peaks at high: g(x) = x on (0, inf); sup over [0, 2.5] = 2.5.
  PiecewiseLinear g;
  g.push(0.0, 0.0, 0.0, 1.0);
  sup = g.supremum(0.0, 2.5);
  CHECK(sup.value == 2.5);
  CHECK(sup.x == 2.5);
  CHECK(sup.attained);

  // A point value above both neighbouring pieces: h(1) = 3, h = 1 on (1, 2) and after 2.
  PiecewiseLinear h;
  h.push(0.0, 0.0, 0.0, 0.0);
  h.push(1.0, 3.0, 1.0, 0.0);
  h.push(2.0, 1.0, 1.0, 0.0);
  sup = h.supremum(0.0, 5.0);
  CHECK(sup.value == 3.0);
  CHECK(sup.x == 1.0);
  CHECK(sup.attained);
  // Starting just after it, [1.5, 5]: 1 everywhere, attained at low.
  sup = h.supremum(1.5, 5.0);
  CHECK(sup.value == 1.0);
  CHECK(sup.x == 1.5);
  CHECK(sup.attained);
}

TEST_CASE("supremum approached from the left of a breakpoint is not attained either") {
  // k(x) = x on (0, 1), k(1) = 0 and 0 after: the supremum 1 is the limit as x -> 1 from
  // below; it is reported at the breakpoint 1, not attained.
  PiecewiseLinear k;
  k.push(0.0, 0.0, 0.0, 1.0);
  k.push(1.0, 0.0, 0.0, 0.0);
  const auto sup = k.supremum(0.0, 2.0);
  CHECK(sup.value == 1.0);
  CHECK(sup.x == 1.0);
  CHECK_FALSE(sup.attained);
  // Up to high = 0.5 inside the piece, it is attained at high.
  const auto inside = k.supremum(0.0, 0.5);
  CHECK(inside.value == 0.5);
  CHECK(inside.attained);
}

TEST_CASE("supremum checks its range") {
  const PiecewiseLinear f = first_price_utility();
  CHECK_THROWS_AS(f.supremum(0.5, 0.4), InvariantError);                  // low > high
  CHECK_THROWS_AS(f.supremum(-1.0, 0.4), InvariantError);                 // low below t_0
  CHECK_THROWS_AS(f.supremum(0.0, INFINITY), InvariantError);             // high not finite
  CHECK_THROWS_AS(PiecewiseLinear().supremum(0.0, 1.0), InvariantError);  // empty
}

}  // namespace
}  // namespace agora
