#include "envs/content_ecosystem/ecosystem_health.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

double gini_coefficient(std::span<const double> x, std::vector<double>& scratch) {
  scratch.assign(x.begin(), x.end());
  std::sort(scratch.begin(), scratch.end());
  const auto n = static_cast<double>(scratch.size());
  double total = 0.0, weighted = 0.0;
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    AGORA_CHECK_GE(scratch[i], 0.0);
    total += scratch[i];
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * scratch[i];
  }
  return total > 0.0 ? weighted / (n * total) : 0.0;
}

double normalized_entropy(std::span<const double> x) {
  if (x.size() <= 1) return 0.0;
  double total = 0.0;
  for (double v : x) total += v;
  if (!(total > 0.0)) return 0.0;
  double h = 0.0;
  for (double v : x) {
    if (v > 0.0) h -= (v / total) * std::log(v / total);
  }
  return h / std::log(static_cast<double>(x.size()));
}

ContentGap content_gap(std::span<const double> demand, std::span<const double> supply) {
  AGORA_CHECK_EQ(demand.size(), supply.size());
  double total_demand = 0.0, total_supply = 0.0;
  for (double v : demand) total_demand += v;
  for (double v : supply) total_supply += v;
  ContentGap out;
  if (!(total_demand > 0.0)) return out;
  for (std::size_t r = 0; r < demand.size(); ++r) {
    const double share_supply = total_supply > 0.0 ? supply[r] / total_supply : 0.0;
    const double g = demand[r] / total_demand - share_supply;
    if (r == 0 || g > out.gap) {
      out.gap = g;
      out.region = static_cast<int>(r);
    }
  }
  return out;
}

}  // namespace agora
