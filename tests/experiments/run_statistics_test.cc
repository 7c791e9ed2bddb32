#include "experiments/run_statistics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "analysis/stats.h"
#include "core/error.h"

using agora::Json;
using agora::RunStatistics;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

Eigen::ArrayXd row(std::initializer_list<double> values) {
  Eigen::ArrayXd out(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (double x : values) out(i++) = x;
  return out;
}

}  // namespace

TEST_CASE("tail starts after (1 - tail_fraction) of the horizon") {
  CHECK(RunStatistics({"x"}, 100, 0.1).first_tail_step() == 91);
  CHECK(RunStatistics({"x"}, 1000, 0.1).first_tail_step() == 901);
  CHECK(RunStatistics({"x"}, 10, 0.25).first_tail_step() == 8);  // t > 7.5
  CHECK(RunStatistics({"x"}, 10, 0.3).first_tail_step() == 8);   // t > 7
  CHECK(RunStatistics({"x"}, 10, 1.0).first_tail_step() == 1);
  CHECK(RunStatistics({"x"}, 10, 0.01).first_tail_step() == 10);  // at least one step
}

TEST_CASE("mean, std and tail mean of a ramp, with batch-means intervals") {
  const std::int64_t horizon = 100;
  RunStatistics statistics({"ramp", "constant"}, horizon, 0.1);
  for (std::int64_t t = 1; t <= horizon; ++t) {
    statistics.add(t, row({static_cast<double>(t), 2.5}));
  }
  const Json out = statistics.to_json();
  const Json& ramp = out["ramp"];
  CHECK(ramp["steps"] == 100);
  CHECK(ramp["mean"].get<double>() == doctest::Approx(50.5));
  // Sample std of 1..100: sqrt(100 · 101 / 12).
  CHECK(ramp["std"].get<double>() == doctest::Approx(std::sqrt(100.0 * 101.0 / 12.0)));
  CHECK(ramp["tail_steps"] == 10);
  CHECK(ramp["tail_mean"].get<double>() == doctest::Approx(95.5));
  CHECK(ramp["tail_std"].get<double>() == doctest::Approx(std::sqrt(10.0 * 11.0 / 12.0)));

  // 20 batches of 5 steps: batch means 3, 8, ..., 98.
  std::vector<double> batch_means;
  for (int b = 0; b < 20; ++b) batch_means.push_back(5.0 * b + 3.0);
  const auto expected = agora::stats::t_interval(batch_means);
  REQUIRE(ramp["ci95"].is_array());
  CHECK(ramp["ci95"][0].get<double>() == doctest::Approx(expected->lo));
  CHECK(ramp["ci95"][1].get<double>() == doctest::Approx(expected->hi));
  // The tail (10 steps) is cut into 10 batches of one step: the interval over the steps.
  std::vector<double> tail;
  for (int t = 91; t <= 100; ++t) tail.push_back(t);
  const auto expected_tail = agora::stats::t_interval(tail);
  CHECK(ramp["tail_ci95"][0].get<double>() == doctest::Approx(expected_tail->lo));
  CHECK(ramp["tail_ci95"][1].get<double>() == doctest::Approx(expected_tail->hi));

  const Json& constant = out["constant"];
  CHECK(constant["mean"].get<double>() == 2.5);
  CHECK(constant["std"].get<double>() == 0.0);
  CHECK(constant["ci95"] == Json::array({2.5, 2.5}));
  CHECK(constant["tail_mean"].get<double>() == 2.5);
}

TEST_CASE("NaN steps are skipped and not counted") {
  RunStatistics statistics({"price"}, 4, 0.5);
  statistics.add(1, row({1.0}));
  statistics.add(2, row({kNaN}));
  statistics.add(3, row({3.0}));
  statistics.add(4, row({kNaN}));
  const Json out = statistics.to_json()["price"];
  CHECK(out["steps"] == 2);
  CHECK(out["mean"].get<double>() == 2.0);
  CHECK(out["tail_steps"] == 1);
  CHECK(out["tail_mean"].get<double>() == 3.0);
  CHECK(out["tail_std"].is_null());
  CHECK(out["tail_ci95"].is_null());  // one batch with a value
}

TEST_CASE("an interrupted run uses its complete batches and has no tail yet") {
  RunStatistics statistics({"x"}, 100, 0.2);
  for (std::int64_t t = 1; t <= 53; ++t) statistics.add(t, row({static_cast<double>(t % 7)}));
  const Json out = statistics.to_json()["x"];
  CHECK(out["steps"] == 53);
  CHECK(out["tail_steps"] == 0);
  CHECK(out["tail_mean"].is_null());
  CHECK(out["tail_ci95"].is_null());
  // Batches of 5 steps: the first 10 are complete (steps 1..50).
  std::vector<double> batch_means;
  for (int b = 0; b < 10; ++b) {
    double sum = 0.0;
    for (int t = 5 * b + 1; t <= 5 * b + 5; ++t) sum += t % 7;
    batch_means.push_back(sum / 5.0);
  }
  const auto expected = agora::stats::t_interval(batch_means);
  CHECK(out["ci95"][0].get<double>() == doctest::Approx(expected->lo));
  CHECK(out["ci95"][1].get<double>() == doctest::Approx(expected->hi));
}

TEST_CASE("unequal batches when the horizon does not divide, and other levels") {
  // 7 steps into 3 batches: {1,2,3}, {4,5}, {6,7}.
  RunStatistics statistics({"x"}, 7, 1.0, 0.9, 3);
  for (std::int64_t t = 1; t <= 7; ++t) statistics.add(t, row({static_cast<double>(t)}));
  const Json out = statistics.to_json()["x"];
  const auto expected = agora::stats::t_interval(std::vector<double>{2.0, 4.5, 6.5}, 0.9);
  REQUIRE(out["ci90"].is_array());
  CHECK(out["ci90"][0].get<double>() == doctest::Approx(expected->lo));
  CHECK(out["tail_ci90"][1].get<double>() == doctest::Approx(expected->hi));
  CHECK_FALSE(out.contains("ci95"));
}

TEST_CASE("steps must be consecutive and within the horizon") {
  RunStatistics statistics({"x"}, 2, 0.5);
  CHECK_THROWS_AS(statistics.add(2, row({1.0})), agora::InvariantError);
  statistics.add(1, row({1.0}));
  CHECK_THROWS_AS(statistics.add(2, row({1.0, 2.0})), agora::InvariantError);
  statistics.add(2, row({1.0}));
  CHECK_THROWS_AS(statistics.add(3, row({1.0})), agora::InvariantError);
}
