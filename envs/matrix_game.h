// Environment `matrix_game`: a repeated two-player normal-form (bimatrix) game.
//
// Model. Roles "row" and "column" (one agent each) choose actions i in [0, m) and j in [0, n)
// every step and receive A[i][j] and B[i][j]: `row_payoffs` A and `column_payoffs` B, both m x n
// and indexed [row action][column action] (B null: zero-sum, B = -A), or a `game` preset:
//   matching_pennies     A = [[1,-1],[-1,1]], B = -A; value 0, unique equilibrium (1/2, 1/2).
//   rock_paper_scissors  actions rock, paper, scissors; A = [[0,-1,1],[1,0,-1],[-1,1,0]],
//                        B = -A; value 0, unique equilibrium uniform.
//   prisoners_dilemma    actions cooperate, defect; A = [[3,0],[5,1]], B = A^T (Axelrod's
//                        T=5, R=3, P=1, S=0); defect strictly dominant: unique equilibrium
//                        (defect, defect), payoffs (1, 1).
//   shapley              A = I_3, B = [[0,1,0],[0,0,1],[1,0,0]] (Shapley 1964): unique
//                        equilibrium uniform, payoffs (1/3, 1/3); fictitious play cycles.
//   coordination         A = B = [[2,0],[0,1]]: equilibria (0,0) with payoffs (2,2), (1,1) with
//                        (1,1), and mixed (1/3, 2/3) each with payoffs (2/3, 2/3).
// Actions: Discrete(m) for "row", Discrete(n) for "column", label "action".
// Observations (`observation`): "actions" (default) — Box [opponent_last_action,
// own_last_action], each in [-1, K-1] for that player's K actions, -1 before the first step;
// "profile" — Discrete(m n + 1) labelled "last_profile": 0 before the first step, else
// 1 + i n + j for the last profile (i, j), the same for both roles.
// Rewards: the payoffs. Feedback (`feedback`): "full" — counterfactual_rewards(0, candidates)
// gives A[c][j] (row) or B[i][c] (column) for each candidate c against the opponent's last
// action; "bandit" — own payoff only (the oracle still answers, for diagnostics).
// Metrics per step: row_payoff, column_payoff, welfare (their sum), row_action_<k> for k < m and
// column_action_<k> for k < n (1 if played this step, else 0: their means are the empirical
// frequencies of play).
// Theory (predicted_metrics): constant-sum games (A + B = c): the value v for the row player
// (c - v for the column player) by Shapley–Snow kernel enumeration, and, when the optimal
// strategies are unique, their probabilities as row_action_<k> / column_action_<k> — what the
// time-averaged play of no-regret learners converges to; games solved by iterated elimination
// of strictly dominated actions: the surviving profile; the shapley preset: its uniform
// equilibrium; coordination: a note listing the equilibria. predicted_strategies gives
// {"equilibrium": {"row": x, "column": y, "note"}} whenever the equilibrium is unique.
//
// Parameters:
//   game            preset name or null, default null   one of the presets above
//   row_payoffs     m x n list of lists or null         A (required when game is null)
//   column_payoffs  m x n list of lists or null         B; null = -A (zero-sum)
//   feedback        "full" | "bandit", default "full"
//   observation     "actions" | "profile", default "actions"
//
// Shapley, "Some topics in two-person games", Advances in Game Theory (1964); Shapley & Snow,
// "Basic solutions of discrete games", Contributions to the Theory of Games I (1950); von
// Neumann (1928); Brown (1951); Robinson (1951).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "envs/env.h"
#include "envs/env_registry.h"

namespace agora {

// Optimal strategies of the two-player zero-sum game with row payoffs `a` (the row player
// maximises, the column player minimises x^T a y).
struct MatrixGameSolution {
  double value = 0.0;
  // The extreme optimal strategies (distinct vertices of the optimal polytopes).
  std::vector<Eigen::VectorXd> row_strategies;
  std::vector<Eigen::VectorXd> column_strategies;
  bool row_unique() const { return row_strategies.size() == 1; }
  bool column_unique() const { return column_strategies.size() == 1; }
};

// Solves a zero-sum matrix game exactly (up to rounding) by enumerating the square submatrices
// of a + shift > 0 (Shapley & Snow 1950: every extreme optimal pair comes from a nonsingular
// kernel M with v = 1 / (1^T M^-1 1), x = v 1^T M^-1, y = v M^-1 1). Returns nullopt when the
// game has more than `max_submatrices` square submatrices (C(m + n, m) - 1).
std::optional<MatrixGameSolution> solve_zero_sum(const Eigen::MatrixXd& a,
                                                 std::int64_t max_submatrices = 200000);

// The profile left by iterated elimination of actions strictly dominated by another pure action,
// if only one is left (it is then the unique Nash equilibrium).
std::optional<std::pair<int, int>> dominance_solution(const Eigen::MatrixXd& a,
                                                      const Eigen::MatrixXd& b);

class MatrixGameEnv final : public Env {
 public:
  enum class Observation { kActions, kProfile };

  MatrixGameEnv(const Json& params, const EnvContext& ctx);
  // The preset's payoff matrices; throws ConfigError at `path` for an unknown name.
  static std::pair<Eigen::MatrixXd, Eigen::MatrixXd> preset(const std::string& name,
                                                            const std::string& path);
  static const std::vector<std::string>& preset_names();

  // 0: row payoffs A, 1: column payoffs B; both m x n, indexed (row action, column action).
  const Eigen::MatrixXd& payoffs(int role) const { return role == 0 ? row_payoffs_ : col_payoffs_; }
  const std::string& game() const { return game_; }

  const CounterfactualFeedback* counterfactual_oracle(int role) const override {
    return role == 0 ? static_cast<const CounterfactualFeedback*>(&row_oracle_) : &col_oracle_;
  }
  Json predicted_metrics() const override;
  Json predicted_strategies() const override;

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  class Oracle final : public CounterfactualFeedback {
   public:
    Oracle(const MatrixGameEnv& env, int role) : env_(env), role_(role) {}
    void counterfactual_rewards(int agent, const RowBatch& candidates,
                                Eigen::Ref<Eigen::ArrayXd> out) const override;

   private:
    const MatrixGameEnv& env_;
    int role_;
  };

  struct Setup {
    std::string game;
    Eigen::MatrixXd row_payoffs;
    Eigen::MatrixXd column_payoffs;
  };
  static Setup read_setup(const Json& params, const std::string& path);
  MatrixGameEnv(Setup setup, const Json& params, const EnvContext& ctx);

  struct Equilibrium {
    std::optional<Eigen::VectorXd> row;  // set when unique
    std::optional<Eigen::VectorXd> column;
    std::optional<double> row_payoff;
    std::optional<double> column_payoff;
    std::string note;
  };
  Equilibrium equilibrium() const;
  void fill_observations(StepResult& result) const;

  const std::string game_;
  const Eigen::MatrixXd row_payoffs_;
  const Eigen::MatrixXd col_payoffs_;
  const Observation observation_;
  const Oracle row_oracle_;
  const Oracle col_oracle_;
  int last_row_ = -1;  // -1 before the first step
  int last_col_ = -1;
};

}  // namespace agora
