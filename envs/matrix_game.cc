#include "envs/matrix_game.h"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "core/error.h"

namespace agora {

namespace {

constexpr double kProbabilityTolerance = 1e-9;
constexpr double kDistinctStrategies = 1e-7;

template <class F>
void for_each_combination(int n, int k, F&& f) {
  std::vector<int> index(k);
  for (int i = 0; i < k; ++i) index[i] = i;
  for (;;) {
    f(index);
    int i = k - 1;
    while (i >= 0 && index[i] == n - k + i) --i;
    if (i < 0) return;
    ++index[i];
    for (int j = i + 1; j < k; ++j) index[j] = index[j - 1] + 1;
  }
}

void add_distinct(std::vector<Eigen::VectorXd>& set, const Eigen::VectorXd& x) {
  for (const auto& s : set) {
    if ((s - x).cwiseAbs().maxCoeff() <= kDistinctStrategies) return;
  }
  set.push_back(x);
}

Eigen::VectorXd cleaned(Eigen::VectorXd x) {
  x = x.cwiseMax(0.0);
  return x / x.sum();
}

std::string format(double x) {
  std::ostringstream out;
  out.precision(6);
  out << (std::fabs(x) < 1e-12 ? 0.0 : x);
  return out.str();
}

std::string format(const Eigen::VectorXd& x) {
  std::string out = "(";
  for (Eigen::Index k = 0; k < x.size(); ++k) out += (k ? ", " : "") + format(x(k));
  return out + ")";
}

Eigen::MatrixXd matrix(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (double x : row) m(i, j++) = x;
    ++i;
  }
  return m;
}

Json validate_matrix(const Json& value, const std::string& path) {
  if (!value.is_array() || value.empty()) {
    throw ConfigError(
        path, "expected a non-empty list of rows (lists of numbers), got " + json_type_name(value));
  }
  std::size_t columns = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& row = value[i];
    const std::string row_path = index_path(path, i);
    if (!row.is_array() || row.empty()) {
      throw ConfigError(row_path,
                        "expected a non-empty list of numbers, got " +
                            (row.is_array() ? std::string("an empty list") : json_type_name(row)));
    }
    if (i == 0) columns = row.size();
    if (row.size() != columns) {
      throw ConfigError(row_path, "row has " + std::to_string(row.size()) +
                                      " entries but row 0 has " + std::to_string(columns) +
                                      " (the matrix must be rectangular)");
    }
    for (std::size_t j = 0; j < row.size(); ++j) {
      const std::string entry_path = index_path(row_path, j);
      if (!row[j].is_number()) {
        throw ConfigError(entry_path, "expected a number, got " + json_type_name(row[j]));
      }
      if (!std::isfinite(row[j].get<double>())) {
        throw ConfigError(entry_path, "payoff is not finite");
      }
    }
  }
  return value;
}

Eigen::MatrixXd to_matrix(const Json& value) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(value.size()),
                    static_cast<Eigen::Index>(value[0].size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = value[i][j].get<double>();
  }
  return m;
}

std::string shape(const Eigen::MatrixXd& m) {
  return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
}

std::vector<RoleSpec> make_roles(const Eigen::MatrixXd& a, const Json& params) {
  const int m = static_cast<int>(a.rows());
  const int n = static_cast<int>(a.cols());
  const Feedback feedback =
      params.at("feedback").get<std::string>() == "full" ? Feedback::kFull : Feedback::kBandit;
  const bool profile = params.at("observation").get<std::string>() == "profile";
  auto observation = [&](int own, int opponent) {
    if (profile) return Space::discrete(m * n + 1, "last_profile");
    return Space::box(Eigen::Array2d(-1.0, -1.0), Eigen::Array2d(opponent - 1.0, own - 1.0),
                      {"opponent_last_action", "own_last_action"});
  };
  return {{"row", 1, observation(m, n), Space::discrete(m, "action"), feedback},
          {"column", 1, observation(n, m), Space::discrete(n, "action"), feedback}};
}

std::vector<std::string> make_metric_names(const Eigen::MatrixXd& a) {
  std::vector<std::string> names = {"row_payoff", "column_payoff", "welfare"};
  for (Eigen::Index k = 0; k < a.rows(); ++k) names.push_back("row_action_" + std::to_string(k));
  for (Eigen::Index k = 0; k < a.cols(); ++k) {
    names.push_back("column_action_" + std::to_string(k));
  }
  return names;
}

}  // namespace

std::optional<MatrixGameSolution> solve_zero_sum(const Eigen::MatrixXd& a,
                                                 std::int64_t max_submatrices) {
  const int m = static_cast<int>(a.rows());
  const int n = static_cast<int>(a.cols());
  AGORA_CHECK(m >= 1 && n >= 1);
  AGORA_CHECK(a.allFinite());
  double square_submatrices = 1.0;  // C(m + n, m), then minus the empty one
  for (int k = 1; k <= m; ++k) square_submatrices = square_submatrices * (n + k) / k;
  if (square_submatrices - 1.0 > static_cast<double>(max_submatrices)) return std::nullopt;

  const double shift = 1.0 - a.minCoeff();
  const Eigen::MatrixXd p = a.array() + shift;  // > 0, so the value is >= 1
  const double tolerance = 1e-9 * p.maxCoeff();
  MatrixGameSolution solution;
  std::optional<double> value;
  Eigen::MatrixXd sub;
  for (int k = 1; k <= std::min(m, n); ++k) {
    sub.resize(k, k);
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(k);
    for_each_combination(m, k, [&](const std::vector<int>& rows) {
      for_each_combination(n, k, [&](const std::vector<int>& cols) {
        for (int r = 0; r < k; ++r) {
          for (int c = 0; c < k; ++c) sub(r, c) = p(rows[r], cols[c]);
        }
        const Eigen::FullPivLU<Eigen::MatrixXd> lu(sub);
        if (!lu.isInvertible()) return;
        const Eigen::VectorXd z = lu.solve(ones);
        const double total = z.sum();
        if (!(total > 0.0)) return;
        const double v = 1.0 / total;
        const Eigen::VectorXd w = Eigen::FullPivLU<Eigen::MatrixXd>(sub.transpose()).solve(ones);
        Eigen::VectorXd x = Eigen::VectorXd::Zero(m);
        Eigen::VectorXd y = Eigen::VectorXd::Zero(n);
        for (int r = 0; r < k; ++r) x(rows[r]) = v * w(r);
        for (int c = 0; c < k; ++c) y(cols[c]) = v * z(c);
        if (x.minCoeff() < -kProbabilityTolerance || y.minCoeff() < -kProbabilityTolerance) {
          return;
        }
        if ((p * y).maxCoeff() > v + tolerance) return;
        if ((p.transpose() * x).minCoeff() < v - tolerance) return;
        if (value) {
          AGORA_CHECK_LE(std::fabs(*value - v), 1e-6 * v);
        } else {
          value = v;
        }
        add_distinct(solution.row_strategies, cleaned(x));
        add_distinct(solution.column_strategies, cleaned(y));
      });
    });
  }
  AGORA_CHECK(value.has_value());  // every matrix game has a kernel (Shapley & Snow 1950)
  solution.value = *value - shift;
  return solution;
}

std::optional<std::pair<int, int>> dominance_solution(const Eigen::MatrixXd& a,
                                                      const Eigen::MatrixXd& b) {
  AGORA_CHECK(a.rows() == b.rows() && a.cols() == b.cols());
  std::vector<int> rows(a.rows()), cols(a.cols());
  for (int i = 0; i < a.rows(); ++i) rows[i] = i;
  for (int j = 0; j < a.cols(); ++j) cols[j] = j;
  // Does `better` strictly beat `worse` against every surviving action of the opponent?
  auto row_dominates = [&](int better, int worse) {
    return std::all_of(cols.begin(), cols.end(), [&](int j) { return a(better, j) > a(worse, j); });
  };
  auto col_dominates = [&](int better, int worse) {
    return std::all_of(rows.begin(), rows.end(), [&](int i) { return b(i, better) > b(i, worse); });
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (std::any_of(rows.begin(), rows.end(),
                      [&](int other) { return row_dominates(other, rows[r]); })) {
        rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(r));
        changed = true;
        break;
      }
    }
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (std::any_of(cols.begin(), cols.end(),
                      [&](int other) { return col_dominates(other, cols[c]); })) {
        cols.erase(cols.begin() + static_cast<std::ptrdiff_t>(c));
        changed = true;
        break;
      }
    }
  }
  if (rows.size() == 1 && cols.size() == 1) return std::make_pair(rows[0], cols[0]);
  return std::nullopt;
}

const std::vector<std::string>& MatrixGameEnv::preset_names() {
  static const std::vector<std::string> names = {"matching_pennies", "rock_paper_scissors",
                                                 "prisoners_dilemma", "shapley", "coordination"};
  return names;
}

std::pair<Eigen::MatrixXd, Eigen::MatrixXd> MatrixGameEnv::preset(const std::string& name,
                                                                  const std::string& path) {
  if (name == "matching_pennies") {
    const Eigen::MatrixXd a = matrix({{1, -1}, {-1, 1}});
    return {a, -a};
  }
  if (name == "rock_paper_scissors") {
    const Eigen::MatrixXd a = matrix({{0, -1, 1}, {1, 0, -1}, {-1, 1, 0}});
    return {a, -a};
  }
  if (name == "prisoners_dilemma") {
    const Eigen::MatrixXd a = matrix({{3, 0}, {5, 1}});
    return {a, a.transpose()};
  }
  if (name == "shapley") {
    return {Eigen::MatrixXd::Identity(3, 3), matrix({{0, 1, 0}, {0, 0, 1}, {1, 0, 0}})};
  }
  if (name == "coordination") {
    const Eigen::MatrixXd a = matrix({{2, 0}, {0, 1}});
    return {a, a};
  }
  throw ConfigError(path, "unknown game '" + name + "'");
}

MatrixGameEnv::Setup MatrixGameEnv::read_setup(const Json& params, const std::string& path) {
  const Json& game = params.at("game");
  const Json& row = params.at("row_payoffs");
  const Json& column = params.at("column_payoffs");
  Setup setup;
  if (!game.is_null()) {
    if (!row.is_null() || !column.is_null()) {
      throw ConfigError(join_path(path, row.is_null() ? "column_payoffs" : "row_payoffs"),
                        "give either a preset 'game' or payoff matrices, not both");
    }
    setup.game = game.get<std::string>();
    std::tie(setup.row_payoffs, setup.column_payoffs) = preset(setup.game, join_path(path, "game"));
    return setup;
  }
  if (row.is_null()) {
    throw ConfigError(join_path(path, "game"),
                      "give a preset 'game' or the payoff matrix 'row_payoffs' (and optionally "
                      "'column_payoffs')");
  }
  setup.row_payoffs = to_matrix(row);
  if (column.is_null()) {
    setup.column_payoffs = -setup.row_payoffs;
  } else {
    setup.column_payoffs = to_matrix(column);
    if (setup.column_payoffs.rows() != setup.row_payoffs.rows() ||
        setup.column_payoffs.cols() != setup.row_payoffs.cols()) {
      throw ConfigError(join_path(path, "column_payoffs"),
                        "is " + shape(setup.column_payoffs) + " but row_payoffs is " +
                            shape(setup.row_payoffs) +
                            " (both are indexed [row action][column action])");
    }
  }
  return setup;
}

MatrixGameEnv::MatrixGameEnv(const Json& params, const EnvContext& ctx)
    : MatrixGameEnv(read_setup(params, join_path(ctx.path, "params")), params, ctx) {}

MatrixGameEnv::MatrixGameEnv(Setup setup, const Json& params, const EnvContext& ctx)
    : Env(make_roles(setup.row_payoffs, params), make_metric_names(setup.row_payoffs), ctx.horizon),
      game_(std::move(setup.game)),
      row_payoffs_(std::move(setup.row_payoffs)),
      col_payoffs_(std::move(setup.column_payoffs)),
      observation_(params.at("observation").get<std::string>() == "profile"
                       ? Observation::kProfile
                       : Observation::kActions),
      row_oracle_(*this, 0),
      col_oracle_(*this, 1) {}

void MatrixGameEnv::fill_observations(StepResult& result) const {
  RowBatch& row = result.roles[0].observations;
  RowBatch& col = result.roles[1].observations;
  if (observation_ == Observation::kProfile) {
    const double profile =
        last_row_ < 0 ? 0.0
                      : 1.0 + last_row_ * static_cast<double>(row_payoffs_.cols()) + last_col_;
    row(0, 0) = profile;
    col(0, 0) = profile;
    return;
  }
  row(0, 0) = last_col_;
  row(0, 1) = last_row_;
  col(0, 0) = last_row_;
  col(0, 1) = last_col_;
}

void MatrixGameEnv::on_reset(Rng& /*rng*/, StepResult& result) {
  last_row_ = -1;
  last_col_ = -1;
  for (auto& role : result.roles) role.active.setConstant(true);
  fill_observations(result);
}

void MatrixGameEnv::on_step(const std::vector<RowBatch>& actions, Rng& /*rng*/,
                            StepResult& result) {
  const int i = static_cast<int>(actions[0](0, 0));
  const int j = static_cast<int>(actions[1](0, 0));
  last_row_ = i;
  last_col_ = j;
  const double row_payoff = row_payoffs_(i, j);
  const double col_payoff = col_payoffs_(i, j);
  result.roles[0].rewards(0) = row_payoff;
  result.roles[1].rewards(0) = col_payoff;
  Eigen::ArrayXd& metrics = result.metrics;
  metrics.setZero();
  metrics(0) = row_payoff;
  metrics(1) = col_payoff;
  metrics(2) = row_payoff + col_payoff;
  metrics(3 + i) = 1.0;
  metrics(3 + row_payoffs_.rows() + j) = 1.0;
  fill_observations(result);
}

void MatrixGameEnv::Oracle::counterfactual_rewards(int agent, const RowBatch& candidates,
                                                   Eigen::Ref<Eigen::ArrayXd> out) const {
  AGORA_CHECK_EQ(agent, 0);
  AGORA_CHECK_EQ(candidates.rows(), out.size());
  if (env_.last_row_ < 0) throw InvariantError("matrix_game: counterfactuals before a step");
  const Eigen::MatrixXd& payoffs = env_.payoffs(role_);
  const Eigen::Index actions = role_ == 0 ? payoffs.rows() : payoffs.cols();
  for (Eigen::Index r = 0; r < candidates.rows(); ++r) {
    const double c = candidates(r, 0);
    const auto k = static_cast<Eigen::Index>(c);
    AGORA_CHECK(static_cast<double>(k) == c && k >= 0 && k < actions);
    out(r) = role_ == 0 ? payoffs(k, env_.last_col_) : payoffs(env_.last_row_, k);
  }
}

MatrixGameEnv::Equilibrium MatrixGameEnv::equilibrium() const {
  Equilibrium eq;
  const Eigen::MatrixXd& a = row_payoffs_;
  const Eigen::MatrixXd& b = col_payoffs_;
  const Eigen::ArrayXXd sum = (a + b).array();
  const double scale = std::max({1.0, a.cwiseAbs().maxCoeff(), b.cwiseAbs().maxCoeff()});
  const double constant = sum(0, 0);
  if ((sum - constant).abs().maxCoeff() <= 1e-12 * scale) {
    const std::optional<MatrixGameSolution> solution = solve_zero_sum(a);
    if (!solution) {
      eq.note = "constant-sum game too large for exact kernel enumeration; no prediction";
      return eq;
    }
    eq.row_payoff = solution->value;
    eq.column_payoff = constant - solution->value;
    std::ostringstream note;
    note << (constant == 0.0 ? "zero-sum" : "constant-sum") << " game: value "
         << format(solution->value) << " for the row player (Shapley-Snow kernels)";
    if (solution->row_unique()) eq.row = solution->row_strategies[0];
    if (solution->column_unique()) eq.column = solution->column_strategies[0];
    if (eq.row && eq.column) {
      note << "; unique optimal strategies " << format(*eq.row) << " and " << format(*eq.column)
           << ", the limit of no-regret learners' time-averaged play";
    } else {
      note << "; optimal strategies not unique (" << solution->row_strategies.size() << " and "
           << solution->column_strategies.size() << " extreme ones), frequencies shown only "
           << "where unique";
      if (eq.row) note << " (row " << format(*eq.row) << ")";
      if (eq.column) note << " (column " << format(*eq.column) << ")";
    }
    eq.note = note.str();
    return eq;
  }
  if (const auto profile = dominance_solution(a, b)) {
    const auto [i, j] = *profile;
    eq.row = Eigen::VectorXd::Unit(a.rows(), i);
    eq.column = Eigen::VectorXd::Unit(a.cols(), j);
    eq.row_payoff = a(i, j);
    eq.column_payoff = b(i, j);
    eq.note = "iterated elimination of strictly dominated actions leaves (" + std::to_string(i) +
              ", " + std::to_string(j) + "): the unique Nash equilibrium";
    return eq;
  }
  if (game_ == "shapley") {
    eq.row = Eigen::VectorXd::Constant(3, 1.0 / 3.0);
    eq.column = *eq.row;
    eq.row_payoff = 1.0 / 3.0;
    eq.column_payoff = 1.0 / 3.0;
    eq.note =
        "Shapley's game: unique Nash equilibrium uniform with payoffs 1/3 each; fictitious play's "
        "empirical frequencies do not converge to it (Shapley 1964)";
    return eq;
  }
  if (game_ == "coordination") {
    eq.note =
        "coordination game: equilibria (0, 0) with payoffs (2, 2), (1, 1) with (1, 1), and each "
        "playing action 0 with probability 1/3 with (2/3, 2/3)";
  }
  return eq;
}

Json MatrixGameEnv::predicted_metrics() const {
  const Equilibrium eq = equilibrium();
  Json out = Json::object();
  if (eq.row_payoff && eq.column_payoff) {
    out["row_payoff"] = *eq.row_payoff;
    out["column_payoff"] = *eq.column_payoff;
    out["welfare"] = *eq.row_payoff + *eq.column_payoff;
  }
  if (eq.row) {
    for (Eigen::Index k = 0; k < eq.row->size(); ++k) {
      out["row_action_" + std::to_string(k)] = (*eq.row)(k);
    }
  }
  if (eq.column) {
    for (Eigen::Index k = 0; k < eq.column->size(); ++k) {
      out["column_action_" + std::to_string(k)] = (*eq.column)(k);
    }
  }
  if (!eq.note.empty()) out["note"] = eq.note;
  return out;
}

Json MatrixGameEnv::predicted_strategies() const {
  const Equilibrium eq = equilibrium();
  if (!eq.row && !eq.column) return Json::object();
  Json strategies = {{"note", eq.note}};
  auto list = [](const Eigen::VectorXd& x) {
    return std::vector<double>(x.data(), x.data() + x.size());
  };
  if (eq.row) strategies["row"] = list(*eq.row);
  if (eq.column) strategies["column"] = list(*eq.column);
  return Json{{"equilibrium", strategies}};
}

namespace {

std::unique_ptr<Env> make(const Json& params, const EnvContext& ctx) {
  return std::make_unique<MatrixGameEnv>(params, ctx);
}

ParamSpecs matrix_game_params() {
  const std::string matrix_type = "list of m lists of n numbers, or null";
  return {
      param::text("game", nullptr, MatrixGameEnv::preset_names(),
                  "preset game (docs/matrix_game.md); null: give row_payoffs")
          .allow_null(),
      param::custom("row_payoffs", nullptr, matrix_type,
                    "A[i][j]: the row player's payoff when row plays i and column plays j",
                    &validate_matrix)
          .allow_null(),
      param::custom("column_payoffs", nullptr, matrix_type,
                    "B[i][j]: the column player's payoff when row plays i and column plays j "
                    "(same m x n shape as A); null: -A (zero-sum)",
                    &validate_matrix)
          .allow_null(),
      param::text("feedback", "full", {"full", "bandit"},
                  "full: learners get the payoff of every own action against the opponent's "
                  "last action (counterfactuals); bandit: own payoff only"),
      param::text("observation", "actions", {"actions", "profile"},
                  "actions: Box [opponent_last_action, own_last_action] (-1 before the first "
                  "step); profile: Discrete(m n + 1), 0 before the first step, else 1 + i n + j"),
  };
}

const bool registered = EnvRegistry::instance().add(
    {"env", "matrix_game", "Repeated two-player normal-form game from payoff matrices or a preset.",
     "Roles row and column (one agent each) play actions i < m and j < n every step and get "
     "A[i][j] and B[i][j] (B = -A when omitted). Presets: matching_pennies, "
     "rock_paper_scissors, prisoners_dilemma, shapley (Shapley 1964, where fictitious play "
     "cycles), coordination. Observations: the last actions; full-information feedback gives "
     "the payoff of every own action against the opponent's last action. Metrics: payoffs, "
     "welfare and per-action play indicators (their means are the frequencies of play). Theory: "
     "value and optimal strategies of constant-sum games (Shapley & Snow 1950), dominance-"
     "solvable games, Shapley's game.",
     matrix_game_params()},
    EnvFactory{&make, false});

}  // namespace
}  // namespace agora
