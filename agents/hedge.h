// Hedge (exponential weights) over K arms with full-information feedback.
//
// Model: the learner keeps log-weights L_a = η Σ_s r_s(a) over the rewards every arm would
// have earned and plays arm a with probability p_a = exp(L_a) / Σ_b exp(L_b). With rewards in
// an interval of width w and η = sqrt(8 ln K / T) / w, the expected external regret after T
// rounds is at most w · sqrt(T ln K / 2) (Freund & Schapire 1997; Cesa-Bianchi & Lugosi 2006,
// Thm. 2.2). As the "hedge" agent it learns over a bid or shading grid (see grid_learner.h)
// and needs a role with full-information feedback (the env's counterfactual rewards).
//
// Sampling is exact, O(1) expected per round, and the update is one vector pass: the core
// caches p̃ ∝ exp(L̃) at the last refresh and tracks the drift Δ = L − L̃ with its max M and
// min m. It draws a ~ p̃ from an alias table (Walker 1977; Vose 1991) and
// accepts with probability exp(Δ_a − M); accepted draws have probability ∝ p̃_a exp(Δ_a) ∝
// exp(L_a), i.e. exactly p. Every draw is accepted with probability ≥ exp(m − M), and the
// cache is refreshed (K exps) before a draw once M − m > ln 2, so a round needs fewer than two
// draws on average. A non-finite reward raises InvariantError, at the latest by the next
// refresh. Rewards that are piecewise linear over the arms (the auction counterfactuals) can
// be added range by range, touching only the arms whose reward is not zero.
//
// Schedules. "fixed" (default) tunes η to the horizon as above. "anytime" needs no horizon: in
// round t the weights use η_t = sqrt(8 ln K / t) / w on the rewards of rounds 1..t−1, with
// regret at most w (2 sqrt(T ln K / 2) + sqrt(ln K / 8)) at every T (Cesa-Bianchi & Lugosi
// 2006, Thm. 2.3); a given learning_rate then plays the role of sqrt(8 ln K) / w, i.e.
// η_t = learning_rate / sqrt(t). Changing η rescales the log-weights L = η S; the core folds
// the rescaling into the drift (Δ' = r Δ + (r − 1) L̃ with r = η_new / η_old), so the cached
// distribution stays valid and sampling stays exact.
//
// Parameters (the "hedge" agent; plus the grid parameters of grid_learner.h):
//   schedule       "fixed" | "anytime", default "fixed"
//   learning_rate  number > 0 or null, default null  η; null = sqrt(8 ln K / T) / w with
//                                                   T = horizon / value_buckets (rounded up);
//                                                   anytime: the η_t · sqrt(t) constant
//   reward_range   [low, high] or null, default null w = high − low; null = derived from
//                                                   the value and bid ranges (docs/agents.md)
//
// Freund & Schapire, "A decision-theoretic generalization of on-line learning and an
// application to boosting", JCSS 55 (1997); Littlestone & Warmuth, "The weighted majority
// algorithm" (1994); Cesa-Bianchi & Lugosi, Prediction, Learning, and Games (2006), ch. 2;
// Walker, "An efficient method for generating discrete random variables with general
// distributions", ACM TOMS 3 (1977); Vose, "A linear algorithm for generating random numbers
// with a given distribution", IEEE TSE 17 (1991).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/params.h"
#include "core/rng.h"

namespace agora {

class Hedge {
 public:
  static constexpr bool kFullInformation = true;

  enum class Schedule { kFixed, kAnytime };

  // kAnytime: `learning_rate` is η_1, and round t uses η_1 / sqrt(t).
  Hedge(int arms, double learning_rate, Schedule schedule = Schedule::kFixed);
  // sqrt(8 ln K / T) / reward_width: the rate of the w · sqrt(T ln K / 2) regret bound.
  static double default_learning_rate(int arms, std::int64_t horizon, double reward_width);

  int arms() const { return static_cast<int>(base_log_weights_.size()); }
  double learning_rate() const { return learning_rate_; }
  std::int64_t rounds() const { return rounds_; }
  // Called once per round before its rewards are added: under the anytime schedule sets η to
  // η_1 / sqrt(t + 1) for the weights of round t + 1.
  void begin_update();
  std::int64_t refreshes() const { return refreshes_; }

  int select(Rng& rng);
  // rewards(a) = the reward arm a earned this round, for every arm.
  void update_all(const Eigen::Ref<const Eigen::ArrayXd>& rewards);
  // The same update given piece by piece, for rewards that are zero outside a few ranges:
  // arms [begin, end) earned intercept + slope x[a]; arm `arm` earned `reward`. Untouched
  // arms earned 0. M and m then bound the drift (M >= max, m <= min), which keeps sampling
  // exact; the next refresh makes them tight again.
  void add_linear(int begin, int end, double intercept, double slope, const double* x);
  void add_point(int arm, double reward);

  Eigen::ArrayXd probabilities() const;
  Json to_json() const;

 private:
  void refresh();
  // Walker's alias table for p̃ ∝ weights_ (Vose's construction).
  void build_alias();
  // An arm drawn from p̃ with one uniform u: column ⌊uK⌋, kept with probability
  // alias_probability_ (read off the fraction uK − ⌊uK⌋), else its alias.
  int draw_cached(double u) const;

  void rescale_learning_rate(double new_rate);

  double learning_rate_;
  const double initial_rate_;
  const Schedule schedule_;
  std::int64_t rounds_ = 0;
  Eigen::ArrayXd base_log_weights_;  // L̃, shifted so its maximum is 0
  Eigen::ArrayXd drift_;             // Δ = L − L̃
  Eigen::ArrayXd weights_;           // exp(L̃) at the last refresh
  std::vector<double> alias_probability_;
  std::vector<int> alias_;
  std::vector<int> small_, large_;   // scratch for build_alias
  double max_drift_ = 0.0;
  double min_drift_ = 0.0;
  std::int64_t refreshes_ = 0;
};

}  // namespace agora
