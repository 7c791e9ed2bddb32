// The conformance harness itself: a correct env with entry and exit passes it, and each
// deliberately broken variant is caught.
#include "tests/envs/conformance.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "tests/envs/toy_churn_env.h"

namespace agora::testing {
namespace {

using Defect = ToyChurnEnv::Defect;

std::function<std::unique_ptr<Env>()> toy(Defect defect, std::int64_t horizon = 30) {
  return [defect, horizon] { return std::make_unique<ToyChurnEnv>(horizon, defect); };
}

bool mentions(const std::vector<std::string>& failures, const std::string& needle) {
  return std::any_of(failures.begin(), failures.end(),
                     [&](const std::string& f) { return f.find(needle) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& failures) {
  std::string out;
  for (const auto& f : failures) out += f + "\n";
  return out;
}

TEST_CASE("the toy churn env passes the conformance harness") {
  check_env_conformance(toy(Defect::kNone));
  check_env_conformance(toy(Defect::kNone, 1));
  check_env_conformance(toy(Defect::kNone, 200));
}

TEST_CASE("the toy churn env really churns: agents leave and fresh slots fill") {
  ToyChurnEnv env(60);
  Rng rng(3);
  StepResult last = env.reset(7);
  std::vector<RowBatch> actions = {RowBatch::Zero(ToyChurnEnv::kWalkers, 2), RowBatch::Zero(1, 1)};
  int exits = 0, entries = 0;
  BoolArray ever = last.roles[0].active;
  while (!last.episode_over) {
    const BoolArray before = last.roles[0].active;
    last = env.step(actions);
    exits += static_cast<int>(last.roles[0].terminated.count());
    for (int i = 0; i < ToyChurnEnv::kWalkers; ++i) {
      if (last.roles[0].active(i) && !before(i)) {
        CHECK_FALSE(ever(i));  // a fresh slot
        ++entries;
      }
    }
    ever = ever || last.roles[0].active;
  }
  CHECK(exits >= 3);
  CHECK(entries == ToyChurnEnv::kWalkers - 3);
}

TEST_CASE("the harness surfaces the base class's InvariantError when an env revives an agent") {
  const auto failures = conformance_failures(toy(Defect::kRevives));
  INFO(joined(failures));
  REQUIRE_FALSE(failures.empty());
  CHECK(mentions(failures, "InvariantError"));
  CHECK(mentions(failures, "revived walker"));
}

TEST_CASE("the harness catches each broken variant") {
  struct Case {
    Defect defect;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {Defect::kSilentExit, "became inactive without terminating"},
      {Defect::kNondeterministic, "same seed, same actions"},
      {Defect::kIgnoresSeed, "a different seed gave an identical trajectory"},
      {Defect::kObservationOutOfSpace, "is outside Box[position in [-5, 5]"},
      {Defect::kWrongCounterfactual, "differs from its realized reward"},
  };
  for (const Case& c : cases) {
    const auto failures = conformance_failures(toy(c.defect));
    INFO("defect ", static_cast<int>(c.defect), ":\n", joined(failures));
    CHECK(mentions(failures, c.expected));
  }
  // The seedless variant also fails to restart with reset(seed).
  CHECK(mentions(conformance_failures(toy(Defect::kIgnoresSeed)), "does not restart"));
}

TEST_CASE("the base class zeroes rewards of inactive agents, so that defect is invisible") {
  const auto failures = conformance_failures(toy(Defect::kInactiveReward));
  INFO(joined(failures));
  CHECK(failures.empty());
}

TEST_CASE("infinite actions are rejected even in a dimension with an infinite bound") {
  ToyChurnEnv env;
  env.reset(1);
  std::vector<RowBatch> actions = {RowBatch::Zero(ToyChurnEnv::kWalkers, 2), RowBatch::Zero(1, 1)};
  actions[0](0, 1) = std::numeric_limits<double>::infinity();  // effort in [0, inf)
  try {
    env.step(actions);
    FAIL("an infinite action was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "walker[0]");
    CHECK(std::string(e.what()).find("not finite") != std::string::npos);
  }
  actions[0](0, 1) = 1e300;  // large but finite: fine
  CHECK_NOTHROW(env.step(actions));
}

TEST_CASE("a horizon longer than the harness allows is reported") {
  ConformanceOptions options;
  options.max_horizon = 10;
  CHECK(mentions(conformance_failures(toy(Defect::kNone, 11), options), "exceeds the harness"));
}

}  // namespace
}  // namespace agora::testing
