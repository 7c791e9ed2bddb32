// The users of the `content_ecosystem` env: a fixed population (env-internal, not a role) with
// preference vectors on the unit sphere, a logit choice from their slate, a satisfaction state,
// churn and return.
//
// Model. User u has a unit preference x_u in R^d drawn around topic t_u
// (normalize(centroid[t_u] + user_spread z), t_u ~ topic_demand) and, each period while active,
// one session. Before the session x_u drifts towards its initial ("home") preference h_u:
// x_u <- normalize(x_u + drift_reversion (h_u - x_u) + drift z), z ~ N(0, I_d) (reversion 0: a
// random walk on the sphere, which forgets the topics in O(1 / drift^2) periods; reversion
// kappa > 0 keeps x_u within about drift / sqrt(2 kappa) of home; drift 0: fixed tastes). Shown a
// slate S, the user's systematic utility for item j (content direction c_j, quality q_j) is
//     v_uj = affinity <x_u, c_j> + quality_utility q_j,
// the outside option's is v_0 = outside_utility, and with iid Gumbel shocks (random utility,
// McFadden 1974) the user picks j in S with probability exp(v_uj) / (exp(v_0) + sum_{k in S}
// exp(v_uk)) and nothing otherwise (no position effects: the user considers the whole slate).
// The session's value is v_uj - v_0 for a consumed item and 0 for the outside option (the
// systematic part; the shock is not counted). Satisfaction is an exponential moving average of
// session values, s_u <- (1 - m) s_u + m value (m = satisfaction_memory, s = 0 at start and on
// return). After a session with s_u < churn_threshold the user leaves with probability
// churn_probability; a user who left returns with probability return_probability each period
// (from the next period on). User churn is not the agents' no-revival rule: users are not a role.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include "core/rng.h"
#include "envs/content_ecosystem/topic_space.h"
#include "envs/space.h"

namespace agora {

struct ContentUserParams {
  int count = 1000;
  double spread = 0.3;
  double drift = 0.0;
  double drift_reversion = 0.0;
  double affinity = 4.0;
  double quality_utility = 1.0;
  double outside_utility = 1.0;
  double satisfaction_memory = 0.1;
  double churn_threshold = 0.0;
  double churn_probability = 0.0;
  double return_probability = 0.0;
  std::vector<double> topic_weights;  // empty: uniform over topics
};

// Logit choice with an outside option: p[k] = exp(v[k]) / (exp(v0) + sum exp(v)), k < size;
// p has size v.size() + 1 and p[v.size()] is the outside option's probability.
void logit_choice_probabilities(std::span<const double> v, double v0, std::span<double> p);
// Draws from that distribution with one uniform: the slate index, or -1 for the outside option.
int draw_logit_choice(std::span<const double> v, double v0, Rng& rng);

class ContentUsers {
 public:
  ContentUsers(const ContentUserParams& params, const TopicSpace& space);

  int count() const { return params_.count; }
  const ContentUserParams& params() const { return params_; }
  const FloatRows& preferences() const { return preferences_; }
  const BoolArray& active() const { return active_; }
  const Eigen::ArrayXd& satisfaction() const { return satisfaction_; }
  const Eigen::ArrayXi& topic() const { return topic_; }

  void reset(Rng& rng);
  void drift(Rng& rng);
  // v_uj for content direction c (size d) and quality q.
  double utility(int user, const float* direction, double quality) const;
  void record_session(int user, double value);
  // Churn of active users (after their session), then return of users who had left before
  // this period; returns the number who left.
  int churn_and_return(Rng& rng);
  // For tests: overwrite a user's preference (normalised) and topic.
  void set_preference(int user, std::span<const float> x, int topic);

 private:
  const ContentUserParams params_;
  const TopicSpace& space_;
  std::vector<double> topic_cdf_;
  FloatRows preferences_;
  FloatRows home_;
  BoolArray active_;
  BoolArray left_before_;  // left in an earlier period (may return now)
  Eigen::ArrayXd satisfaction_;
  Eigen::ArrayXi topic_;
};

// Cumulative distribution of non-negative weights (empty: uniform over n); draws by inversion.
std::vector<double> topic_cdf(const std::vector<double>& weights, int n);
int draw_topic(const std::vector<double>& cdf, Rng& rng);

}  // namespace agora
