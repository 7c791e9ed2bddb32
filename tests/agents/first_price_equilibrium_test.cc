#include "agents/first_price_equilibrium.h"

#include <doctest/doctest.h>

#include <cmath>

#include "agents/bidder_fixture.h"

namespace agora {
namespace {

// Expected first-price utility of bidding b with value v against n − 1 opponents who bid
// low + s (v' − low) with v' ~ U[low, high]: (v − b) P(all opponent bids < b).
double expected_utility(double v, double b, int n, double low, double high) {
  const double s = (n - 1.0) / n;
  const double win_one = std::clamp((b - low) / s / (high - low), 0.0, 1.0);
  return (v - b) * std::pow(win_one, n - 1);
}

TEST_CASE("first_price_equilibrium: b(v) is a best response to itself for iid uniform values") {
  for (const int n : {2, 3, 5, 10}) {
    for (const double low : {0.0, 0.5}) {
      const double high = low + 1.0;
      test::Harness harness(test::bidder_role(n, "bid", 2.0, low, high));
      auto policy = harness.make("first_price_equilibrium", Json{{"low", low}});
      Eigen::ArrayXd values(n);
      for (int i = 0; i < n; ++i) values(i) = low + (i + 0.5) / n;
      harness.step(*policy, values, Eigen::ArrayXd::Zero(n));
      for (int i = 0; i < n; ++i) {
        CAPTURE(n);
        CAPTURE(low);
        const double v = values(i);
        const double bid = harness.actions(i, 0);
        CHECK(bid == doctest::Approx(low + (n - 1.0) / n * (v - low)));
        double best_bid = low;
        double best_utility = -1.0;
        for (double b = low; b <= v; b += 1e-4) {
          const double u = expected_utility(v, b, n, low, high);
          if (u > best_utility) {
            best_utility = u;
            best_bid = b;
          }
        }
        CHECK(bid == doctest::Approx(best_bid).epsilon(1e-3));
      }
    }
  }
}

TEST_CASE("first_price_equilibrium: n defaults to the pool size; shade spaces get b(v)/v") {
  test::Harness harness(test::bidder_role(4, "shade", 1.0));
  auto policy = harness.make("first_price_equilibrium", Json::object());
  CHECK(policy->strategy()["n"] == 4);
  Eigen::ArrayXd values(4);
  values << 0.0, 0.2, 0.5, 1.0;
  harness.step(*policy, values, Eigen::ArrayXd::Zero(4));
  CHECK(harness.actions(1, 0) == doctest::Approx(0.75));
  CHECK(harness.actions(3, 0) == doctest::Approx(0.75));

  auto two = harness.make("first_price_equilibrium", Json{{"n", 2}, {"low", 0.4}});
  harness.step(*two, values, Eigen::ArrayXd::Zero(4));
  CHECK(harness.actions(1, 0) == doctest::Approx(1.0));  // below low: truthful
  CHECK(harness.actions(2, 0) == doctest::Approx(0.45 / 0.5));
  CHECK_THROWS_AS(harness.make("first_price_equilibrium", Json{{"n", 0}}), ConfigError);
}

}  // namespace
}  // namespace agora
