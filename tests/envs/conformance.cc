#include "tests/envs/conformance.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "core/error.h"

namespace agora::testing {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxFailures = 40;

using Trajectory = std::vector<StepResult>;  // [0] = the reset result, then one per step

template <typename A>
bool bitwise_equal(const A& a, const A& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  using Scalar = typename A::Scalar;
  return a.size() == 0 ||
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(Scalar)) == 0;
}

// Empty when equal, else the first field that differs.
std::string first_difference(const StepResult& a, const StepResult& b,
                             const std::vector<RoleSpec>& roles) {
  if (a.roles.size() != b.roles.size()) return "number of roles";
  for (std::size_t r = 0; r < a.roles.size(); ++r) {
    const std::string role = r < roles.size() ? roles[r].name : std::to_string(r);
    const RoleState& x = a.roles[r];
    const RoleState& y = b.roles[r];
    if (!bitwise_equal(x.observations, y.observations)) return role + " observations";
    if (!bitwise_equal(x.rewards, y.rewards)) return role + " rewards";
    if (!bitwise_equal(x.active, y.active)) return role + " active";
    if (!bitwise_equal(x.terminated, y.terminated)) return role + " terminated";
    if (!bitwise_equal(x.truncated, y.truncated)) return role + " truncated";
  }
  if (!bitwise_equal(a.metrics, b.metrics)) return "metrics";
  if (a.episode_over != b.episode_over) return "episode_over";
  return "";
}

std::string first_difference(const Trajectory& a, const Trajectory& b,
                             const std::vector<RoleSpec>& roles) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t t = 0; t < n; ++t) {
    const std::string diff = first_difference(a[t], b[t], roles);
    if (!diff.empty()) {
      return (t == 0 ? std::string("reset result") : "step " + std::to_string(t)) + ": " + diff;
    }
  }
  if (a.size() != b.size()) {
    return "episode lengths " + std::to_string(a.size() - 1) + " vs " +
           std::to_string(b.size() - 1) + " steps";
  }
  return "";
}

std::string describe_exception(const std::exception& e) {
  if (dynamic_cast<const InvariantError*>(&e)) return std::string("InvariantError: ") + e.what();
  if (dynamic_cast<const ConfigError*>(&e)) return std::string("ConfigError: ") + e.what();
  return std::string("exception: ") + e.what();
}

// Bad values for one dimension of a space, each with a label.
std::vector<std::pair<double, std::string>> invalid_values(const Space& space, int d) {
  std::vector<std::pair<double, std::string>> out = {
      {kNaN, "NaN"}, {kInf, "+inf"}, {-kInf, "-inf"}};
  const double lo = space.low()(d);
  const double hi = space.high()(d);
  if (std::isfinite(lo)) {
    out.emplace_back(std::nextafter(lo, -kInf), "one ulp below the lower bound");
    out.emplace_back(lo - 1.0 - std::fabs(lo), "below the lower bound");
  }
  if (std::isfinite(hi)) {
    out.emplace_back(std::nextafter(hi, kInf), "one ulp above the upper bound");
    out.emplace_back(hi + 1.0 + std::fabs(hi), "above the upper bound");
  }
  if (space.kind() == Space::Kind::kDiscrete && space.n() >= 2) {
    out.emplace_back(0.5, "a non-integral value");
  }
  return out;
}

struct PlayMode {
  bool nan_for_inactive = true;  // else: samples (must be ignored all the same)
  bool ask_counterfactuals = false;
  bool probe_invalid_actions = false;
};

class Harness {
 public:
  Harness(const std::function<std::unique_ptr<Env>()>& make_env, const ConformanceOptions& options)
      : make_env_(make_env), options_(options) {}

  std::vector<std::string> run();

 private:
  void run_checks();
  void fail(const std::string& message) {
    if (failures_.size() >= kMaxFailures) return;
    if (seen_.insert(message).second) failures_.push_back(message);
  }

  std::unique_ptr<Env> fresh_env();
  std::vector<RowBatch> sample_actions(const Env& env, const StepResult& last, Rng& rng,
                                       bool nan_for_inactive) const;
  // Plays one episode from reset(seed) (or reset() when seed is empty), with a fresh action
  // stream, checking the contract on the way. Returns the trajectory (possibly cut short
  // when the env throws).
  Trajectory play(Env& env, std::optional<std::uint64_t> seed, const PlayMode& mode,
                  const std::string& label);
  void check_reset(const Env& env, const StepResult& result, const std::string& label);
  void check_step(const Env& env, const StepResult& before, const StepResult& now, std::int64_t t,
                  std::vector<BoolArray>& left, const std::string& label);
  void check_counterfactuals(const Env& env, const StepResult& before, const StepResult& now,
                             const std::vector<RowBatch>& actions, Rng& rng, std::int64_t t,
                             const std::string& label);
  void probe_invalid_actions(Env& env, const std::vector<RowBatch>& valid, std::int64_t t,
                             const std::string& label);
  void expect_same(const Trajectory& a, const Trajectory& b, const std::string& what);

  const std::function<std::unique_ptr<Env>()>& make_env_;
  const ConformanceOptions& options_;
  std::vector<std::string> failures_;
  std::set<std::string> seen_;
  std::vector<std::string> role_descriptions_;
  std::vector<RoleSpec> roles_;
};

std::unique_ptr<Env> Harness::fresh_env() {
  std::unique_ptr<Env> env = make_env_();
  if (!env) throw std::runtime_error("make_env returned null");
  std::vector<std::string> described;
  for (const RoleSpec& role : env->roles()) {
    described.push_back(role.name + " x" + std::to_string(role.pool_size) + " obs " +
                        role.observation_space.describe() + " act " + role.action_space.describe());
  }
  if (role_descriptions_.empty()) {
    role_descriptions_ = described;
    roles_ = env->roles();
  } else if (described != role_descriptions_) {
    fail("make_env built envs with different roles or spaces");
  }
  return env;
}

std::vector<RowBatch> Harness::sample_actions(const Env& env, const StepResult& last, Rng& rng,
                                              bool nan_for_inactive) const {
  std::vector<RowBatch> actions;
  for (std::size_t r = 0; r < env.roles().size(); ++r) {
    const RoleSpec& role = env.roles()[r];
    RowBatch a(role.pool_size, role.action_space.dim());
    for (int i = 0; i < role.pool_size; ++i) {
      // Every agent draws, active or not, so the stream never depends on who is active.
      a.row(i) = role.action_space.sample(rng).transpose();
      if (nan_for_inactive && !last.roles[r].active(i)) a.row(i).setConstant(kNaN);
    }
    actions.push_back(std::move(a));
  }
  return actions;
}

void Harness::check_reset(const Env& env, const StepResult& result, const std::string& label) {
  const auto& roles = env.roles();
  if (result.roles.size() != roles.size()) {
    fail(label + ": reset result has " + std::to_string(result.roles.size()) + " roles, spec " +
         std::to_string(roles.size()));
    return;
  }
  if (env.steps_taken() != 0) fail(label + ": steps_taken() is not 0 after reset");
  if (result.episode_over) fail(label + ": episode_over right after reset");
  if (result.metrics.size() != static_cast<Eigen::Index>(env.metric_names().size())) {
    fail(label + ": metric row size differs from metric_names() after reset");
  }
  bool anyone = false;
  for (std::size_t r = 0; r < roles.size(); ++r) {
    const RoleState& s = result.roles[r];
    const RoleSpec& role = roles[r];
    if (s.terminated.any() || s.truncated.any()) {
      fail(label + ": " + role.name + " terminated or truncated right after reset");
    }
    for (int i = 0; i < role.pool_size; ++i) {
      if (!s.active(i)) continue;
      anyone = true;
      if (!role.observation_space.contains(s.observations.row(i)) ||
          !s.observations.row(i).isFinite().all()) {
        std::ostringstream m;
        m << label << ": reset observation of " << role.name << " " << i << " ["
          << s.observations.row(i) << "] is outside " << role.observation_space.describe();
        fail(m.str());
      }
    }
  }
  if (!anyone) fail(label + ": nobody is active after reset");
}

void Harness::check_step(const Env& env, const StepResult& before, const StepResult& now,
                         std::int64_t t, std::vector<BoolArray>& left, const std::string& label) {
  const auto& roles = env.roles();
  const std::string at = label + " step " + std::to_string(t) + ": ";
  if (env.steps_taken() != t) fail(at + "steps_taken() is " + std::to_string(env.steps_taken()));
  if (now.metrics.size() != static_cast<Eigen::Index>(env.metric_names().size())) {
    fail(at + "metric row has " + std::to_string(now.metrics.size()) + " entries for " +
         std::to_string(env.metric_names().size()) + " metric names");
  } else {
    for (Eigen::Index m = 0; m < now.metrics.size(); ++m) {
      if (!std::isfinite(now.metrics(m))) {
        fail(at + "metric '" + env.metric_names()[m] + "' is not finite");
      }
    }
  }
  const bool at_horizon = t >= env.horizon();
  bool anyone = false;
  for (std::size_t r = 0; r < roles.size(); ++r) {
    const RoleSpec& role = roles[r];
    const RoleState& s = now.roles[r];
    const RoleState& b = before.roles[r];
    if (s.observations.rows() != role.pool_size ||
        s.observations.cols() != role.observation_space.dim() ||
        s.rewards.size() != role.pool_size || s.active.size() != role.pool_size ||
        s.terminated.size() != role.pool_size || s.truncated.size() != role.pool_size) {
      fail(at + role.name + " arrays have the wrong shape");
      continue;
    }
    for (int i = 0; i < role.pool_size; ++i) {
      const std::string who = role.name + " " + std::to_string(i);
      if (!std::isfinite(s.rewards(i))) fail(at + "reward of " + who + " is not finite");
      if (!b.active(i) && s.rewards(i) != 0.0) fail(at + "inactive " + who + " got a reward");
      if (s.terminated(i) && !b.active(i)) fail(at + who + " terminated without being active");
      if (s.terminated(i) && s.active(i)) fail(at + who + " is terminated but still active");
      if (s.truncated(i) && s.terminated(i)) fail(at + who + " is terminated and truncated");
      if (!at_horizon && s.truncated(i)) fail(at + who + " truncated before the horizon");
      if (at_horizon && s.truncated(i) != s.active(i)) {
        fail(at + "at the horizon " + who +
             (s.active(i) ? " is active but not truncated" : " is truncated but not active"));
      }
      if (left[r](i) && s.active(i)) fail(at + who + " was revived after it left");
      if (b.active(i) && !s.active(i)) left[r](i) = true;
      if (b.active(i) && !s.active(i) && !s.terminated(i) && !at_horizon) {
        fail(at + who + " became inactive without terminating");
      }
      if (s.active(i)) {
        anyone = true;
        if (!role.observation_space.contains(s.observations.row(i)) ||
            !s.observations.row(i).isFinite().all()) {
          std::ostringstream m;
          m << at << "observation of " << who << " [" << s.observations.row(i) << "] is outside "
            << role.observation_space.describe();
          fail(m.str());
        }
      }
    }
  }
  const bool should_end = at_horizon || !anyone;
  if (now.episode_over != should_end) {
    fail(at + "episode_over is " + (now.episode_over ? "true" : "false") + " (horizon " +
         std::to_string(env.horizon()) + (anyone ? ", agents active)" : ", nobody active)"));
  }
}

void Harness::check_counterfactuals(const Env& env, const StepResult& before, const StepResult& now,
                                    const std::vector<RowBatch>& actions, Rng& rng, std::int64_t t,
                                    const std::string& label) {
  const std::string at = label + " step " + std::to_string(t) + ": ";
  for (std::size_t r = 0; r < env.roles().size(); ++r) {
    const RoleSpec& role = env.roles()[r];
    const CounterfactualFeedback* cf = env.counterfactual_oracle(static_cast<int>(r));
    if (cf == nullptr && role.feedback == Feedback::kFull) {
      fail(at + "counterfactual_oracle(" + role.name + ") is null but the role's feedback is full");
    }
    if (!cf) continue;
    const int count = 1 + options_.counterfactual_candidates;
    RowBatch candidates(count, role.action_space.dim());
    Eigen::ArrayXd out(count), again(count);
    for (int i = 0; i < role.pool_size; ++i) {
      if (!before.roles[r].active(i)) continue;
      candidates.row(0) = actions[r].row(i);
      for (int c = 1; c < count; ++c) candidates.row(c) = role.action_space.sample(rng).transpose();
      out.setConstant(kNaN);
      cf->counterfactual_rewards(i, candidates, out);
      cf->counterfactual_rewards(i, candidates, again);
      const std::string who = role.name + " " + std::to_string(i);
      if (!out.isFinite().all()) fail(at + "counterfactual rewards of " + who + " not finite");
      if (!bitwise_equal(out, again)) fail(at + "counterfactual rewards of " + who + " vary");
      const double realized = now.roles[r].rewards(i);
      const double tolerance =
          options_.counterfactual_tolerance * std::max(1.0, std::fabs(realized));
      if (!(std::fabs(out(0) - realized) <= tolerance)) {
        std::ostringstream m;
        m.precision(17);
        m << at << "counterfactual reward of " << who << "'s own action " << out(0)
          << " differs from its realized reward " << realized;
        fail(m.str());
      }
    }
  }
}

void Harness::probe_invalid_actions(Env& env, const std::vector<RowBatch>& valid, std::int64_t t,
                                    const std::string& label) {
  const std::string at = label + " step " + std::to_string(t) + ": ";
  const StepResult before = env.last();
  for (std::size_t r = 0; r < env.roles().size(); ++r) {
    const RoleSpec& role = env.roles()[r];
    std::vector<int> actives;
    for (int i = 0; i < role.pool_size; ++i) {
      if (before.roles[r].active(i)) actives.push_back(i);
    }
    // The first few active agents and the last one.
    std::vector<int> probed;
    const int first = std::max(1, options_.invalid_action_agents - 1);
    for (int i : actives) {
      if (static_cast<int>(probed.size()) < first) probed.push_back(i);
    }
    if (!actives.empty() && options_.invalid_action_agents > 1 && probed.back() != actives.back()) {
      probed.push_back(actives.back());
    }
    for (int i : probed) {
      for (int d = 0; d < role.action_space.dim(); ++d) {
        for (const auto& [bad, what] : invalid_values(role.action_space, d)) {
          std::vector<RowBatch> actions = valid;
          actions[r](i, d) = bad;
          const std::string case_name = at + role.name + " " + std::to_string(i) + " action dim " +
                                        std::to_string(d) + " " + what;
          try {
            env.step(actions);
            fail(case_name + " was accepted");
            return;  // the env moved on; the caller's comparison reports the divergence
          } catch (const ConfigError& e) {
            const std::string message = e.what();
            const std::string index = std::to_string(i);
            const bool names_agent =
                message.find(role.name + "[" + index + "]") != std::string::npos ||
                message.find(role.name + " " + index) != std::string::npos;
            if (!names_agent) fail(case_name + ": error does not name the agent: " + message);
          } catch (const std::exception& e) {
            fail(case_name + " threw " + describe_exception(e) + " instead of a ConfigError");
          }
          if (env.steps_taken() != t) fail(case_name + ": the rejected step was counted");
          const std::string diff = first_difference(before, env.last(), env.roles());
          if (!diff.empty()) fail(case_name + ": the rejected step changed " + diff);
        }
      }
    }
  }
}

Trajectory Harness::play(Env& env, std::optional<std::uint64_t> seed, const PlayMode& mode,
                         const std::string& label) {
  Trajectory trajectory;
  Rng action_rng(options_.action_seed);
  Rng candidate_rng(options_.action_seed ^ 0x5bd1e995ULL);
  if (env.horizon() > options_.max_horizon) {
    fail(label + ": horizon " + std::to_string(env.horizon()) + " exceeds the harness's " +
         std::to_string(options_.max_horizon) + "; configure a shorter one");
    return trajectory;
  }
  try {
    trajectory.push_back(env.reset(seed));
  } catch (const std::exception& e) {
    fail(label + ": reset threw " + describe_exception(e));
    return trajectory;
  }
  check_reset(env, trajectory.back(), label);
  std::vector<BoolArray> left;
  for (const RoleState& s : trajectory.back().roles) {
    left.push_back(BoolArray::Constant(s.active.size(), false));
  }
  const std::int64_t probe_mid = std::max<std::int64_t>(2, env.horizon() / 2);
  for (std::int64_t t = 1; !trajectory.back().episode_over; ++t) {
    if (t > env.horizon()) {
      fail(label + ": the episode did not end at the horizon");
      break;
    }
    const StepResult& before = trajectory.back();
    std::vector<RowBatch> actions = sample_actions(env, before, action_rng, mode.nan_for_inactive);
    if (mode.probe_invalid_actions && (t == 1 || t == 2 || t == probe_mid)) {
      probe_invalid_actions(env, actions, t - 1, label);
    }
    try {
      trajectory.push_back(env.step(actions));
    } catch (const std::exception& e) {
      fail(label + " step " + std::to_string(t) + ": step threw " + describe_exception(e));
      return trajectory;
    }
    const StepResult& prev = trajectory[trajectory.size() - 2];
    check_step(env, prev, trajectory.back(), t, left, label);
    if (mode.ask_counterfactuals) {
      check_counterfactuals(env, prev, trajectory.back(), actions, candidate_rng, t, label);
    }
  }
  // Stepping past the end is a programming error.
  try {
    env.step(sample_actions(env, trajectory.back(), action_rng, false));
    fail(label + ": step() after the end of the episode did not throw");
  } catch (const InvariantError&) {
  } catch (const std::exception& e) {
    fail(label + ": step() after the end threw " + describe_exception(e) +
         " instead of an InvariantError");
  }
  return trajectory;
}

void Harness::expect_same(const Trajectory& a, const Trajectory& b, const std::string& what) {
  const std::string diff = first_difference(a, b, roles_);
  if (!diff.empty()) fail(what + ": trajectories differ at " + diff);
}

std::vector<std::string> Harness::run() {
  try {
    run_checks();
  } catch (const std::exception& e) {
    fail("the harness stopped on " + describe_exception(e));
  }
  return failures_;
}

void Harness::run_checks() {
  // step() before reset().
  {
    std::unique_ptr<Env> env = fresh_env();
    StepResult none;
    for (const RoleSpec& role : env->roles()) {
      RoleState s;
      s.active = BoolArray::Constant(role.pool_size, true);
      none.roles.push_back(s);
    }
    Rng rng(options_.action_seed);
    try {
      env->step(sample_actions(*env, none, rng, false));
      fail("step() before reset() did not throw");
    } catch (const InvariantError&) {
    } catch (const std::exception& e) {
      fail("step() before reset() threw " + describe_exception(e) +
           " instead of an InvariantError");
    }
  }

  // predicted_metrics(): an object of finite numbers keyed by metric names, plus "note".
  {
    std::unique_ptr<Env> env = fresh_env();
    const Json predicted = env->predicted_metrics();
    if (!predicted.is_object()) {
      fail("predicted_metrics() is not a JSON object");
    } else {
      const auto& names = env->metric_names();
      for (const auto& [key, value] : predicted.items()) {
        if (key == "note") continue;
        if (std::find(names.begin(), names.end(), key) == names.end()) {
          fail("predicted_metrics() names '" + key + "', which is not a metric");
        } else if (!value.is_number() || !std::isfinite(value.get<double>())) {
          fail("predicted_metrics()['" + key + "'] is not a finite number");
        }
      }
    }
  }

  // Reference: episode 1 from reset(seed), then episodes continuing the stream with reset().
  std::unique_ptr<Env> reference_env = fresh_env();
  std::vector<Trajectory> reference;
  const int episodes = std::max(2, options_.episodes);
  for (int e = 0; e < episodes; ++e) {
    reference.push_back(play(*reference_env,
                             e == 0 ? std::optional<std::uint64_t>(options_.seed) : std::nullopt,
                             PlayMode{}, "episode " + std::to_string(e + 1)));
  }
  if (!failures_.empty()) return;  // broken semantics: the comparisons would only echo them

  // Same seed, same actions: identical, in a fresh env and in the same env restarted.
  {
    std::unique_ptr<Env> env = fresh_env();
    std::vector<Trajectory> replay;
    for (int e = 0; e < episodes; ++e) {
      replay.push_back(play(*env,
                            e == 0 ? std::optional<std::uint64_t>(options_.seed) : std::nullopt,
                            PlayMode{}, "replay episode " + std::to_string(e + 1)));
      expect_same(reference[e], replay[e],
                  "same seed, same actions (episode " + std::to_string(e + 1) + ")");
    }
    expect_same(reference[0], play(*reference_env, options_.seed, PlayMode{}, "restart"),
                "reset(seed) after other episodes does not restart the stream");
  }
  // Actions of inactive agents are ignored (samples instead of NaN).
  {
    std::unique_ptr<Env> env = fresh_env();
    PlayMode mode;
    mode.nan_for_inactive = false;
    for (int e = 0; e < episodes; ++e) {
      expect_same(
          reference[e],
          play(*env, e == 0 ? std::optional<std::uint64_t>(options_.seed) : std::nullopt, mode,
               "inactive-actions episode " + std::to_string(e + 1)),
          "actions of inactive agents are not ignored (episode " + std::to_string(e + 1) + ")");
    }
  }
  // Counterfactual feedback, which must not disturb the env.
  {
    std::unique_ptr<Env> env = fresh_env();
    PlayMode mode;
    mode.ask_counterfactuals = true;
    expect_same(reference[0], play(*env, options_.seed, mode, "counterfactuals"),
                "asking for counterfactuals changed the trajectory");
  }
  // Invalid actions are rejected without side effects.
  {
    std::unique_ptr<Env> env = fresh_env();
    PlayMode mode;
    mode.probe_invalid_actions = true;
    expect_same(reference[0], play(*env, options_.seed, mode, "invalid actions"),
                "rejected actions changed the trajectory");
  }
  // reset() on a fresh env is reset(0).
  {
    std::unique_ptr<Env> a = fresh_env();
    std::unique_ptr<Env> b = fresh_env();
    expect_same(play(*a, std::nullopt, PlayMode{}, "unseeded"),
                play(*b, std::uint64_t{0}, PlayMode{}, "seed 0"),
                "reset() on a fresh env differs from reset(0)");
  }
  if (options_.expect_seed_dependence) {
    std::unique_ptr<Env> env = fresh_env();
    const Trajectory other = play(*env, options_.seed + 1, PlayMode{}, "other seed");
    if (first_difference(reference[0], other, {}).empty()) {
      fail("a different seed gave an identical trajectory");
    }
    for (int e = 1; e < episodes; ++e) {
      if (first_difference(reference[e - 1], reference[e], {}).empty()) {
        fail("reset() without a seed repeated the previous episode (episode " +
             std::to_string(e + 1) + ") instead of continuing the stream");
      }
    }
  }
}

}  // namespace

std::vector<std::string> conformance_failures(const std::function<std::unique_ptr<Env>()>& make_env,
                                              const ConformanceOptions& options) {
  Harness harness(make_env, options);
  return harness.run();
}

void check_env_conformance(const std::function<std::unique_ptr<Env>()>& make_env,
                           const ConformanceOptions& options) {
  const std::vector<std::string> failures = conformance_failures(make_env, options);
  for (const std::string& failure : failures) FAIL_CHECK(failure);
  CHECK_MESSAGE(failures.empty(), failures.size(), " conformance failure(s)");
}

}  // namespace agora::testing
