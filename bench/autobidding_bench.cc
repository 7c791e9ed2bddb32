// Benchmark: the autobidding agents' act + learn per advertiser-step through the Policy API
// (agents/autobidding/), 10000 advertisers sharing one policy, synthetic observations. Each is
// compared with a plain reference loop in the same process doing the same arithmetic on plain
// arrays (spend target, dual / PID / Lagrangian update, multiplier written into the action
// matrix). The ratio shows the cost of the API (label lookups done once, per-agent masks,
// acted flags) on top of the algorithm; the absolute rate shows agents are never the
// bottleneck of an ad market step (which simulates thousands of auctions per advertiser).
//
// Usage: autobidding_bench [seconds per slice, default 0.2]
#include <algorithm>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "agents/policy.h"
#include "bench/measurement.h"
#include "core/rng.h"

namespace {

using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kAdvertisers = 10000;
enum Column {
  kBudget,
  kSpend,
  kRemaining,
  kDayLeft,
  kValue,
  kClicks,
  kConversions,
  kImpressions,
  kCpa,
  kRoas,
  kShare,
  kColumns
};

agora::RoleSpec advertiser_role() {
  agora::RoleSpec role;
  role.name = "advertiser";
  role.pool_size = kAdvertisers;
  role.observation_space = agora::Space::box(
      Eigen::ArrayXd::Zero(kColumns), Eigen::ArrayXd::Constant(kColumns, 1e15),
      {"budget", "spend", "budget_remaining", "day_fraction_left", "value_obtained", "clicks",
       "conversions", "impressions", "target_cpa", "target_roas", "expected_spend_share"});
  role.action_space =
      agora::Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, 5.0), {"multiplier"});
  return role;
}

}  // namespace

int main(int argc, char** argv) {
  const double slice = argc > 1 ? std::atof(argv[1]) : 0.2;
  const agora::RoleSpec role = advertiser_role();
  agora::Rng rng(3);
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  agora::RowBatch before = agora::RowBatch::Zero(kAdvertisers, kColumns);
  agora::RowBatch after = agora::RowBatch::Zero(kAdvertisers, kColumns);
  for (int i = 0; i < kAdvertisers; ++i) {
    before(i, kBudget) = after(i, kBudget) = 100.0;
    before(i, kRemaining) = 100.0 * unit(rng);
    before(i, kDayLeft) = 0.5;
    before(i, kShare) = after(i, kShare) = 0.125;
    before(i, kRoas) = after(i, kRoas) = 3.0;
    after(i, kSpend) = 25.0 * unit(rng);
    after(i, kValue) = 3.0 * after(i, kSpend) * (0.5 + unit(rng));
    after(i, kConversions) = after(i, kValue) / 2.0;
  }
  agora::RowBatch actions = agora::RowBatch::Zero(kAdvertisers, 1);
  agora::RoleState outcome;
  outcome.observations = after;
  outcome.rewards = Eigen::ArrayXd::Zero(kAdvertisers);
  outcome.active = agora::BoolArray::Constant(kAdvertisers, true);
  outcome.terminated = agora::BoolArray::Constant(kAdvertisers, false);
  outcome.truncated = agora::BoolArray::Constant(kAdvertisers, false);
  const agora::BoolArray active = agora::BoolArray::Constant(kAdvertisers, true);
  agora::PolicyContext ctx;
  ctx.role = &role;
  for (int i = 0; i < kAdvertisers; ++i) ctx.agents.push_back(i);
  ctx.horizon = 1000;
  ctx.path = "bench";

  double sink = 0.0;
  std::vector<Measurement> api;
  std::vector<std::unique_ptr<agora::Policy>> policies;
  for (const char* type : {"dual_pacing", "pid_pacing", "constrained_bidding"}) {
    policies.push_back(agora::make_policy(type, agora::Json::object(), ctx));
    agora::Policy* policy = policies.back().get();
    api.emplace_back(std::string(type) + " (Policy API)", kAdvertisers, [&, policy] {
      policy->act(before, active, actions);
      policy->learn(agora::Transition{before, actions, outcome, nullptr});
      sink += actions(7, 0);
    });
  }

  std::vector<double> mu(kAdvertisers, 0.0), integral(kAdvertisers, 0.0),
      last_error(kAdvertisers, 0.0), multiplier(kAdvertisers, 1.0), lambda(kAdvertisers, 1.0),
      mu_c(kAdvertisers, 0.0), total_value(kAdvertisers, 0.0), total_conv(kAdvertisers, 0.0);
  const auto target = [&](int i) {
    return before(i, kRemaining) * std::min(1.0, before(i, kShare) / before(i, kDayLeft));
  };
  std::vector<Measurement> reference;
  reference.emplace_back("dual_pacing reference loop", kAdvertisers, [&] {
    for (int i = 0; i < kAdvertisers; ++i) {
      actions(i, 0) = std::min(5.0, 1.0 / (1.0 + mu[i]));
      const double nominal = before(i, kBudget) * before(i, kShare);
      mu[i] = std::clamp(mu[i] + 0.1 * (after(i, kSpend) - target(i)) / nominal, 0.0, 100.0);
    }
    sink += actions(7, 0);
  });
  reference.emplace_back("pid_pacing reference loop", kAdvertisers, [&] {
    for (int i = 0; i < kAdvertisers; ++i) {
      actions(i, 0) = multiplier[i];
      const double nominal = before(i, kBudget) * before(i, kShare);
      const double e = (target(i) - after(i, kSpend)) / nominal;
      const double d = e - last_error[i];
      last_error[i] = e;
      const double raw = 0.1 * e + 0.2 * (integral[i] + e);
      if (!((raw > std::log(5.0) && e > 0) || (raw < std::log(0.01) && e < 0))) integral[i] += e;
      multiplier[i] = std::exp(
          std::clamp(0.1 * e + 0.2 * integral[i] + 0.0 * d, std::log(0.01), std::log(5.0)));
    }
    sink += actions(7, 0);
  });
  reference.emplace_back("constrained_bidding reference loop", kAdvertisers, [&] {
    for (int i = 0; i < kAdvertisers; ++i) {
      const double c = 1.0 / before(i, kRoas);
      const double den = lambda[i] + mu_c[i];
      actions(i, 0) = std::min(5.0, den > 0 ? (1.0 + lambda[i] * c) / den : 5.0);
      const double spend = after(i, kSpend), value = after(i, kValue);
      total_value[i] += value;
      total_conv[i] += after(i, kConversions);
      const double allowance = value * c;
      const double scale = std::max(allowance, spend);
      if (scale > 0)
        lambda[i] = std::clamp(lambda[i] - 0.2 * (allowance - spend) / scale, 0.0, 100.0);
      const double nominal = before(i, kBudget) * before(i, kShare);
      mu_c[i] = std::clamp(mu_c[i] + 0.1 * (spend - target(i)) / nominal, 0.0, 100.0);
    }
    sink += actions(7, 0);
  });

  for (int rep = 0; rep < agora::bench::kRepetitions; ++rep) {
    for (std::size_t k = 0; k < api.size(); ++k) {
      measure(api[k], slice);
      measure(reference[k], slice);
    }
  }
  std::printf(
      "autobidding_bench: %d advertisers, one act + learn per step (median of %d interleaved "
      "repetitions)\n",
      kAdvertisers, agora::bench::kRepetitions);
  for (std::size_t k = 0; k < api.size(); ++k) {
    std::printf("  %-38s %10.3e advertiser-steps/s\n", api[k].name.c_str(), median(api[k].rates));
    std::printf("  %-38s %10.3e advertiser-steps/s\n", reference[k].name.c_str(),
                median(reference[k].rates));
    std::printf("  ratio API / reference                  %10.3f\n",
                median_ratio(api[k], reference[k]));
  }
  std::printf("  (sink %.3g)\n", sink);
  return 0;
}
