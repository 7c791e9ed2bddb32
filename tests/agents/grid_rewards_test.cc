#include "agents/grid_rewards.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <vector>

#include "core/rng.h"

namespace {

double scale_of(const std::vector<double>& x) {
  const double span = x.back() - x.front();
  return span > 0.0 ? (x.size() - 1) / span : 0.0;
}

void check_against_std(const std::vector<double>& x, agora::Rng& rng) {
  const double scale = scale_of(x);
  boost::random::uniform_int_distribution<std::size_t> index(0, x.size() - 1);
  std::vector<double> probes = {x.front() - 1.0, x.back() + 1.0, -1e300, 1e300};
  for (double v : x) {
    probes.push_back(v);
    probes.push_back(std::nextafter(v, -1e300));
    probes.push_back(std::nextafter(v, 1e300));
  }
  for (int i = 0; i < 200; ++i) probes.push_back(agora::uniform_real(rng, x.front() - 0.5, x.back() + 0.5));
  for (double v : probes) {
    for (int rep = 0; rep < 3; ++rep) {
      const std::size_t from = rep == 0 ? 0 : index(rng);
      const auto expected = static_cast<std::size_t>(
          std::lower_bound(x.begin() + static_cast<std::ptrdiff_t>(from), x.end(), v) - x.begin());
      CAPTURE(v);
      CAPTURE(from);
      CHECK(agora::grid_lower_bound(x, from, v, scale) == expected);
    }
  }
}

}  // namespace

TEST_CASE("grid_rewards: grid_lower_bound is std::lower_bound on even, uneven and flat grids") {
  agora::Rng rng(5);
  std::vector<double> even(101);
  for (int k = 0; k < 101; ++k) even[k] = k == 100 ? 1.0 : 0.0 + (1.0 - 0.0) * k / 100;
  check_against_std(even, rng);

  std::vector<double> uneven(40);
  for (int k = 0; k < 40; ++k) uneven[k] = (k * k) / 1600.0 * 3.0;  // quadratic spacing
  check_against_std(uneven, rng);

  std::vector<double> with_repeats = {0.0, 0.1, 0.1, 0.1, 0.5, 0.5, 0.9, 2.0};
  check_against_std(with_repeats, rng);

  std::vector<double> flat(5, 0.3);
  check_against_std(flat, rng);

  check_against_std({0.25}, rng);
}

TEST_CASE("grid_rewards: for_each_grid_piece evaluates a step profile exactly on the grid") {
  // Second price against a highest other bid of 0.42 with value 0.7: a bid below 0.42 earns 0,
  // a bid of exactly 0.42 ties (half the win, 0.14), a higher bid earns 0.7 − 0.42 = 0.28.
  agora::PiecewiseLinear profile;
  profile.push(0.0, 0.0, 0.0, 0.0);
  profile.push(0.42, 0.14, 0.28, 0.0);
  std::vector<double> grid(101);
  for (int k = 0; k < 101; ++k) grid[k] = k / 100.0;
  std::vector<double> reward(101, 0.0);
  agora::for_each_grid_piece(
      profile, grid,
      [&](int begin, int end, double intercept, double slope) {
        for (int k = begin; k < end; ++k) reward[k] += intercept + slope * grid[k];
      },
      [&](int k, double value) { reward[k] += value; });
  for (int k = 0; k < 101; ++k) {
    CAPTURE(k);
    CHECK(reward[k] == (k < 42 ? 0.0 : k == 42 ? 0.14 : 0.28));
  }
}
