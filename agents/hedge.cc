#include "agents/hedge.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <utility>

#include "agents/grid_learner.h"
#include "core/error.h"

namespace agora {

namespace {

constexpr double kMaxDriftSpread = 0.6931471805599453;  // ln 2: acceptance stays >= 1/2

}  // namespace

Hedge::Hedge(int arms, double learning_rate, Schedule schedule)
    : learning_rate_(learning_rate),
      initial_rate_(learning_rate),
      schedule_(schedule),
      base_log_weights_(Eigen::ArrayXd::Zero(arms)),
      drift_(Eigen::ArrayXd::Zero(arms)),
      weights_(Eigen::ArrayXd::Ones(arms)),
      alias_probability_(arms),
      alias_(arms) {
  AGORA_CHECK_GE(arms, 1);
  build_alias();
}

void Hedge::build_alias() {
  const int n = arms();
  const double total = weights_.sum();
  if (!std::isfinite(total)) throw InvariantError("Hedge: a reward was not finite");
  small_.clear();
  large_.clear();
  for (int a = 0; a < n; ++a) {
    alias_probability_[a] = weights_(a) * n / total;
    alias_[a] = a;
    (alias_probability_[a] < 1.0 ? small_ : large_).push_back(a);
  }
  while (!small_.empty() && !large_.empty()) {
    const int low = small_.back();
    small_.pop_back();
    const int high = large_.back();
    alias_[low] = high;
    alias_probability_[high] -= 1.0 - alias_probability_[low];
    if (alias_probability_[high] < 1.0) {
      large_.pop_back();
      small_.push_back(high);
    }
  }
  for (int a : large_) alias_probability_[a] = 1.0;
  for (int a : small_) alias_probability_[a] = 1.0;  // rounding leftovers
}

inline int Hedge::draw_cached(double u) const {
  const double scaled = u * arms();
  const int column = std::min(static_cast<int>(scaled), arms() - 1);
  // Both candidates loaded and one picked arithmetically: a branch here mispredicts whenever
  // the weights are spread out.
  const int alias = alias_[column];
  const int keep = scaled - column < alias_probability_[column];
  return alias + keep * (column - alias);
}

double Hedge::default_learning_rate(int arms, std::int64_t horizon, double reward_width) {
  const double log_arms = std::log(static_cast<double>(std::max(arms, 2)));
  return std::sqrt(8.0 * log_arms / static_cast<double>(std::max<std::int64_t>(horizon, 1))) /
         reward_width;
}

void Hedge::begin_update() {
  ++rounds_;
  if (schedule_ == Schedule::kAnytime) {
    rescale_learning_rate(initial_rate_ / std::sqrt(static_cast<double>(rounds_ + 1)));
  }
}

void Hedge::rescale_learning_rate(double new_rate) {
  const double r = new_rate / learning_rate_;
  learning_rate_ = new_rate;
  drift_ = r * drift_ + (r - 1.0) * base_log_weights_;
  max_drift_ = drift_.maxCoeff();
  min_drift_ = drift_.minCoeff();
}

void Hedge::refresh() {
  base_log_weights_ += drift_;
  base_log_weights_ -= base_log_weights_.maxCoeff();
  drift_.setZero();
  max_drift_ = min_drift_ = 0.0;
  weights_ = base_log_weights_.exp();
  build_alias();
  ++refreshes_;
}

int Hedge::select(Rng& rng) {
  if (max_drift_ - min_drift_ > kMaxDriftSpread) refresh();
  for (;;) {
    const int arm = draw_cached(uniform01(rng));
    if (max_drift_ == min_drift_) return arm;
    // Accept with probability exp(x), x <= 0; 1 + x <= exp(x) settles most draws without exp.
    const double x = drift_(arm) - max_drift_;
    if (!(x <= 0.0)) throw InvariantError("Hedge::select: a reward was not finite");
    const double u = uniform01(rng);
    if (u < 1.0 + x || u < std::exp(x)) return arm;
  }
}

namespace {

// Four doubles in GCC's vector extension: the baseline x86-64 build lowers each operation to
// two SSE2 instructions; the AVX2 clone of the range updates (AGORA_RANGE_UPDATE_TARGETS) uses one
// 256-bit instruction. Only adds, multiplies, comparisons and selections: no fused
// multiply-add (AVX2 does not include FMA), so every clone rounds exactly like the scalar code.
// GCC notes (-Wpsabi) that passing a 256-bit vector by value differs between the baseline and
// AVX calling conventions; the helpers and lambdas below that take or return one are internal
// and inlined into the range updates (GCC reports it at the end of the file, hence no pop), so
// no call between separately compiled code passes one.
#pragma GCC diagnostic ignored "-Wpsabi"
using Vec = double __attribute__((vector_size(4 * sizeof(double))));
constexpr int kLanes = 4;

Vec broadcast(double x) { return Vec{x, x, x, x}; }
Vec load(const double* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void store(double* p, Vec v) { std::memcpy(p, &v, sizeof v); }
// std::max(a, b) and std::min(a, b) lane by lane: b only when it is strictly beyond a.
Vec lane_max(Vec a, Vec b) { return b > a ? b : a; }
Vec lane_min(Vec a, Vec b) { return b < a ? b : a; }
double reduce_max(Vec v) { return std::max(std::max(v[0], v[1]), std::max(v[2], v[3])); }
double reduce_min(Vec v) { return std::min(std::min(v[0], v[1]), std::min(v[2], v[3])); }

// drift[a] += rate · reward(a) for a in [begin, end), kLanes arms at a time; returns the
// extremes of the updated entries and of {highest, lowest}.
template <class VecReward, class Reward>
[[gnu::always_inline]] inline std::pair<double, double> add_rewards(double* drift, int begin,
                                                                    int end, double rate,
                                                                    double highest, double lowest,
                                                                    VecReward vec_reward,
                                                                    Reward reward) {
  const Vec rate_vec = broadcast(rate);
  Vec high = broadcast(highest);
  Vec low = broadcast(lowest);
  // Two pairs of running extremes take alternate vectors: each max/min waits for the one two
  // vectors back, not the previous one (the dependency that bounds this loop).
  Vec high_odd = high;
  Vec low_odd = low;
  const auto add = [&](int a) {
    const Vec d = load(drift + a) + rate_vec * vec_reward(a);
    store(drift + a, d);
    return d;
  };
  int a = begin;
  for (; a + 2 * kLanes <= end; a += 2 * kLanes) {
    const Vec d = add(a);
    const Vec d_odd = add(a + kLanes);
    high = lane_max(high, d);
    low = lane_min(low, d);
    high_odd = lane_max(high_odd, d_odd);
    low_odd = lane_min(low_odd, d_odd);
  }
  if (a + kLanes <= end) {
    const Vec d = add(a);
    high = lane_max(high, d);
    low = lane_min(low, d);
    a += kLanes;
  }
  highest = reduce_max(lane_max(high, high_odd));
  lowest = reduce_min(lane_min(low, low_odd));
  for (; a < end; ++a) {
    drift[a] += rate * reward(a);
    highest = std::max(highest, drift[a]);
    lowest = std::min(lowest, drift[a]);
  }
  return {highest, lowest};
}

}  // namespace

// The range updates are compiled twice, for baseline x86-64 and for AVX2, and the loader picks
// the clone the CPU supports (GCC function multiversioning); both give the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AGORA_RANGE_UPDATE_TARGETS __attribute__((target_clones("avx2", "default")))
#else
#define AGORA_RANGE_UPDATE_TARGETS
#endif

AGORA_RANGE_UPDATE_TARGETS
void Hedge::update_all(const Eigen::Ref<const Eigen::ArrayXd>& rewards) {
  const double* reward = rewards.data();
  std::tie(max_drift_, min_drift_) = add_rewards(
      drift_.data(), 0, arms(), learning_rate_, -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::infinity(), [&](int a) { return load(reward + a); },
      [&](int a) { return reward[a]; });
  if (!std::isfinite(max_drift_ - min_drift_)) {
    throw InvariantError("Hedge::update_all: a reward was not finite");
  }
}

AGORA_RANGE_UPDATE_TARGETS
void Hedge::add_linear(int begin, int end, double intercept, double slope, const double* x) {
  AGORA_CHECK(begin >= 0 && begin <= end && end <= arms());
  if (begin == end) return;
  const Vec intercept_vec = broadcast(intercept);
  if (slope == 0.0) {  // a constant reward (a win at a fixed price): intercept + 0 · x is intercept
    std::tie(max_drift_, min_drift_) = add_rewards(
        drift_.data(), begin, end, learning_rate_, max_drift_, min_drift_,
        [&](int) { return intercept_vec; }, [&](int) { return intercept; });
  } else {
    const Vec slope_vec = broadcast(slope);
    std::tie(max_drift_, min_drift_) = add_rewards(
        drift_.data(), begin, end, learning_rate_, max_drift_, min_drift_,
        [&](int k) { return intercept_vec + slope_vec * load(x + k); },
        [&](int k) { return intercept + slope * x[k]; });
  }
  if (!std::isfinite(max_drift_ - min_drift_)) {
    throw InvariantError("Hedge::add_linear: a reward was not finite");
  }
}

void Hedge::add_point(int arm, double reward) {
  AGORA_CHECK(arm >= 0 && arm < arms());
  const double d = drift_(arm) + learning_rate_ * reward;
  drift_(arm) = d;
  max_drift_ = std::max(max_drift_, d);
  min_drift_ = std::min(min_drift_, d);
  if (!std::isfinite(max_drift_ - min_drift_)) {
    throw InvariantError("Hedge::add_point: a reward was not finite");
  }
}

Eigen::ArrayXd Hedge::probabilities() const {
  Eigen::ArrayXd log_weights = base_log_weights_ + drift_;
  Eigen::ArrayXd p = (log_weights - log_weights.maxCoeff()).exp();
  return p / p.sum();
}

Json Hedge::to_json() const {
  const Eigen::ArrayXd p = probabilities();
  return {{"probabilities", std::vector<double>(p.data(), p.data() + p.size())}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  GridSetup setup(params, ctx);
  setup.require_full_information("hedge");
  const int points = setup.points();
  const Json& rate = params.at("learning_rate");
  const bool anytime = params.at("schedule").get<std::string>() == "anytime";
  // Anytime: η_1 = sqrt(8 ln K) / w, the fixed rate's formula at T = 1.
  const std::int64_t tuned_horizon = anytime ? 1 : setup.rounds_per_learner();
  const double learning_rate =
      rate.is_null() ? Hedge::default_learning_rate(points, tuned_horizon,
                                                    setup.required_reward_range(params).width())
                     : rate.get<double>();
  const auto schedule = anytime ? Hedge::Schedule::kAnytime : Hedge::Schedule::kFixed;
  return make_grid_learner("hedge", std::move(setup), Hedge(points, learning_rate, schedule), ctx);
}

ParamSpecs hedge_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::text("schedule", "fixed", {"fixed", "anytime"},
                              "learning rate schedule: fixed (tuned to the horizon) or anytime "
                              "(η_t = η_1 / sqrt(t), no horizon needed)"));
  specs.push_back(positive_real("learning_rate", nullptr,
                                "η; null = sqrt(8 ln K / T) / (reward width), T = horizon / "
                                "value_buckets")
                      .allow_null());
  specs.push_back(reward_range_param(
      "rewards' [low, high] for the learning rate; null = derived from the value and bid "
      "ranges (docs/agents.md)"));
  return specs;
}

const bool registered = AgentRegistry::instance().add(
    {"agent", "hedge",
     "Hedge (exponential weights) over a bid or shading grid; needs full-information feedback.",
     "Plays grid point a with probability ∝ exp(η Σ_s r_s(a)), where r_s(a) is the reward a "
     "would have earned in step s (the env's counterfactual); with rewards of range w and "
     "η = sqrt(8 ln K / T) / w the expected regret to the best grid point is at most "
     "w sqrt(T ln K / 2). One learner per agent and value bucket. Sampling is exact (rejection "
     "from a cached distribution). schedule 'anytime' uses η_t = sqrt(8 ln K / t) / w instead "
     "(regret ≤ w (2 sqrt(T ln K / 2) + sqrt(ln K / 8)) at every T). Freund & Schapire (1997); "
     "Cesa-Bianchi & Lugosi, Prediction, Learning, and Games (2006), Thm. 2.2 and 2.3.",
     hedge_params()},
    &make);

}  // namespace
}  // namespace agora
