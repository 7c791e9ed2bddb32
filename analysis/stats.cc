#include "analysis/stats.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace agora::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> finite_values(std::span<const double> values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double x : values) {
    if (!std::isnan(x)) out.push_back(x);
  }
  return out;
}

// d_i = a_i - b_i over the pairs where neither is NaN.
std::vector<double> pair_differences(std::span<const double> a, std::span<const double> b) {
  AGORA_CHECK_EQ(a.size(), b.size());
  std::vector<double> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isnan(a[i]) && !std::isnan(b[i])) out.push_back(a[i] - b[i]);
  }
  return out;
}

bool is_constant(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [&](double x) { return x == values.front(); });
}

void check_level(double level) { AGORA_CHECK(level > 0.0 && level < 1.0); }

// Interval and p-value of a t statistic with the given estimate, standard error and df. A zero
// standard error gives [d, d] and p = 0 if d != 0 else 1.
void fill_t_test(Difference& out, double se, double df, double level) {
  if (se == 0.0) {
    out.ci = Interval{out.estimate, out.estimate};
    out.p_value = out.estimate != 0.0 ? 0.0 : 1.0;
    return;
  }
  const double half_width = t_quantile(0.5 + level / 2.0, df) * se;
  out.ci = Interval{out.estimate - half_width, out.estimate + half_width};
  out.p_value = t_two_sided_p(out.estimate / se, df);
}

// Type 7 sample quantile (Hyndman & Fan 1996) of already sorted values.
double sorted_quantile(const std::vector<double>& sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

// Mean of one resample with replacement of `values`, drawn from `engine`.
double resampled_mean(const std::vector<double>& values, boost::random::mt19937_64& engine) {
  boost::random::uniform_int_distribution<std::uint64_t> index(0, values.size() - 1);
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) sum += values[index(engine)];
  return sum / static_cast<double>(values.size());
}

// Sorts the bootstrap replicates and fills the percentile interval and two-sided p-value.
void fill_bootstrap(Difference& out, std::vector<double>& replicates, double level) {
  std::sort(replicates.begin(), replicates.end());
  out.ci = Interval{sorted_quantile(replicates, 0.5 - level / 2.0),
                    sorted_quantile(replicates, 0.5 + level / 2.0)};
  std::int64_t at_or_below = 0;
  std::int64_t at_or_above = 0;
  for (double x : replicates) {
    if (x <= 0.0) ++at_or_below;
    if (x >= 0.0) ++at_or_above;
  }
  const double b = static_cast<double>(replicates.size());
  out.p_value = std::min(1.0, 2.0 * static_cast<double>(std::min(at_or_below, at_or_above)) / b);
}

void check_bootstrap(double level, int resamples) {
  check_level(level);
  AGORA_CHECK_GE(resamples, 1);
}

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
  const std::vector<double> finite = finite_values(values);
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

double quantile(std::span<const double> values, double p) {
  AGORA_CHECK(p >= 0.0 && p <= 1.0);
  std::vector<double> sorted = finite_values(values);
  if (sorted.empty()) return kNaN;
  std::sort(sorted.begin(), sorted.end());
  return sorted_quantile(sorted, p);
}

double t_two_sided_p(double t_statistic, double degrees_of_freedom) {
  AGORA_CHECK(degrees_of_freedom > 0.0);
  if (std::isnan(t_statistic)) return kNaN;
  if (std::isinf(t_statistic)) return 0.0;
  const boost::math::students_t_distribution<double> distribution(degrees_of_freedom);
  return std::min(
      1.0, 2.0 * boost::math::cdf(boost::math::complement(distribution, std::fabs(t_statistic))));
}

Difference paired_difference(std::span<const double> a, std::span<const double> b, double level) {
  check_level(level);
  const std::vector<double> d = pair_differences(a, b);
  Difference out;
  out.method = "paired t";
  out.n = static_cast<std::int64_t>(d.size());
  out.estimate = mean(d);
  if (d.size() < 2) return out;
  out.degrees_of_freedom = static_cast<double>(d.size() - 1);
  const bool constant = is_constant(d);
  if (constant) out.estimate = d.front();  // exact, free of summation rounding
  const double se = constant ? 0.0 : sample_std(d) / std::sqrt(static_cast<double>(d.size()));
  fill_t_test(out, se, out.degrees_of_freedom, level);
  return out;
}

Difference welch_difference(std::span<const double> a, std::span<const double> b, double level) {
  check_level(level);
  const std::vector<double> xa = finite_values(a);
  const std::vector<double> xb = finite_values(b);
  Difference out;
  out.method = "Welch t";
  out.n = static_cast<std::int64_t>(xa.size() + xb.size());
  if (!xa.empty() && !xb.empty()) out.estimate = mean(xa) - mean(xb);
  if (xa.size() < 2 || xb.size() < 2) return out;
  const double na = static_cast<double>(xa.size());
  const double nb = static_cast<double>(xb.size());
  const double sa = is_constant(xa) ? 0.0 : sample_std(xa);  // exact 0, free of rounding
  const double sb = is_constant(xb) ? 0.0 : sample_std(xb);
  const double va = sa * sa / na;  // squared standard error of each mean
  const double vb = sb * sb / nb;
  const double se2 = va + vb;
  if (se2 == 0.0) {  // both groups constant: df is 0/0
    fill_t_test(out, 0.0, kNaN, level);
    return out;
  }
  out.degrees_of_freedom = se2 * se2 / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
  fill_t_test(out, std::sqrt(se2), out.degrees_of_freedom, level);
  return out;
}

std::optional<Interval> bootstrap_interval(std::span<const double> values, double level,
                                           int resamples, std::uint64_t seed) {
  check_bootstrap(level, resamples);
  const std::vector<double> x = finite_values(values);
  if (x.size() < 2) return std::nullopt;
  boost::random::mt19937_64 engine(seed);
  std::vector<double> replicates(static_cast<std::size_t>(resamples));
  for (double& r : replicates) r = resampled_mean(x, engine);
  std::sort(replicates.begin(), replicates.end());
  return Interval{sorted_quantile(replicates, 0.5 - level / 2.0),
                  sorted_quantile(replicates, 0.5 + level / 2.0)};
}

Difference bootstrap_paired_difference(std::span<const double> a, std::span<const double> b,
                                       double level, int resamples, std::uint64_t seed) {
  check_bootstrap(level, resamples);
  const std::vector<double> d = pair_differences(a, b);
  Difference out;
  out.method = "paired bootstrap";
  out.n = static_cast<std::int64_t>(d.size());
  out.estimate = mean(d);
  if (d.size() < 2) return out;
  boost::random::mt19937_64 engine(seed);
  std::vector<double> replicates(static_cast<std::size_t>(resamples));
  for (double& r : replicates) r = resampled_mean(d, engine);
  fill_bootstrap(out, replicates, level);
  return out;
}

Difference bootstrap_difference(std::span<const double> a, std::span<const double> b, double level,
                                int resamples, std::uint64_t seed) {
  check_bootstrap(level, resamples);
  const std::vector<double> xa = finite_values(a);
  const std::vector<double> xb = finite_values(b);
  Difference out;
  out.method = "bootstrap";
  out.n = static_cast<std::int64_t>(xa.size() + xb.size());
  if (!xa.empty() && !xb.empty()) out.estimate = mean(xa) - mean(xb);
  if (xa.size() < 2 || xb.size() < 2) return out;
  boost::random::mt19937_64 engine(seed);
  std::vector<double> replicates(static_cast<std::size_t>(resamples));
  for (double& r : replicates) {
    const double mean_a = resampled_mean(xa, engine);  // a's draws first, then b's
    r = mean_a - resampled_mean(xb, engine);
  }
  fill_bootstrap(out, replicates, level);
  return out;
}

std::string significance_marker(double p_value) {
  if (std::isnan(p_value)) return "";
  if (p_value < 0.001) return "***";
  if (p_value < 0.01) return "**";
  if (p_value < 0.05) return "*";
  return "";
}

}  // namespace agora::stats
