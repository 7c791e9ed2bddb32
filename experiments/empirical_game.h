// Empirical game-theoretic analysis: the meta-game among candidate policies, estimated by
// simulation, and its solution.
//
// Model. An env's roles r = 1..R have fixed pools of n_r agents; role r has K_r candidate
// policies (agent group configs: type + params, as in an experiment config's `agents`). A
// profile says how many agents of each role play each candidate: counts c_r ∈ N^{K_r}, Σ c_r =
// n_r — agents of one role are exchangeable, so the game is role-symmetric (Wellman 2006;
// Wiedenbeck & Wellman 2012) and its payoff table has Π_r C(n_r + K_r − 1, K_r − 1) profiles
// (the heuristic payoff table of Walsh, Das, Tesauro & Kephart 2002). Two roles of one agent
// each are an ordinary bimatrix game; the auction env's single role "bidder" with n agents is
// a symmetric n-player game.
//
// Estimation (EmpiricalGame). Each profile is one experiment cell — the base config with its
// `agents` replaced by one group per candidate played (count c_r[k], in candidate order) — run
// for the config's horizon under each of its seeds (common random numbers: the same seeds in
// every profile) with experiments/Simulation. Payoff of candidate k in role r: the mean reward
// per step over the last `tail_fraction` of the steps, averaged over the agents playing it;
// over seeds: mean, sample sd and Student-t 95% interval (analysis/stats.h summarize). Learners
// learn during the run; the payoff is what they earn, not a converged value, unless the tail
// is chosen so.
//
// Meta-strategies. A mixture x_r ∈ Δ(K_r) per role, every agent drawing its candidate
// independently. The deviation payoff of one agent of role r playing k, with the others drawn
// from x, is
//   u_{r,k}(x) = Σ_{profiles c, c_r[k] >= 1} M(c_r − e_k; n_r − 1, x_r) Π_{s≠r} M(c_s; n_s, x_s)
//                · payoff_{r,k}(c),     M the multinomial probability,
// u_r(x) = Σ_k x_{r,k} u_{r,k}(x), and NashConv(x) = Σ_r n_r [max_k u_{r,k}(x) − u_r(x)] — the
// sum over all agents of what a unilateral deviation to a pure candidate gains (Lanctot et al.
// 2017); zero exactly at a (role-symmetric) Nash equilibrium of the meta-game.
//
// Solvers (solve_meta_game):
//   support_enumeration  exact, for two players (two roles of one agent: a bimatrix game A, B)
//                        or one role of two agents (symmetric: A(k, l) = payoff of k against
//                        l; a symmetric equilibrium). Supports of equal size s = 1, 2, ... in
//                        lexicographic order; per pair, the indifference equations
//                        A_{S,T} y = v 1, 1ᵀy = 1 (and Bᵀ likewise) are solved by LU; the first
//                        solution with y >= 0 and no better reply outside the support is
//                        returned (Nisan et al., Algorithmic Game Theory, 2007, §3.3; Porter,
//                        Nudelman & Shoham 2008 for the small-supports-first order). Every
//                        equilibrium of a nondegenerate game has supports of equal size; for
//                        degenerate tables it may find none (then: replicator dynamics).
//   replicator_dynamics  x_{r,k} ← x_{r,k} exp(η_t u_{r,k}(x)) / Z, η_t = step_size / (Δ √t)
//                        (exponential-weights form of the discrete replicator dynamics; Δ the
//                        payoff range of the table), from the uniform mixture; the time average
//                        (or the last iterate, whichever has the lower NashConv) — the average
//                        converges
//                        to equilibrium in two-player zero-sum games (Freund & Schapire 1999);
//                        the meta-solver of Lanctot et al. (2017) among others.
//   regret_matching      Hart & Mas-Colell (2000): per role, play ∝ positive cumulative regret;
//                        the average strategy (a coarse correlated equilibrium in general; Nash
//                        in two-player zero-sum games), or the last iterate if that is better.
//   auto                 support enumeration when it applies (at most 8 candidates per player
//                        in a bimatrix game, 16 in a symmetric one), else replicator dynamics.
// Every solution reports its NashConv in the meta-game. The meta-game is the estimated one: the
// payoffs carry the Monte Carlo error reported with them.
//
// Citations: W. E. Walsh, R. Das, G. Tesauro, J. O. Kephart, "Analyzing complex strategic
// interactions in multi-agent systems", AAAI workshop on game-theoretic and decision-theoretic
// agents (2002); M. P. Wellman, "Methods for empirical game-theoretic analysis", AAAI 2006;
// B. Wiedenbeck and M. P. Wellman, "Scaling simulation-based game analysis through
// deviation-preserving reduction", AAMAS 2012; K. Tuyls, J. Pérolat, M. Lanctot, J. Z. Leibo,
// T. Graepel, "A generalised method for empirical game theoretic analysis", AAMAS 2018;
// S. Hart and A. Mas-Colell, "A simple adaptive procedure leading to correlated equilibrium",
// Econometrica 68 (2000); Y. Freund and R. E. Schapire, "Adaptive game playing using
// multiplicative weights", GEB 29 (1999); R. Porter, E. Nudelman, Y. Shoham, "Simple search
// methods for finding a Nash equilibrium", GEB 63 (2008); M. Lanctot et al., "A unified
// game-theoretic approach to multiagent reinforcement learning", NeurIPS 2017.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/stats.h"
#include "core/params.h"

namespace agora {

// A role-symmetric game given by its payoff table.
class MetaGame {
 public:
  struct Role {
    std::string name;
    int players = 1;
    std::vector<std::string> strategies;
  };
  using Counts = std::vector<std::vector<int>>;  // [role][strategy]
  using Mixture = std::vector<Eigen::VectorXd>;  // one distribution per role

  // Every profile, payoffs unknown (NaN).
  explicit MetaGame(std::vector<Role> roles);

  // Two players: row player (role "row") gets row(k, l), column player ("column") column(k, l)
  // when they play k and l.
  static MetaGame bimatrix(const Eigen::MatrixXd& row, const Eigen::MatrixXd& column);
  // Symmetric two-player game: a player playing k against l gets payoff(k, l).
  static MetaGame symmetric(const Eigen::MatrixXd& payoff);

  const std::vector<Role>& roles() const { return roles_; }
  int profile_count() const { return static_cast<int>(profiles_.size()); }
  const Counts& counts(int profile) const { return profiles_[static_cast<std::size_t>(profile)]; }
  // -1 when `counts` is not a profile of this game.
  int profile_index(const Counts& counts) const;

  // NaN when unknown or when no agent of `role` plays `strategy` in the profile.
  double payoff(int profile, int role, int strategy) const;
  void set_payoff(int profile, int role, int strategy, double value);
  bool complete() const;

  // The same game with one more strategy for `role`; payoffs of the profiles that do not use it
  // are kept, the new ones unknown.
  MetaGame with_strategy(int role, const std::string& label) const;

  // u_{r,k}(x) for every role and strategy (see the header).
  Mixture deviation_payoffs(const Mixture& mixture) const;
  double nash_conv(const Mixture& mixture) const;
  // Largest minus smallest known payoff (0 when none is known).
  double payoff_range() const;

  // {"roles": [{"name", "players", "strategies"}], "profiles": [{"counts": {role: [...]},
  // "payoffs": {role: [...]}}]}, unknown payoffs as null.
  Json to_json() const;

 private:
  std::size_t offset(int profile, int role, int strategy) const;

  std::vector<Role> roles_;
  std::vector<Counts> profiles_;
  std::map<Counts, int> index_;
  std::vector<int> role_offset_;  // start of each role's strategies in a profile's payoff row
  int row_size_ = 0;
  std::vector<double> payoffs_;  // profiles x row_size_
};

struct MetaSolverOptions {
  enum class Method { kAuto, kSupportEnumeration, kReplicatorDynamics, kRegretMatching };
  Method method = Method::kAuto;
  int iterations = 20000;  // replicator dynamics and regret matching
  double step_size = 0.5;  // η of replicator dynamics, in units of the payoff range

  static Method method_from_name(const std::string& name, const std::string& path);
};

struct MetaSolution {
  MetaGame::Mixture mixture;
  double nash_conv = 0.0;
  std::string method;  // the method that produced the mixture
  int iterations = 0;  // of the iterative methods

  Json to_json(const MetaGame& game) const;
};

// Throws ConfigError("meta_solver.method") when support enumeration is asked for a game it does
// not apply to. The game must be complete.
MetaSolution solve_meta_game(const MetaGame& game, const MetaSolverOptions& options = {});

// A candidate policy of a role: an agent group config without a count.
struct Candidate {
  std::string label;  // unique within the role; the type when empty
  std::string type;
  Json params = Json::object();
};

struct EmpiricalGameOptions {
  double tail_fraction = 1.0;  // payoffs over the last fraction of the steps, in (0, 1]
  double level = 0.95;         // confidence level of the payoff intervals
};

class EmpiricalGame {
 public:
  // `base`: an experiment config (env, mechanism, horizon, seeds; no sweep), its `agents`
  // replaced per profile; `candidates`: at least one per role of the env, by role name.
  // ConfigErrors name "empirical_game.<...>".
  EmpiricalGame(Json base, std::map<std::string, std::vector<Candidate>> candidates,
                EmpiricalGameOptions options = {});

  void add_candidate(const std::string& role, Candidate candidate);
  // Simulates every profile whose payoffs are unknown; returns how many were simulated.
  int estimate();

  const MetaGame& game() const { return game_; }
  const std::vector<Candidate>& candidates(int role) const {
    return candidates_[static_cast<std::size_t>(role)];
  }
  // The base config with the agents of `profile` (validated), e.g. to rerun a profile.
  Json profile_config(int profile) const;
  // stats::summarize over seeds of payoff (profile, role, strategy); null when not played.
  const Json& payoff_summary(int profile, int role, int strategy) const;
  const std::vector<std::uint64_t>& seeds() const { return seeds_; }
  std::int64_t simulated_steps() const { return simulated_steps_; }

  // The meta-game (MetaGame::to_json) with the candidates and each payoff's summary.
  Json to_json() const;

 private:
  Json base_;
  std::vector<std::vector<Candidate>> candidates_;
  EmpiricalGameOptions options_;
  std::vector<std::uint64_t> seeds_;
  MetaGame game_;
  std::vector<std::vector<std::vector<Json>>> summaries_;  // [profile][role][strategy]
  std::vector<bool> simulated_;                            // per profile
  std::int64_t simulated_steps_ = 0;
};

}  // namespace agora
