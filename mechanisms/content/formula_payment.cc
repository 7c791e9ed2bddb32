#include "mechanisms/content/formula_payment.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "mechanisms/content/share_payment.h"

namespace agora {

namespace {

std::vector<std::string> stat_names() {
  return {FormulaPayment::kStatNames.begin(), FormulaPayment::kStatNames.end()};
}

Json validate_weights(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw ConfigError(path, "must be an object {stat: weight}, got " + json_type_name(value));
  }
  if (value.empty()) {
    throw ConfigError(path, "needs at least one weight (stats: " + join_names(stat_names()) + ")");
  }
  reject_unknown_keys(value, stat_names(), path);
  for (const auto& [name, weight] : value.items()) {
    if (!weight.is_number() || !std::isfinite(weight.get<double>())) {
      throw ConfigError(join_path(path, name), "must be a finite number, got " + weight.dump());
    }
  }
  return value;
}

}  // namespace

FormulaPayment::FormulaPayment(const Settings& settings) : settings_(settings) {
  AGORA_CHECK(settings.power > 0.0);
  AGORA_CHECK(!settings.cap || (*settings.cap > 0.0 && *settings.cap <= 1.0));
}

FormulaPayment::Settings FormulaPayment::read(const Json& params, const std::string& path) {
  Settings settings;
  const Json weights = validate_weights(params.at("weights"), join_path(path, "weights"));
  for (std::size_t k = 0; k < kStatNames.size(); ++k) {
    if (weights.contains(kStatNames[k]))
      settings.weights[k] = weights.at(kStatNames[k]).get<double>();
  }
  settings.threshold = params.at("threshold").get<double>();
  settings.power = params.at("power").get<double>();
  if (!(settings.power > 0.0)) {
    throw ConfigError(join_path(path, "power"),
                      "must be > 0, got " + format_number(settings.power));
  }
  if (!params.at("cap").is_null()) {
    const double cap = params.at("cap").get<double>();
    if (!(cap > 0.0 && cap <= 1.0)) {
      throw ConfigError(join_path(path, "cap"),
                        "must be in (0, 1] (a fraction of the pool), got " + format_number(cap));
    }
    settings.cap = cap;
  }
  settings.redistribute = params.at("cap_excess").get<std::string>() == "redistribute";
  return settings;
}

double FormulaPayment::score(const CreatorPeriodStats& stats, std::size_t i) const {
  const std::array<std::span<const double>, 4> columns = {stats.exposure, stats.engagement,
                                                          stats.satisfaction, stats.quality};
  double linear = -settings_.threshold;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (settings_.weights[k] == 0.0) continue;
    AGORA_CHECK(i < columns[k].size());
    AGORA_CHECK(std::isfinite(columns[k][i]));
    linear += settings_.weights[k] * columns[k][i];
  }
  if (linear <= 0.0) return 0.0;
  return settings_.power == 1.0 ? linear : std::pow(linear, settings_.power);
}

void FormulaPayment::pay(const CreatorPeriodStats& stats, double pool,
                         std::span<double> out) const {
  check_payment_inputs(stats, pool, out);
  double total = 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = stats.active[i] ? score(stats, i) : 0.0;
    total += out[i];
  }
  if (!(total > 0.0) || !std::isfinite(total)) {
    AGORA_CHECK(std::isfinite(total));
    std::fill(out.begin(), out.end(), 0.0);
    return;
  }
  if (!settings_.cap) {
    for (double& x : out) x = pool * (x / total);
    return;
  }
  const double cap = *settings_.cap * pool;
  if (!settings_.redistribute) {
    for (double& x : out) x = std::min(cap, pool * (x / total));
    return;
  }
  // Water-filling: out holds scores for uncapped creators (capped ones are marked by -cap).
  double remaining = pool;
  double uncapped_total = total;
  bool changed = true;
  while (changed && uncapped_total > 0.0) {
    changed = false;
    for (double& x : out) {
      if (x > 0.0 && remaining * (x / uncapped_total) > cap) {
        uncapped_total -= x;
        remaining -= cap;
        x = -cap;
        changed = true;
      }
    }
  }
  for (double& x : out) {
    if (x < 0.0) {
      x = cap;
    } else if (x > 0.0) {
      x = remaining * (x / uncapped_total);
    }
  }
}

namespace {

std::shared_ptr<const CreatorPayment> make(const Json& params, const std::string& path) {
  return std::make_shared<FormulaPayment>(FormulaPayment::read(params, path));
}

const bool registered = CreatorPaymentRegistry::instance().add(
    {"creator_payment",
     "formula",
     "The researcher's rule: shares ~ max(0, sum_k w_k stat_k - threshold)^power, optional cap.",
     "Active creator i scores max(0, sum_k w_k stat_k,i - threshold)^power over the stats "
     "exposure, engagement, satisfaction and quality; the pool is split in proportion to the "
     "scores, each share capped at cap * pool (excess withheld or redistributed by "
     "water-filling). Inactive creators get 0.",
     {param::custom("weights", Json{{"engagement", 1.0}}, "object {stat: number}",
                    "weights of the stats exposure, engagement, satisfaction, quality",
                    &validate_weights),
      param::real("threshold", 0.0, "subtracted from the weighted sum before max(0, .)"),
      param::real("power", 1.0, "exponent applied to the thresholded score (> 0)")
          .range(0.0, std::nullopt),
      param::real("cap", nullptr,
                  "largest share of the pool one creator gets, in (0, 1]; null: "
                  "no cap")
          .range(0.0, 1.0)
          .allow_null(),
      param::text("cap_excess", "withhold", {"withhold", "redistribute"},
                  "what happens to the pool above a capped creator's share")}},
    &make);

}  // namespace
}  // namespace agora
