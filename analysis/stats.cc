#include "analysis/stats.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace agora::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double mean(std::span<const double> values) {
  if (values.empty()) return kNaN;
  double sum = 0.0;
  for (double x : values) sum += x;
  return sum / static_cast<double>(values.size());
}

double sample_std(std::span<const double> values) {
  if (values.size() < 2) return kNaN;
  const double m = mean(values);
  double squares = 0.0;
  for (double x : values) squares += (x - m) * (x - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double t_quantile(double p, double degrees_of_freedom) {
  AGORA_CHECK(degrees_of_freedom > 0.0);
  AGORA_CHECK(p > 0.0 && p < 1.0);
  return boost::math::quantile(boost::math::students_t_distribution<double>(degrees_of_freedom), p);
}

std::optional<Interval> t_interval(double mean, double sd, std::int64_t n, double level) {
  AGORA_CHECK(level > 0.0 && level < 1.0);
  if (n < 2) return std::nullopt;
  const double t = t_quantile(0.5 + level / 2.0, static_cast<double>(n - 1));
  const double half_width = t * sd / std::sqrt(static_cast<double>(n));
  return Interval{mean - half_width, mean + half_width};
}

std::optional<Interval> t_interval(std::span<const double> values, double level) {
  return t_interval(mean(values), sample_std(values), static_cast<std::int64_t>(values.size()),
                    level);
}

std::string ci_key(double level) {
  AGORA_CHECK(level > 0.0 && level < 1.0);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "ci%.10g", std::round(level * 1e8) / 1e6);
  return buffer;
}

Json summarize(std::span<const double> values, double level, std::string_view unit) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double x : values) {
    if (!std::isnan(x)) finite.push_back(x);
  }
  const auto n = static_cast<std::int64_t>(finite.size());
  const std::string key = ci_key(level);
  Json out = {{"n", n}, {"mean", nullptr}, {"std", nullptr}, {key, nullptr}};
  if (n > 0) out["mean"] = mean(finite);
  if (n >= 2) {
    const double sd = sample_std(finite);
    out["std"] = sd;
    const Interval ci = *t_interval(out["mean"].get<double>(), sd, n, level);
    out[key] = {ci.lo, ci.hi};
  } else if (n == 1) {
    out["note"] = "one " + std::string(unit) + ": no interval";
  } else {
    out["note"] = "no " + std::string(unit) + "s: no statistics";
  }
  if (n < static_cast<std::int64_t>(values.size())) {
    out["missing"] = static_cast<std::int64_t>(values.size()) - n;
  }
  return out;
}

Json aggregate_runs(const std::vector<Json>& runs, double level,
                    const std::vector<std::string>& keys) {
  std::vector<std::string> metrics;
  for (const Json& run : runs) {
    AGORA_CHECK(run.is_object());
    for (const auto& [metric, _] : run.items()) {
      if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) {
        metrics.push_back(metric);
      }
    }
  }
  Json out = Json::object();
  std::vector<double> values(runs.size());
  for (const std::string& metric : metrics) {
    Json entry = Json::object();
    for (const std::string& key : keys) {
      for (std::size_t r = 0; r < runs.size(); ++r) {
        const auto it = runs[r].find(metric);
        const Json* value = nullptr;
        if (it != runs[r].end() && it->is_object()) {
          const auto inner = it->find(key);
          if (inner != it->end()) value = &*inner;
        }
        values[r] = value != nullptr && value->is_number() ? value->get<double>() : kNaN;
      }
      entry[key] = summarize(values, level, "seed");
    }
    out[metric] = std::move(entry);
  }
  return out;
}

}  // namespace agora::stats
