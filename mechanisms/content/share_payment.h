// Creator payments that split the pool in proportion to one statistic: "engagement_share"
// (consumptions), "exposure_share" (slate impressions), and "none" (pays nothing).
//
// Model: out_i = pool * x_i / sum_{j active} x_j for active creators, 0 for inactive ones;
// nothing is paid when the active creators' total is 0 (the pool stays with the platform).
// The statistic must be finite and >= 0 (an InvariantError otherwise: the env produces it).
// No parameters. Splitting a pool in proportion to engagement or exposure is a
// "merit-based monotone mechanism" in the sense of Yao et al., "Rethinking Incentives in
// Recommender Systems: Are Monotone Rewards Always Beneficial?" (arXiv:2306.07893, 2023),
// who show such rules can lose a constant fraction of welfare; see also Hu, Jagadeesan,
// Jordan & Steinhardt, "Incentivizing High-Quality Content in Online Recommender Systems"
// (2023) and docs/content_mechanisms.md.
#pragma once

#include "mechanisms/content/creator_payment.h"

namespace agora {

class NoPayment final : public CreatorPayment {
 public:
  void pay(const CreatorPeriodStats& stats, double pool, std::span<double> out) const override;
};

class ShareOfStatPayment final : public CreatorPayment {
 public:
  enum class Stat { kExposure, kEngagement };
  explicit ShareOfStatPayment(Stat stat) : stat_(stat) {}
  void pay(const CreatorPeriodStats& stats, double pool, std::span<double> out) const override;

 private:
  const Stat stat_;
};

// Checks the sizes of `stats` against out.size() and pool >= 0 (InvariantError).
void check_payment_inputs(const CreatorPeriodStats& stats, double pool, std::span<double> out);

}  // namespace agora
