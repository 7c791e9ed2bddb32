#include "mechanisms/content/share_payment.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace agora {

void check_payment_inputs(const CreatorPeriodStats& stats, double pool, std::span<double> out) {
  const std::size_t n = out.size();
  AGORA_CHECK_EQ(stats.active.size(), n);
  AGORA_CHECK_EQ(stats.exposure.size(), n);
  AGORA_CHECK_EQ(stats.engagement.size(), n);
  AGORA_CHECK(stats.satisfaction.empty() || stats.satisfaction.size() == n);
  AGORA_CHECK(stats.quality.empty() || stats.quality.size() == n);
  AGORA_CHECK(pool >= 0.0 && std::isfinite(pool));
}

void NoPayment::pay(const CreatorPeriodStats& stats, double pool, std::span<double> out) const {
  check_payment_inputs(stats, pool, out);
  std::fill(out.begin(), out.end(), 0.0);
}

void ShareOfStatPayment::pay(const CreatorPeriodStats& stats, double pool,
                             std::span<double> out) const {
  check_payment_inputs(stats, pool, out);
  const std::span<const double> x = stat_ == Stat::kExposure ? stats.exposure : stats.engagement;
  double total = 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!stats.active[i]) continue;
    AGORA_CHECK(x[i] >= 0.0 && std::isfinite(x[i]));
    total += x[i];
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = stats.active[i] && total > 0.0 ? pool * (x[i] / total) : 0.0;
  }
}

namespace {

std::shared_ptr<const CreatorPayment> make_none(const Json&, const std::string&) {
  return std::make_shared<NoPayment>();
}
std::shared_ptr<const CreatorPayment> make_engagement(const Json&, const std::string&) {
  return std::make_shared<ShareOfStatPayment>(ShareOfStatPayment::Stat::kEngagement);
}
std::shared_ptr<const CreatorPayment> make_exposure(const Json&, const std::string&) {
  return std::make_shared<ShareOfStatPayment>(ShareOfStatPayment::Stat::kExposure);
}

const bool registered_none = CreatorPaymentRegistry::instance().add(
    {"creator_payment", "none", "No creator payments.", "Every creator is paid 0.", {}},
    &make_none);
const bool registered_engagement = CreatorPaymentRegistry::instance().add(
    {"creator_payment",
     "engagement_share",
     "The bonus pool split in proportion to engagement (consumptions).",
     "Active creator i gets pool * engagement_i / sum_j engagement_j; inactive creators get 0; "
     "nothing is paid when total engagement is 0.",
     {}},
    &make_engagement);
const bool registered_exposure = CreatorPaymentRegistry::instance().add(
    {"creator_payment",
     "exposure_share",
     "The bonus pool split in proportion to exposure (slate impressions).",
     "Active creator i gets pool * exposure_i / sum_j exposure_j; inactive creators get 0; "
     "nothing is paid when total exposure is 0.",
     {}},
    &make_exposure);

}  // namespace
}  // namespace agora
