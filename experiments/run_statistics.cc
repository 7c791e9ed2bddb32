#include "experiments/run_statistics.h"

#include <algorithm>
#include <cmath>

#include "analysis/stats.h"
#include "core/error.h"

namespace agora {
namespace {

std::int64_t tail_first_step(std::int64_t horizon, double tail_fraction) {
  const auto tail_steps =
      static_cast<std::int64_t>(std::ceil(tail_fraction * static_cast<double>(horizon) - 1e-9));
  return horizon - std::clamp<std::int64_t>(tail_steps, 1, horizon) + 1;
}

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

}  // namespace

RunStatistics::Range::Range(std::int64_t first, std::int64_t last, int max_batches,
                            std::size_t metrics)
    : first_step(first),
      last_step(last),
      batches(static_cast<int>(std::min<std::int64_t>(max_batches, last - first + 1))),
      mean(Eigen::ArrayXd::Zero(metrics)),
      m2(Eigen::ArrayXd::Zero(metrics)),
      count(Eigen::Array<std::int64_t, Eigen::Dynamic, 1>::Zero(metrics)),
      batch_sum(Eigen::ArrayXXd::Zero(metrics, batches)),
      batch_count(
          Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(metrics, batches)),
      batch_steps(Eigen::Array<std::int64_t, Eigen::Dynamic, 1>::Zero(batches)) {}

void RunStatistics::Range::add(std::int64_t step, const Eigen::ArrayXd& values) {
  if (step < first_step || step > last_step) return;
  const std::int64_t length = last_step - first_step + 1;
  const auto batch = static_cast<int>((step - first_step) * batches / length);
  ++batch_steps(batch);
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    const double x = values(i);
    if (std::isnan(x)) continue;
    ++count(i);
    const double delta = x - mean(i);
    mean(i) += delta / static_cast<double>(count(i));
    m2(i) += delta * (x - mean(i));
    batch_sum(i, batch) += x;
    ++batch_count(i, batch);
  }
}

std::int64_t RunStatistics::Range::expected_batch_size(int batch) const {
  const std::int64_t length = last_step - first_step + 1;
  const auto start = [&](std::int64_t b) { return (b * length + batches - 1) / batches; };
  return start(batch + 1) - start(batch);
}

void RunStatistics::Range::write_json(std::size_t metric, double level, const std::string& prefix,
                                      Json& out) const {
  const auto i = static_cast<Eigen::Index>(metric);
  const std::int64_t n = count(i);
  out[prefix + "mean"] = n > 0 ? number_or_null(mean(i)) : Json(nullptr);
  out[prefix + "std"] =
      n > 1 ? number_or_null(std::sqrt(m2(i) / static_cast<double>(n - 1))) : Json(nullptr);
  std::vector<double> batch_means;
  for (int b = 0; b < batches; ++b) {
    if (batch_steps(b) == expected_batch_size(b) && batch_count(i, b) > 0) {
      batch_means.push_back(batch_sum(i, b) / static_cast<double>(batch_count(i, b)));
    }
  }
  const auto interval = stats::t_interval(batch_means, level);
  out[prefix + stats::ci_key(level)] =
      interval && std::isfinite(interval->lo) && std::isfinite(interval->hi)
          ? Json::array({interval->lo, interval->hi})
          : Json(nullptr);
  out[prefix + "steps"] = n;
}

RunStatistics::RunStatistics(std::vector<std::string> metric_names, std::int64_t horizon,
                             double tail_fraction, double level, int batches)
    : metric_names_(std::move(metric_names)),
      level_(level),
      whole_(1, std::max<std::int64_t>(horizon, 1), batches, metric_names_.size()),
      tail_(tail_first_step(std::max<std::int64_t>(horizon, 1), tail_fraction),
            std::max<std::int64_t>(horizon, 1), batches, metric_names_.size()) {
  AGORA_CHECK_GE(horizon, 1);
  AGORA_CHECK(tail_fraction > 0.0 && tail_fraction <= 1.0);
  AGORA_CHECK(level > 0.0 && level < 1.0);
  AGORA_CHECK_GE(batches, 2);
}

void RunStatistics::add(std::int64_t step, const Eigen::ArrayXd& metrics) {
  AGORA_CHECK_EQ(step, last_step_ + 1);
  AGORA_CHECK_LE(step, whole_.last_step);
  AGORA_CHECK_EQ(metrics.size(), static_cast<Eigen::Index>(metric_names_.size()));
  last_step_ = step;
  whole_.add(step, metrics);
  tail_.add(step, metrics);
}

Json RunStatistics::to_json() const {
  Json out = Json::object();
  for (std::size_t m = 0; m < metric_names_.size(); ++m) {
    Json entry = Json::object();
    whole_.write_json(m, level_, "", entry);
    tail_.write_json(m, level_, "tail_", entry);
    out[metric_names_[m]] = std::move(entry);
  }
  return out;
}

}  // namespace agora
