// Per-run statistics of the per-step metrics, accumulated as the run goes in memory that does
// not grow with the horizon (O(#metrics · batches)). For each metric:
//
//   mean, std     mean and sample standard deviation over the steps (Welford), the spread of
//                 the per-step values, not an error of the mean.
//   ci95          confidence interval for the run's long-run mean by the method of batch
//                 means: the steps are cut into `batches` (default 20) consecutive batches of
//                 near-equal length, and a Student-t interval is taken over the batch means,
//                 which unlike single steps are nearly independent. Only complete batches
//                 count (an interrupted run uses those it finished); null with fewer than 2.
//   tail_mean,    the same over the tail, the steps t > (1 - tail_fraction) · horizon, where
//   tail_std,     the learners have (hopefully) converged; the tail is cut into its own
//   tail_ci95     batches.
//   steps,        the number of steps counted. A NaN value (a metric undefined in that step,
//   tail_steps    e.g. a price when nothing sold) is skipped and not counted.
//
// to_json() -> {metric: {"mean", "std", "ci95": [lo, hi] | null, "steps", "tail_mean",
// "tail_std", "tail_ci95", "tail_steps"}}; undefined values are null. The interval key follows
// the level (stats::ci_key: 0.95 -> "ci95"). Same steps in the same order => identical output.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/params.h"

namespace agora {

class RunStatistics {
 public:
  // `tail_fraction` in (0, 1]; `level` in (0, 1); `batches` >= 2.
  RunStatistics(std::vector<std::string> metric_names, std::int64_t horizon, double tail_fraction,
                double level = 0.95, int batches = 20);

  // The metrics of env step `step` (1-based, consecutive, at most the horizon).
  void add(std::int64_t step, const Eigen::ArrayXd& metrics);

  Json to_json() const;

  const std::vector<std::string>& metric_names() const { return metric_names_; }
  std::int64_t steps_added() const { return last_step_; }
  // The first step of the tail: floor((1 - tail_fraction) · horizon) + 1.
  std::int64_t first_tail_step() const { return tail_.first_step; }

 private:
  // Welford moments and batch sums over the steps [first_step, last_step].
  struct Range {
    Range(std::int64_t first, std::int64_t last, int max_batches, std::size_t metrics);
    void add(std::int64_t step, const Eigen::ArrayXd& values);
    void write_json(std::size_t metric, double level, const std::string& prefix, Json& out) const;
    std::int64_t expected_batch_size(int batch) const;

    std::int64_t first_step;
    std::int64_t last_step;
    int batches;
    Eigen::ArrayXd mean;
    Eigen::ArrayXd m2;
    Eigen::Array<std::int64_t, Eigen::Dynamic, 1> count;
    Eigen::ArrayXXd batch_sum;  // metrics x batches
    Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> batch_count;
    Eigen::Array<std::int64_t, Eigen::Dynamic, 1> batch_steps;  // steps seen, NaN or not
  };

  std::vector<std::string> metric_names_;
  double level_;
  std::int64_t last_step_ = 0;
  Range whole_;
  Range tail_;
};

}  // namespace agora
