#include "experiments/empirical_game.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "experiments/experiment_config.h"
#include "experiments/simulation.h"

namespace agora {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every vector of `parts` non-negative integers summing to `total`, lexicographically decreasing.
void compositions(int total, int parts, std::vector<int>& prefix,
                  std::vector<std::vector<int>>& out) {
  if (static_cast<int>(prefix.size()) + 1 == parts) {
    prefix.push_back(total);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int c = total; c >= 0; --c) {
    prefix.push_back(c);
    compositions(total - c, parts, prefix, out);
    prefix.pop_back();
  }
}

// Multinomial probability of `counts` in sum(counts) draws from `x`.
double multinomial(const std::vector<int>& counts, const Eigen::VectorXd& x) {
  int total = 0;
  double log_p = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const int c = counts[k];
    if (c == 0) continue;
    const double p = x(static_cast<Eigen::Index>(k));
    if (!(p > 0.0)) return 0.0;
    total += c;
    log_p += c * std::log(p) - std::lgamma(c + 1.0);
  }
  return std::exp(log_p + std::lgamma(total + 1.0));
}

}  // namespace

MetaGame::MetaGame(std::vector<Role> roles) : roles_(std::move(roles)) {
  AGORA_CHECK(!roles_.empty());
  for (const Role& role : roles_) {
    AGORA_CHECK_GE(role.players, 1);
    AGORA_CHECK(!role.strategies.empty());
    role_offset_.push_back(row_size_);
    row_size_ += static_cast<int>(role.strategies.size());
  }
  std::vector<std::vector<std::vector<int>>> per_role;
  for (const Role& role : roles_) {
    std::vector<int> prefix;
    per_role.emplace_back();
    compositions(role.players, static_cast<int>(role.strategies.size()), prefix, per_role.back());
  }
  std::vector<std::size_t> pick(roles_.size(), 0);
  while (true) {
    Counts counts;
    for (std::size_t r = 0; r < roles_.size(); ++r) counts.push_back(per_role[r][pick[r]]);
    index_.emplace(counts, static_cast<int>(profiles_.size()));
    profiles_.push_back(std::move(counts));
    std::size_t r = roles_.size();
    while (r > 0) {
      --r;
      if (++pick[r] < per_role[r].size()) break;
      pick[r] = 0;
      if (r == 0) {
        payoffs_.assign(profiles_.size() * static_cast<std::size_t>(row_size_), kNaN);
        return;
      }
    }
  }
}

MetaGame MetaGame::bimatrix(const Eigen::MatrixXd& row, const Eigen::MatrixXd& column) {
  AGORA_CHECK_EQ(row.rows(), column.rows());
  AGORA_CHECK_EQ(row.cols(), column.cols());
  std::vector<Role> roles(2);
  roles[0].name = "row";
  roles[1].name = "column";
  for (Eigen::Index k = 0; k < row.rows(); ++k) roles[0].strategies.push_back(std::to_string(k));
  for (Eigen::Index l = 0; l < row.cols(); ++l) roles[1].strategies.push_back(std::to_string(l));
  MetaGame game(std::move(roles));
  for (Eigen::Index k = 0; k < row.rows(); ++k) {
    for (Eigen::Index l = 0; l < row.cols(); ++l) {
      Counts counts{std::vector<int>(static_cast<std::size_t>(row.rows()), 0),
                    std::vector<int>(static_cast<std::size_t>(row.cols()), 0)};
      counts[0][static_cast<std::size_t>(k)] = 1;
      counts[1][static_cast<std::size_t>(l)] = 1;
      const int p = game.profile_index(counts);
      game.set_payoff(p, 0, static_cast<int>(k), row(k, l));
      game.set_payoff(p, 1, static_cast<int>(l), column(k, l));
    }
  }
  return game;
}

MetaGame MetaGame::symmetric(const Eigen::MatrixXd& payoff) {
  AGORA_CHECK_EQ(payoff.rows(), payoff.cols());
  std::vector<Role> roles(1);
  roles[0].name = "player";
  roles[0].players = 2;
  for (Eigen::Index k = 0; k < payoff.rows(); ++k) {
    roles[0].strategies.push_back(std::to_string(k));
  }
  MetaGame game(std::move(roles));
  for (Eigen::Index k = 0; k < payoff.rows(); ++k) {
    for (Eigen::Index l = 0; l < payoff.cols(); ++l) {
      Counts counts{std::vector<int>(static_cast<std::size_t>(payoff.rows()), 0)};
      ++counts[0][static_cast<std::size_t>(k)];
      ++counts[0][static_cast<std::size_t>(l)];
      const int p = game.profile_index(counts);
      const double existing = game.payoff(p, 0, static_cast<int>(k));
      AGORA_CHECK(std::isnan(existing) || existing == payoff(k, l));
      game.set_payoff(p, 0, static_cast<int>(k), payoff(k, l));
    }
  }
  return game;
}

int MetaGame::profile_index(const Counts& counts) const {
  const auto it = index_.find(counts);
  return it == index_.end() ? -1 : it->second;
}

std::size_t MetaGame::offset(int profile, int role, int strategy) const {
  AGORA_CHECK(profile >= 0 && profile < profile_count());
  AGORA_CHECK(role >= 0 && role < static_cast<int>(roles_.size()));
  AGORA_CHECK(strategy >= 0 &&
              strategy <
                  static_cast<int>(roles_[static_cast<std::size_t>(role)].strategies.size()));
  return static_cast<std::size_t>(profile) * static_cast<std::size_t>(row_size_) +
         static_cast<std::size_t>(role_offset_[static_cast<std::size_t>(role)] + strategy);
}

double MetaGame::payoff(int profile, int role, int strategy) const {
  return payoffs_[offset(profile, role, strategy)];
}

void MetaGame::set_payoff(int profile, int role, int strategy, double value) {
  AGORA_CHECK_GE(
      counts(profile)[static_cast<std::size_t>(role)][static_cast<std::size_t>(strategy)], 1);
  payoffs_[offset(profile, role, strategy)] = value;
}

bool MetaGame::complete() const {
  for (int p = 0; p < profile_count(); ++p) {
    for (std::size_t r = 0; r < roles_.size(); ++r) {
      for (std::size_t k = 0; k < roles_[r].strategies.size(); ++k) {
        if (counts(p)[r][k] > 0 &&
            std::isnan(payoff(p, static_cast<int>(r), static_cast<int>(k)))) {
          return false;
        }
      }
    }
  }
  return true;
}

MetaGame MetaGame::with_strategy(int role, const std::string& label) const {
  std::vector<Role> roles = roles_;
  roles[static_cast<std::size_t>(role)].strategies.push_back(label);
  MetaGame out(std::move(roles));
  for (int p = 0; p < profile_count(); ++p) {
    Counts extended = counts(p);
    extended[static_cast<std::size_t>(role)].push_back(0);
    const int q = out.profile_index(extended);
    AGORA_CHECK_GE(q, 0);
    for (std::size_t r = 0; r < roles_.size(); ++r) {
      for (std::size_t k = 0; k < roles_[r].strategies.size(); ++k) {
        out.payoffs_[out.offset(q, static_cast<int>(r), static_cast<int>(k))] =
            payoff(p, static_cast<int>(r), static_cast<int>(k));
      }
    }
  }
  return out;
}

MetaGame::Mixture MetaGame::deviation_payoffs(const Mixture& mixture) const {
  AGORA_CHECK_EQ(mixture.size(), roles_.size());
  Mixture out;
  for (const Role& role : roles_) {
    out.push_back(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(role.strategies.size())));
  }
  std::vector<double> role_probability(roles_.size());
  for (int p = 0; p < profile_count(); ++p) {
    const Counts& c = counts(p);
    for (std::size_t r = 0; r < roles_.size(); ++r) {
      role_probability[r] = multinomial(c[r], mixture[r]);
    }
    for (std::size_t r = 0; r < roles_.size(); ++r) {
      double others = 1.0;
      for (std::size_t s = 0; s < roles_.size(); ++s) {
        if (s != r) others *= role_probability[s];
      }
      if (others == 0.0) continue;
      std::vector<int> rest = c[r];
      for (std::size_t k = 0; k < rest.size(); ++k) {
        if (rest[k] == 0) continue;
        --rest[k];
        const double probability = others * multinomial(rest, mixture[r]);
        ++rest[k];
        if (probability == 0.0) continue;
        const double value = payoff(p, static_cast<int>(r), static_cast<int>(k));
        AGORA_CHECK(!std::isnan(value));
        out[r](static_cast<Eigen::Index>(k)) += probability * value;
      }
    }
  }
  return out;
}

double MetaGame::nash_conv(const Mixture& mixture) const {
  const Mixture u = deviation_payoffs(mixture);
  double total = 0.0;
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    total += roles_[r].players * (u[r].maxCoeff() - mixture[r].dot(u[r]));
  }
  return total;
}

double MetaGame::payoff_range() const {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const double v : payoffs_) {
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return hi > lo ? hi - lo : 0.0;
}

Json MetaGame::to_json() const {
  Json roles = Json::array();
  for (const Role& role : roles_) {
    roles.push_back(
        {{"name", role.name}, {"players", role.players}, {"strategies", role.strategies}});
  }
  Json profiles = Json::array();
  for (int p = 0; p < profile_count(); ++p) {
    Json counts_json = Json::object();
    Json payoffs_json = Json::object();
    for (std::size_t r = 0; r < roles_.size(); ++r) {
      counts_json[roles_[r].name] = counts(p)[r];
      Json row = Json::array();
      for (std::size_t k = 0; k < roles_[r].strategies.size(); ++k) {
        const double v = payoff(p, static_cast<int>(r), static_cast<int>(k));
        row.push_back(std::isnan(v) ? Json(nullptr) : Json(v));
      }
      payoffs_json[roles_[r].name] = row;
    }
    profiles.push_back({{"counts", counts_json}, {"payoffs", payoffs_json}});
  }
  return {{"roles", roles}, {"profiles", profiles}};
}

// ---- solvers ----

MetaSolverOptions::Method MetaSolverOptions::method_from_name(const std::string& name,
                                                              const std::string& path) {
  if (name == "auto") return Method::kAuto;
  if (name == "support_enumeration") return Method::kSupportEnumeration;
  if (name == "replicator_dynamics") return Method::kReplicatorDynamics;
  if (name == "regret_matching") return Method::kRegretMatching;
  throw ConfigError(path, "unknown meta-solver '" + name +
                              "' (known: auto, support_enumeration, replicator_dynamics, "
                              "regret_matching)");
}

namespace {

enum class Shape { kBimatrix, kSymmetricPair, kOther };

Shape shape_of(const MetaGame& game) {
  const auto& roles = game.roles();
  if (roles.size() == 2 && roles[0].players == 1 && roles[1].players == 1) return Shape::kBimatrix;
  if (roles.size() == 1 && roles[0].players == 2) return Shape::kSymmetricPair;
  return Shape::kOther;
}

// A(k, l), B(k, l) of a bimatrix game, or (symmetric pair) A(k, l) = payoff of k against l.
void payoff_matrices(const MetaGame& game, Shape shape, Eigen::MatrixXd& a, Eigen::MatrixXd& b) {
  const auto k0 = static_cast<Eigen::Index>(game.roles()[0].strategies.size());
  const auto k1 =
      shape == Shape::kBimatrix ? static_cast<Eigen::Index>(game.roles()[1].strategies.size()) : k0;
  a.resize(k0, k1);
  b.resize(k0, k1);
  for (Eigen::Index k = 0; k < k0; ++k) {
    for (Eigen::Index l = 0; l < k1; ++l) {
      MetaGame::Counts counts;
      if (shape == Shape::kBimatrix) {
        counts = {std::vector<int>(static_cast<std::size_t>(k0), 0),
                  std::vector<int>(static_cast<std::size_t>(k1), 0)};
        counts[0][static_cast<std::size_t>(k)] = 1;
        counts[1][static_cast<std::size_t>(l)] = 1;
        const int p = game.profile_index(counts);
        a(k, l) = game.payoff(p, 0, static_cast<int>(k));
        b(k, l) = game.payoff(p, 1, static_cast<int>(l));
      } else {
        counts = {std::vector<int>(static_cast<std::size_t>(k0), 0)};
        ++counts[0][static_cast<std::size_t>(k)];
        ++counts[0][static_cast<std::size_t>(l)];
        const int p = game.profile_index(counts);
        a(k, l) = game.payoff(p, 0, static_cast<int>(k));
        b(k, l) = game.payoff(p, 0, static_cast<int>(l));
      }
    }
  }
}

std::vector<std::vector<int>> subsets_of_size(int n, int size) {
  std::vector<std::vector<int>> out;
  std::vector<int> pick(static_cast<std::size_t>(size));
  std::iota(pick.begin(), pick.end(), 0);
  while (true) {
    out.push_back(pick);
    int i = size - 1;
    while (i >= 0 && pick[static_cast<std::size_t>(i)] == n - size + i) --i;
    if (i < 0) return out;
    ++pick[static_cast<std::size_t>(i)];
    for (int j = i + 1; j < size; ++j) {
      pick[static_cast<std::size_t>(j)] = pick[static_cast<std::size_t>(j - 1)] + 1;
    }
  }
}

// The mixture y on `cols` (zero elsewhere) making every row in `rows` of m earn the same, or
// nullopt when singular or not a distribution.
std::optional<Eigen::VectorXd> indifference(const Eigen::MatrixXd& m, const std::vector<int>& rows,
                                            const std::vector<int>& cols) {
  const auto s = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd system = Eigen::MatrixXd::Zero(s + 1, s + 1);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(s + 1);
  for (Eigen::Index i = 0; i < s; ++i) {
    for (Eigen::Index j = 0; j < s; ++j) {
      system(i, j) = m(rows[static_cast<std::size_t>(i)], cols[static_cast<std::size_t>(j)]);
    }
    system(i, s) = -1.0;
    system(s, i) = 1.0;
  }
  rhs(s) = 1.0;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(system);
  if (!lu.isInvertible()) return std::nullopt;
  const Eigen::VectorXd solution = lu.solve(rhs);
  Eigen::VectorXd y = Eigen::VectorXd::Zero(m.cols());
  for (Eigen::Index j = 0; j < s; ++j) {
    if (solution(j) < -1e-10) return std::nullopt;
    y(cols[static_cast<std::size_t>(j)]) = std::max(0.0, solution(j));
  }
  y /= y.sum();
  return y;
}

// Whether no row earns more against y than the best row in the support (tolerance tol).
bool best_replies(const Eigen::MatrixXd& m, const Eigen::VectorXd& y, const std::vector<int>& rows,
                  double tol) {
  const Eigen::VectorXd values = m * y;
  double support_value = -std::numeric_limits<double>::infinity();
  for (const int k : rows) support_value = std::max(support_value, values(k));
  return values.maxCoeff() <= support_value + tol;
}

std::optional<MetaGame::Mixture> support_enumeration(const MetaGame& game, Shape shape) {
  Eigen::MatrixXd a, b;
  payoff_matrices(game, shape, a, b);
  const double tol = 1e-9 * std::max(1.0, game.payoff_range());
  if (shape == Shape::kSymmetricPair) {
    const int k = static_cast<int>(a.rows());
    for (int size = 1; size <= k; ++size) {
      for (const auto& support : subsets_of_size(k, size)) {
        const auto x = indifference(a, support, support);
        if (x && best_replies(a, *x, support, tol)) return MetaGame::Mixture{*x};
      }
    }
    return std::nullopt;
  }
  const Eigen::MatrixXd bt = b.transpose();
  const int rows = static_cast<int>(a.rows());
  const int cols = static_cast<int>(a.cols());
  for (int size = 1; size <= std::min(rows, cols); ++size) {
    const auto row_supports = subsets_of_size(rows, size);
    const auto col_supports = subsets_of_size(cols, size);
    for (const auto& s : row_supports) {
      for (const auto& t : col_supports) {
        const auto y = indifference(a, s, t);  // column mixture: rows in s indifferent
        if (!y || !best_replies(a, *y, s, tol)) continue;
        const auto x = indifference(bt, t, s);  // row mixture: columns in t indifferent
        if (!x || !best_replies(bt, *x, t, tol)) continue;
        return MetaGame::Mixture{*x, *y};
      }
    }
  }
  return std::nullopt;
}

MetaGame::Mixture uniform_mixture(const MetaGame& game) {
  MetaGame::Mixture x;
  for (const auto& role : game.roles()) {
    const auto k = static_cast<Eigen::Index>(role.strategies.size());
    x.push_back(Eigen::VectorXd::Constant(k, 1.0 / static_cast<double>(k)));
  }
  return x;
}

// Replicator dynamics (exponential weights) or regret matching in self-play; the better of the
// average and the last iterate by NashConv.
MetaSolution iterate(const MetaGame& game, const MetaSolverOptions& options, bool replicator) {
  MetaGame::Mixture x = uniform_mixture(game);
  MetaGame::Mixture average = x;
  for (auto& a : average) a.setZero();
  MetaGame::Mixture cumulative = average;  // log-weights or regrets
  const double range = std::max(game.payoff_range(), 1e-300);
  for (int t = 1; t <= options.iterations; ++t) {
    for (std::size_t r = 0; r < x.size(); ++r) average[r] += x[r];
    const MetaGame::Mixture u = game.deviation_payoffs(x);
    for (std::size_t r = 0; r < x.size(); ++r) {
      if (replicator) {
        cumulative[r] += (options.step_size / (range * std::sqrt(static_cast<double>(t)))) * u[r];
        const Eigen::VectorXd w = (cumulative[r].array() - cumulative[r].maxCoeff()).exp();
        x[r] = w / w.sum();
      } else {
        cumulative[r].array() += u[r].array() - x[r].dot(u[r]);
        const Eigen::VectorXd positive = cumulative[r].cwiseMax(0.0);
        const double total = positive.sum();
        x[r] = total > 0.0 ? Eigen::VectorXd(positive / total)
                           : Eigen::VectorXd::Constant(positive.size(), 1.0 / positive.size());
      }
    }
  }
  for (auto& a : average) a /= a.sum();
  MetaSolution solution;
  solution.iterations = options.iterations;
  const double average_conv = game.nash_conv(average);
  const double last_conv = game.nash_conv(x);
  const std::string name = replicator ? "replicator_dynamics" : "regret_matching";
  if (last_conv < average_conv) {
    solution.mixture = x;
    solution.nash_conv = last_conv;
    solution.method = name + " (last iterate)";
  } else {
    solution.mixture = average;
    solution.nash_conv = average_conv;
    solution.method = name + " (average)";
  }
  return solution;
}

}  // namespace

MetaSolution solve_meta_game(const MetaGame& game, const MetaSolverOptions& options) {
  AGORA_CHECK(game.complete());
  AGORA_CHECK_GE(options.iterations, 1);
  using Method = MetaSolverOptions::Method;
  const Shape shape = shape_of(game);
  std::size_t largest = 0;
  for (const auto& role : game.roles()) largest = std::max(largest, role.strategies.size());
  Method method = options.method;
  if (method == Method::kAuto) {
    const bool small = (shape == Shape::kBimatrix && largest <= 8) ||
                       (shape == Shape::kSymmetricPair && largest <= 16);
    method = small ? Method::kSupportEnumeration : Method::kReplicatorDynamics;
  }
  if (method == Method::kSupportEnumeration) {
    if (shape == Shape::kOther) {
      throw ConfigError("meta_solver.method",
                        "support enumeration needs two players: two roles of one agent, or one "
                        "role of two agents");
    }
    if (const auto mixture = support_enumeration(game, shape)) {
      MetaSolution solution;
      solution.mixture = *mixture;
      solution.nash_conv = game.nash_conv(*mixture);
      solution.method = "support_enumeration";
      return solution;
    }
    MetaSolution fallback = iterate(game, options, /*replicator=*/true);
    fallback.method += " (support enumeration found no equilibrium: degenerate table)";
    return fallback;
  }
  return iterate(game, options, method == Method::kReplicatorDynamics);
}

Json MetaSolution::to_json(const MetaGame& game) const {
  Json roles = Json::object();
  for (std::size_t r = 0; r < game.roles().size(); ++r) {
    Json strategy = Json::object();
    const auto& labels = game.roles()[r].strategies;
    for (std::size_t k = 0; k < labels.size(); ++k) {
      strategy[labels[k]] = mixture[r](static_cast<Eigen::Index>(k));
    }
    roles[game.roles()[r].name] = strategy;
  }
  return {
      {"method", method}, {"iterations", iterations}, {"nash_conv", nash_conv}, {"mixture", roles}};
}

// ---- estimation ----

namespace {

Json agents_json(const std::vector<std::string>& roles,
                 const std::vector<std::vector<Candidate>>& candidates,
                 const MetaGame::Counts& counts) {
  Json agents = Json::object();
  for (std::size_t r = 0; r < roles.size(); ++r) {
    Json groups = Json::array();
    for (std::size_t k = 0; k < candidates[r].size(); ++k) {
      if (counts[r][k] == 0) continue;
      groups.push_back({{"type", candidates[r][k].type},
                        {"count", counts[r][k]},
                        {"params", candidates[r][k].params}});
    }
    agents[roles[r]] = groups;
  }
  return agents;
}

std::vector<std::string> role_names(const MetaGame& game) {
  std::vector<std::string> names;
  for (const auto& role : game.roles()) names.push_back(role.name);
  return names;
}

MetaGame initial_game(const Json& base, std::map<std::string, std::vector<Candidate>>& candidates,
                      std::vector<std::vector<Candidate>>& ordered,
                      std::vector<std::uint64_t>& seeds) {
  if (!base.is_object()) throw ConfigError("empirical_game.base", "expected an experiment config");
  if (base.contains("sweep")) {
    throw ConfigError("empirical_game.base.sweep",
                      "an empirical game runs one cell per profile: remove the sweep");
  }
  Json first = base;
  Json agents = Json::object();
  for (const auto& [role, list] : candidates) {
    if (list.empty()) {
      throw ConfigError("empirical_game.candidates." + role, "needs at least one candidate");
    }
    agents[role] = Json::array({{{"type", list[0].type}, {"params", list[0].params}}});
  }
  first["agents"] = agents;
  const ExperimentConfig config = validate_experiment(first, "empirical_game", "");
  seeds = config.seeds;
  const Simulation probe(config.cells[0], seeds.at(0));
  std::vector<MetaGame::Role> roles;
  for (const RoleSpec& spec : probe.env().roles()) {
    const auto it = candidates.find(spec.name);
    if (it == candidates.end()) {
      throw ConfigError("empirical_game.candidates",
                        "no candidates for the env's role '" + spec.name + "'");
    }
    MetaGame::Role role;
    role.name = spec.name;
    role.players = spec.pool_size;
    std::vector<Candidate> list = it->second;
    for (std::size_t k = 0; k < list.size(); ++k) {
      if (list[k].label.empty()) list[k].label = list[k].type;
      if (std::find(role.strategies.begin(), role.strategies.end(), list[k].label) !=
          role.strategies.end()) {
        throw ConfigError(index_path("empirical_game.candidates." + spec.name, k) + ".label",
                          "duplicate label '" + list[k].label + "'");
      }
      role.strategies.push_back(list[k].label);
    }
    ordered.push_back(std::move(list));
    roles.push_back(std::move(role));
  }
  for (const auto& [role, list] : candidates) {
    if (probe.env().role_index(role) < 0) {
      throw ConfigError("empirical_game.candidates." + role, "the env has no role '" + role + "'");
    }
  }
  return MetaGame(std::move(roles));
}

}  // namespace

EmpiricalGame::EmpiricalGame(Json base, std::map<std::string, std::vector<Candidate>> candidates,
                             EmpiricalGameOptions options)
    : base_(std::move(base)),
      options_(options),
      game_(initial_game(base_, candidates, candidates_, seeds_)) {
  AGORA_CHECK(options.tail_fraction > 0.0 && options.tail_fraction <= 1.0);
  summaries_.assign(static_cast<std::size_t>(game_.profile_count()), {});
  simulated_.assign(static_cast<std::size_t>(game_.profile_count()), false);
}

void EmpiricalGame::add_candidate(const std::string& role, Candidate candidate) {
  int r = -1;
  for (std::size_t i = 0; i < game_.roles().size(); ++i) {
    if (game_.roles()[i].name == role) r = static_cast<int>(i);
  }
  if (r < 0) throw ConfigError("empirical_game.candidates." + role, "no such role");
  if (candidate.label.empty()) candidate.label = candidate.type;
  const auto& labels = game_.roles()[static_cast<std::size_t>(r)].strategies;
  if (std::find(labels.begin(), labels.end(), candidate.label) != labels.end()) {
    throw ConfigError("empirical_game.candidates." + role,
                      "duplicate label '" + candidate.label + "'");
  }
  MetaGame extended = game_.with_strategy(r, candidate.label);
  std::vector<std::vector<std::vector<Json>>> summaries(
      static_cast<std::size_t>(extended.profile_count()));
  std::vector<bool> simulated(static_cast<std::size_t>(extended.profile_count()), false);
  for (int p = 0; p < game_.profile_count(); ++p) {
    MetaGame::Counts counts = game_.counts(p);
    counts[static_cast<std::size_t>(r)].push_back(0);
    const auto q = static_cast<std::size_t>(extended.profile_index(counts));
    summaries[q] = summaries_[static_cast<std::size_t>(p)];
    if (!summaries[q].empty()) summaries[q][static_cast<std::size_t>(r)].push_back(nullptr);
    simulated[q] = simulated_[static_cast<std::size_t>(p)];
  }
  candidates_[static_cast<std::size_t>(r)].push_back(std::move(candidate));
  game_ = std::move(extended);
  summaries_ = std::move(summaries);
  simulated_ = std::move(simulated);
}

Json EmpiricalGame::profile_config(int profile) const {
  Json config = base_;
  config["agents"] = agents_json(role_names(game_), candidates_, game_.counts(profile));
  return config;
}

const Json& EmpiricalGame::payoff_summary(int profile, int role, int strategy) const {
  static const Json null_json = nullptr;
  const auto& entry = summaries_[static_cast<std::size_t>(profile)];
  if (entry.empty()) return null_json;
  return entry[static_cast<std::size_t>(role)][static_cast<std::size_t>(strategy)];
}

int EmpiricalGame::estimate() {
  int simulated_now = 0;
  for (int p = 0; p < game_.profile_count(); ++p) {
    if (simulated_[static_cast<std::size_t>(p)]) continue;
    const MetaGame::Counts& counts = game_.counts(p);
    const ExperimentConfig config =
        validate_experiment(profile_config(p), "empirical_game_profile", "");
    const CellConfig& cell = config.cells[0];
    const std::int64_t horizon = cell.horizon;
    const auto tail_steps = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(options_.tail_fraction * horizon)));
    const std::int64_t tail_start = horizon - tail_steps;
    const auto roles = game_.roles().size();
    // values[r][k][seed]
    std::vector<std::vector<std::vector<double>>> values(roles);
    for (std::size_t r = 0; r < roles; ++r) values[r].resize(counts[r].size());
    for (const std::uint64_t seed : seeds_) {
      Simulation simulation(cell, seed);
      std::vector<Eigen::ArrayXd> sums;
      for (const auto& role : simulation.env().roles()) {
        sums.push_back(Eigen::ArrayXd::Zero(role.pool_size));
      }
      std::int64_t t = 0;
      bool more = true;
      while (more) {
        more = simulation.step();
        if (t >= tail_start) {
          for (std::size_t r = 0; r < roles; ++r) sums[r] += simulation.last().roles[r].rewards;
        }
        ++t;
      }
      simulated_steps_ += t;
      for (const AgentGroup& group : cell.agents) {
        const auto r = static_cast<std::size_t>(group.role_index);
        // Groups follow the candidates with a non-zero count, in candidate order.
        std::size_t k = 0;
        for (int seen = -1; k < counts[r].size(); ++k) {
          if (counts[r][k] > 0 && ++seen == group.group_index) break;
        }
        const double mean = sums[r].segment(group.first_agent, group.count).mean() /
                            static_cast<double>(tail_steps);
        values[r][k].push_back(mean);
      }
    }
    auto& summary = summaries_[static_cast<std::size_t>(p)];
    summary.assign(roles, {});
    for (std::size_t r = 0; r < roles; ++r) {
      summary[r].assign(counts[r].size(), nullptr);
      for (std::size_t k = 0; k < counts[r].size(); ++k) {
        if (counts[r][k] == 0) continue;
        summary[r][k] = stats::summarize(values[r][k], options_.level, "seed");
        game_.set_payoff(p, static_cast<int>(r), static_cast<int>(k), stats::mean(values[r][k]));
      }
    }
    simulated_[static_cast<std::size_t>(p)] = true;
    ++simulated_now;
  }
  return simulated_now;
}

Json EmpiricalGame::to_json() const {
  Json out = game_.to_json();
  for (std::size_t r = 0; r < candidates_.size(); ++r) {
    Json list = Json::array();
    for (const Candidate& c : candidates_[r]) {
      list.push_back({{"label", c.label}, {"type", c.type}, {"params", c.params}});
    }
    out["roles"][r]["candidates"] = list;
  }
  for (int p = 0; p < game_.profile_count(); ++p) {
    Json summaries = Json::object();
    for (std::size_t r = 0; r < game_.roles().size(); ++r) {
      Json row = Json::array();
      for (std::size_t k = 0; k < game_.roles()[r].strategies.size(); ++k) {
        row.push_back(payoff_summary(p, static_cast<int>(r), static_cast<int>(k)));
      }
      summaries[game_.roles()[r].name] = row;
    }
    out["profiles"][static_cast<std::size_t>(p)]["summaries"] = summaries;
  }
  out["seeds"] = seeds_;
  out["tail_fraction"] = options_.tail_fraction;
  out["simulated_steps"] = simulated_steps_;
  return out;
}

}  // namespace agora
