// "formula": a creator payment rule the researcher writes in the config.
//
// Model: for active creator i with statistics stat_k,i (k in exposure, engagement,
// satisfaction, quality; see CreatorPeriodStats),
//     score_i = max(0, sum_k w_k stat_k,i - threshold)^power,
//     share_i = pool * score_i / sum_{j active} score_j     (nothing paid when the sum is 0),
// and, with a cap c, no creator gets more than c * pool: "withhold" keeps the excess with the
// platform, "redistribute" hands it to the uncapped creators in proportion to their scores
// (water-filling, repeated until nobody exceeds the cap; what remains when everybody with a
// positive score is capped is withheld). Inactive creators get 0; sum(out) <= pool.
// With weights {"engagement": 1} and the defaults this is "engagement_share".
//
// Parameters (registration in formula_payment.cc):
//   weights     object {stat: number}, default {"engagement": 1}; unknown stat names are
//               rejected with the closest match; at least one weight
//   threshold   number, default 0
//   power       number > 0, default 1
//   cap         number in (0, 1] or null, default null (no cap)
//   cap_excess  "withhold" | "redistribute", default "withhold"
#pragma once

#include <array>
#include <optional>

#include "mechanisms/content/creator_payment.h"

namespace agora {

class FormulaPayment final : public CreatorPayment {
 public:
  static constexpr std::array<const char*, 4> kStatNames = {"exposure", "engagement",
                                                            "satisfaction", "quality"};
  struct Settings {
    std::array<double, 4> weights{};  // in the order of kStatNames
    double threshold = 0.0;
    double power = 1.0;
    std::optional<double> cap;
    bool redistribute = false;
  };

  explicit FormulaPayment(const Settings& settings);
  // The settings of validated params; throws ConfigError naming `path`.
  static Settings read(const Json& params, const std::string& path);

  double score(const CreatorPeriodStats& stats, std::size_t i) const;
  void pay(const CreatorPeriodStats& stats, double pool, std::span<double> out) const override;

 private:
  const Settings settings_;
};

}  // namespace agora
