// Creator payments against hand-worked splits and their invariants.
#include "mechanisms/content/creator_payment.h"

#include <doctest/doctest.h>

#include <boost/random/uniform_01.hpp>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace agora {
namespace {

struct Stats {
  std::vector<double> exposure, engagement, satisfaction, quality;
  std::unique_ptr<bool[]> active_storage;
  std::size_t n = 0;
  Stats(std::vector<double> exp, std::vector<double> eng, std::vector<bool> active,
        std::vector<double> sat = {}, std::vector<double> qual = {})
      : exposure(std::move(exp)),
        engagement(std::move(eng)),
        satisfaction(std::move(sat)),
        quality(std::move(qual)),
        active_storage(new bool[active.size()]),
        n(active.size()) {
    if (satisfaction.empty()) satisfaction.assign(n, 0.0);
    if (quality.empty()) quality.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) active_storage[i] = active[i];
  }
  CreatorPeriodStats view() const {
    return {exposure, engagement, satisfaction, quality, {active_storage.get(), n}};
  }
};

std::vector<double> pay(const std::string& name, const Json& params, const Stats& stats,
                        double pool) {
  const auto rule = make_creator_payment(name, params, "payment");
  std::vector<double> out(stats.n, -1.0);
  rule->pay(stats.view(), pool, out);
  return out;
}

void check_close(const std::vector<double>& got, const std::vector<double>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  }
}

TEST_CASE("content_payment shares: hand-worked splits, inactive get 0") {
  // Engagement 2, 6, 0 among the active creators; the inactive one's 4 is ignored:
  // pool 12 -> 12 * 2/8, 12 * 6/8, 0, 0.
  const Stats stats({1, 1, 2, 5}, {2, 6, 0, 4}, {true, true, true, false});
  check_close(pay("engagement_share", Json::object(), stats, 12.0), {3, 9, 0, 0});
  // Exposure 1, 1, 2 -> 12 * 1/4, 12 * 1/4, 12 * 2/4, 0.
  check_close(pay("exposure_share", Json::object(), stats, 12.0), {3, 3, 6, 0});
  check_close(pay("none", Json::object(), stats, 12.0), {0, 0, 0, 0});
  // Nobody engaged: nothing is paid.
  const Stats idle({0, 0}, {0, 0}, {true, true});
  check_close(pay("engagement_share", Json::object(), idle, 5.0), {0, 0});
}

TEST_CASE("content_payment formula: weights, threshold, power and cap") {
  // weights engagement 1, quality 2; threshold 3; power 2:
  // creator 0: 4 + 2*1 - 3 = 3 -> 9; creator 1: 1 + 2*0.5 - 3 < 0 -> 0; creator 2: 2 + 4 - 3 = 3
  // -> 9; creator 3 inactive. Pool 10 -> 5, 0, 5, 0.
  const Stats stats({0, 0, 0, 0}, {4, 1, 2, 9}, {true, true, true, false}, {}, {1, 0.5, 2, 9});
  const Json params = {
      {"weights", {{"engagement", 1.0}, {"quality", 2.0}}}, {"threshold", 3.0}, {"power", 2.0}};
  check_close(pay("formula", params, stats, 10.0), {5, 0, 5, 0});
  Json capped = params;
  capped["cap"] = 0.4;
  check_close(pay("formula", capped, stats, 10.0), {4, 0, 4, 0});

  // Exposure 6, 3, 1 with cap 0.5 of pool 10: withheld -> 5, 3, 1 (1 stays with the
  // platform); redistributed -> 5 and the excess 1 split 3:1 -> 5, 3.75, 1.25.
  const Stats three({6, 3, 1}, {0, 0, 0}, {true, true, true});
  Json share = {{"weights", {{"exposure", 1.0}}}, {"cap", 0.5}};
  check_close(pay("formula", share, three, 10.0), {5, 3, 1});
  share["cap_excess"] = "redistribute";
  check_close(pay("formula", share, three, 10.0), {5, 3.75, 1.25});
  // Redistribution can push a second creator over the cap: 5, 4, 1 with cap 0.45 ->
  // 4.5, then 4 * (5.5 / 5) = 4.4 < 4.5 stays; 1.1.
  const Stats cascade({5, 4, 1}, {0, 0, 0}, {true, true, true});
  share["cap"] = 0.45;
  check_close(pay("formula", share, cascade, 10.0), {4.5, 4.4, 1.1});
  // ... and 6, 3.5, 0.5 with cap 0.36: 6 capped at 3.6, then 3.5 * 6.4 / 4 = 5.6 > 3.6
  // capped too, the rest 2.8 goes to the last creator.
  const Stats second({6, 3.5, 0.5}, {0, 0, 0}, {true, true, true});
  share["cap"] = 0.36;
  check_close(pay("formula", share, second, 10.0), {3.6, 3.6, 2.8});
  // Default weights {engagement: 1} reproduce engagement_share.
  const Stats s2({1, 1, 2, 5}, {2, 6, 0, 4}, {true, true, true, false});
  check_close(pay("formula", Json::object(), s2, 12.0),
              pay("engagement_share", Json::object(), s2, 12.0));
}

TEST_CASE("content_payment every rule pays inactive creators 0 and at most the pool") {
  Rng rng = make_rng(3, "payments");
  boost::random::uniform_01<double> u;
  const std::vector<std::pair<std::string, Json>> rules = {
      {"none", Json::object()},
      {"engagement_share", Json::object()},
      {"exposure_share", Json::object()},
      {"formula", {{"weights", {{"satisfaction", 1.0}, {"exposure", -0.5}}}, {"power", 0.5}}},
      {"formula",
       {{"weights", {{"engagement", 1.0}}}, {"cap", 0.3}, {"cap_excess", "redistribute"}}},
      {"formula", {{"weights", {{"quality", 1.0}}}, {"threshold", -1.0}, {"cap", 0.2}}}};
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(u(rng) * 8);
    std::vector<double> exp(n), eng(n), sat(n), qual(n);
    std::vector<bool> active(n);
    for (std::size_t i = 0; i < n; ++i) {
      active[i] = u(rng) < 0.7;
      exp[i] = active[i] ? u(rng) * 10 : 0.0;
      eng[i] = active[i] ? u(rng) * 3 : 0.0;
      sat[i] = active[i] ? u(rng) * 4 - 2 : 0.0;
      qual[i] = active[i] ? u(rng) : 0.0;
    }
    const Stats stats(exp, eng, active, sat, qual);
    const double pool = u(rng) * 100;
    for (const auto& [name, params] : rules) {
      const auto out = pay(name, params, stats, pool);
      double total = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        CHECK(out[i] >= 0.0);
        if (!active[i]) CHECK(out[i] == 0.0);
        total += out[i];
      }
      CHECK(total <= pool * (1.0 + 1e-12));
    }
  }
}

TEST_CASE("content_payment config errors name the path") {
  const auto throws_at = [](const std::string& name, const Json& params, const std::string& path,
                            const std::string& hint = "") {
    try {
      make_creator_payment(name, params, "env.params.payment");
      FAIL("no ConfigError for " << name << " " << params.dump());
    } catch (const ConfigError& e) {
      CHECK(e.path() == path);
      if (!hint.empty()) CHECK(std::string(e.what()).find(hint) != std::string::npos);
    }
  };
  const std::string base = "env.params.payment.params";
  throws_at("formula", {{"weights", {{"engagment", 1.0}}}}, base + ".weights.engagment",
            "engagement");
  throws_at("formula", {{"weights", Json::object()}}, base + ".weights");
  throws_at("formula", {{"weights", {1, 2}}}, base + ".weights");
  throws_at("formula", {{"weights", {{"quality", "high"}}}}, base + ".weights.quality");
  throws_at("formula", {{"power", 0.0}}, base + ".power");
  throws_at("formula", {{"cap", 1.5}}, base + ".cap");
  throws_at("formula", {{"cap", 0.0}}, base + ".cap");
  throws_at("formula", {{"cap_excess", "keep"}}, base + ".cap_excess");
  throws_at("formula", {{"treshold", 1.0}}, base + ".treshold", "threshold");
  throws_at("engagement_share", {{"pool", 1.0}}, base + ".pool");
  throws_at("engagment_share", Json::object(), "env.params.payment.name", "engagement_share");
}

}  // namespace
}  // namespace agora
