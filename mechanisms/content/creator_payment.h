// Creator payment rules: how a platform splits one period's bonus pool among content creators
// (creator incentive programs; cf. Yao et al., "Rethinking Incentives in Recommender Systems:
// Are Monotone Rewards Always Beneficial?", 2023, and Hron et al. 2023 for exposure as the
// creators' reward).
//
// Model. Each period the platform has a pool P >= 0 and per-creator statistics (exposure,
// engagement, satisfaction, quality, active). Every rule pays inactive creators 0 and pays
// out at most P in total. Registered rules (parameters in each .cc's registration):
//   "none"              nobody is paid.
//   "engagement_share"  P * e_i / sum_j e_j (nothing paid when total engagement is 0).
//   "exposure_share"    the same with exposure.
//   "formula"           the researcher's rule: score_i = max(0, sum_k w_k stat_k,i -
//                       threshold)^power, share_i = P * score_i / sum_j score_j, each share
//                       capped at cap * P (the excess stays with the platform); weights are an
//                       object keyed by stat name (formula_payment.h).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/params.h"
#include "core/registry.h"

namespace agora {

// One period's per-creator statistics (size = creator pool; inactive creators have zeros and
// active[i] == false and must get 0).
struct CreatorPeriodStats {
  std::span<const double> exposure;      // slate impressions
  std::span<const double> engagement;    // consumptions (clicks/watches)
  std::span<const double> satisfaction;  // sum of users' realized utility from the content
  std::span<const double> quality;       // the creator's content quality
  std::span<const bool> active;
};

class CreatorPayment {
 public:
  virtual ~CreatorPayment() = default;
  // Splits `pool` (>= 0, the period's bonus pool) among creators; out.size() == pool size;
  // sum(out) <= pool.
  virtual void pay(const CreatorPeriodStats& stats, double pool, std::span<double> out) const = 0;
};

using CreatorPaymentFactory = std::shared_ptr<const CreatorPayment> (*)(const Json& params,
                                                                        const std::string& path);
using CreatorPaymentRegistry = Registry<CreatorPaymentFactory>;

std::shared_ptr<const CreatorPayment> make_creator_payment(const std::string& name,
                                                           const Json& params,
                                                           const std::string& path);

}  // namespace agora
