#include "experiments/bne_solver.h"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "analysis/stats.h"
#include "core/error.h"
#include "core/rng.h"
#include "mechanisms/mechanism.h"
#include "mechanisms/position_auction.h"
#include "mechanisms/value_distribution.h"

namespace agora {

double BidFunction::operator()(double value) const {
  const auto upper = std::upper_bound(values.begin(), values.end(), value);
  if (upper == values.begin()) return bids.front();
  const auto j = static_cast<std::size_t>(upper - values.begin()) - 1;
  if (interpolation == BidInterpolation::kStep || j + 1 == values.size()) return bids[j];
  const double t = (value - values[j]) / (values[j + 1] - values[j]);
  return bids[j] + t * (bids[j + 1] - bids[j]);
}

Json BidFunction::to_json() const {
  return {{"values", values},
          {"bids", bids},
          {"interpolation", interpolation == BidInterpolation::kLinear ? "linear" : "step"}};
}

namespace {

Json validate_mechanism(const Json& value, const std::string& path) {
  if (!value.is_object()) throw ConfigError(path, "expected an object {\"name\", \"params\"}");
  reject_unknown_keys(value, {"name", "params"}, path);
  if (!value.contains("name") || !value.at("name").is_string()) {
    throw ConfigError(join_path(path, "name"), "expected the name of a mechanism");
  }
  const Json params = value.value("params", Json::object());
  const std::string name = value.at("name").get<std::string>();
  const auto& entry = MechanismRegistry::instance().get(name, join_path(path, "name"));
  return Json{{"name", name},
              {"params", validate_params(params, entry.info.params, join_path(path, "params"))}};
}

// E[v | lo <= v < hi] = lo + ∫_lo^hi (F(hi) - F(v)) dv / (F(hi) - F(lo)); hi may be +inf.
double conditional_mean(const ValueDistribution& d, double lo, double hi) {
  const double f_lo = d.cdf(lo);
  const double f_hi = std::isfinite(hi) ? d.cdf(hi) : 1.0;
  if (!(f_hi > f_lo)) return std::isfinite(hi) ? 0.5 * (lo + hi) : lo;
  const auto tail = [&](double v) { return f_hi - d.cdf(v); };
  const double integral =
      boost::math::quadrature::gauss_kronrod<double, 31>::integrate(tail, lo, hi, 10, 1e-10);
  return lo + integral / (f_hi - f_lo);
}

// Fisher–Yates with Boost's (fixed-algorithm) integer distribution.
void shuffle(std::vector<int>& order, Rng& rng) {
  for (std::size_t k = order.size(); k > 1; --k) {
    boost::random::uniform_int_distribution<std::size_t> pick(0, k - 1);
    std::swap(order[k - 1], order[pick(rng)]);
  }
}

// K x n uniforms, row-major: each column stratified (Latin hypercube) or iid.
std::vector<double> draw_uniforms(int samples, int columns, BneSolverOptions::Sampling sampling,
                                  Rng& rng) {
  const auto n = static_cast<std::size_t>(columns);
  std::vector<double> out(static_cast<std::size_t>(samples) * n);
  boost::random::uniform_01<double> uniform;
  if (sampling == BneSolverOptions::Sampling::kMonteCarlo) {
    for (double& u : out) u = uniform(rng);
    return out;
  }
  std::vector<int> stratum(static_cast<std::size_t>(samples));
  for (std::size_t c = 0; c < n; ++c) {
    std::iota(stratum.begin(), stratum.end(), 0);
    shuffle(stratum, rng);
    for (int s = 0; s < samples; ++s) {
      out[s * n + c] = (stratum[static_cast<std::size_t>(s)] + uniform(rng)) / samples;
    }
  }
  return out;
}

double quantile(const ValueDistribution& d, double u) {
  return d.quantile(std::clamp(u, 0.0, 1.0 - 1e-12));
}

// Value profiles, samples x bidders. Symmetric: column 0 is the own value, columns 1..n-1 the
// others' values in decreasing order, their probability-space order statistics from Rényi's
// representation P_1 = u_1^{1/m}, P_j = P_{j-1} u_j^{1/(m-j+1)} (m = n - 1), so the highest
// other value is stratified in one dimension. Asymmetric: column i is bidder i's value.
std::vector<double> draw_profiles(const std::vector<ValueDistribution>& dists, bool symmetric,
                                  int samples, BneSolverOptions::Sampling sampling, Rng& rng) {
  const int n = static_cast<int>(dists.size());
  std::vector<double> out = draw_uniforms(samples, n, sampling, rng);
  for (int s = 0; s < samples; ++s) {
    double* row = out.data() + static_cast<std::size_t>(s) * n;
    if (!symmetric) {
      for (int i = 0; i < n; ++i) row[i] = quantile(dists[i], row[i]);
      continue;
    }
    row[0] = quantile(dists[0], row[0]);
    double p = 1.0;
    for (int j = 1; j < n; ++j) {
      p *= std::pow(row[j], 1.0 / (n - j));
      row[j] = quantile(dists[0], p);
    }
  }
  return out;
}

// Sums piecewise-linear functions on a sorted grid in O(pieces log G) per function (difference
// arrays for the pieces' intercepts and slopes, plus exact values at breakpoints on the grid).
class GridSum {
 public:
  void reset(std::span<const double> grid) {
    grid_ = grid;
    intercept_.assign(grid.size() + 1, 0.0);
    slope_.assign(grid.size() + 1, 0.0);
    point_.assign(grid.size(), 0.0);
  }
  void add(const PiecewiseLinear& f) {
    const auto pieces = f.pieces();
    for (std::size_t j = 0; j < pieces.size(); ++j) {
      const LinearPiece& p = pieces[j];
      const auto at = std::lower_bound(grid_.begin(), grid_.end(), p.from);
      auto inside = at;
      if (at != grid_.end() && *at == p.from) {
        point_[static_cast<std::size_t>(at - grid_.begin())] += p.at;
        ++inside;
      }
      if (p.intercept == 0.0 && p.slope == 0.0) continue;
      const auto stop = j + 1 < pieces.size()
                            ? std::lower_bound(inside, grid_.end(), pieces[j + 1].from)
                            : grid_.end();
      if (stop <= inside) continue;
      const auto b = static_cast<std::size_t>(inside - grid_.begin());
      const auto e = static_cast<std::size_t>(stop - grid_.begin());
      intercept_[b] += p.intercept;
      intercept_[e] -= p.intercept;
      slope_[b] += p.slope;
      slope_[e] -= p.slope;
    }
  }
  // out[k] = scale x the sum at grid[k].
  void finish(double scale, double* out) const {
    double a = 0.0, b = 0.0;
    for (std::size_t k = 0; k < grid_.size(); ++k) {
      a += intercept_[k];
      b += slope_[k];
      out[k] = scale * (a + b * grid_[k] + point_[k]);
    }
  }

 private:
  std::span<const double> grid_;
  std::vector<double> intercept_, slope_, point_;
};

// Pool-adjacent-violators: the least-squares non-decreasing fit, in place.
void isotonic(std::vector<double>& y) {
  std::vector<double> level;
  std::vector<std::size_t> count;
  for (const double v : y) {
    level.push_back(v);
    count.push_back(1);
    while (level.size() > 1 && level[level.size() - 2] > level.back()) {
      const std::size_t c = count.back() + count[count.size() - 2];
      const double merged =
          (level.back() * count.back() + level[level.size() - 2] * count[count.size() - 2]) / c;
      level.pop_back();
      count.pop_back();
      level.back() = merged;
      count.back() = c;
    }
  }
  std::size_t k = 0;
  for (std::size_t b = 0; b < level.size(); ++b) {
    for (std::size_t c = 0; c < count[b]; ++c) y[k++] = level[b];
  }
}

// Expected clicks and payment on the bid grid and at the current bids of the value grid.
struct Expectations {
  std::vector<double> clicks, payment;        // on the bid grid
  std::vector<double> clicks_at, payment_at;  // at the current bids, by value grid index
};

class Solver {
 public:
  explicit Solver(const BneSolverOptions& o) : o_(o), n_(o.bidders) {
    AGORA_CHECK_GE(o.bidders, 1);
    AGORA_CHECK_GE(o.value_points, 2);
    AGORA_CHECK_GE(o.bid_points, 3);
    AGORA_CHECK_GE(o.samples, 1);
    AGORA_CHECK_GE(o.evaluation_samples, 2);
    AGORA_CHECK_GE(o.max_iterations, 1);
    AGORA_CHECK(o.step_size > 0.0 && o.step_size <= 1.0);
    AGORA_CHECK(o.initial_power > 0.0);
    AGORA_CHECK(!o.ctr.empty());
    mechanism_ = make_mechanism(o.mechanism, o.mechanism_params, "solver.mechanism");
    mechanism_->check_market(n_, static_cast<int>(o.ctr.size()), "solver.mechanism");
    const Json values = ValueDistribution::validate_one_or_list(o.values, "solver.values");
    if (values.is_array() && static_cast<int>(values.size()) != n_) {
      throw ConfigError("solver.values", "lists " + std::to_string(values.size()) +
                                             " distributions for " + std::to_string(n_) +
                                             " bidders (give one object for all, or one per "
                                             "bidder)");
    }
    for (int i = 0; i < n_; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      dists_.emplace_back(values.is_array() ? values[ui] : values);
      const std::string path =
          values.is_array() ? index_path("solver.values", ui) : std::string("solver.values");
      if (dists_.back().kind() == ValueDistribution::Kind::kConstant) {
        throw ConfigError(path,
                          "the solver needs values with a continuous distribution (constant "
                          "values make a complete-information game, without pure equilibria "
                          "in general)");
      }
      if (o.symmetric && !(dists_.back() == dists_.front())) {
        throw ConfigError(path,
                          "a symmetric solve needs identical value distributions; set "
                          "symmetric = false");
      }
    }
    solved_ = o.symmetric ? 1 : n_;
    build_grids();
    Rng train = make_rng(o.seed, "bne/train");
    train_ = draw_profiles(dists_, o.symmetric, o.samples, o.sampling, train);
  }

  BneResult run() {
    BneResult result;
    result.bid_high = bid_grid_.back();
    std::vector<Expectations> expectations(static_cast<std::size_t>(solved_));
    std::vector<std::vector<double>> best(static_cast<std::size_t>(solved_));
    std::vector<BidFunction> best_profile = functions_;
    double best_gain = std::numeric_limits<double>::infinity();
    for (int t = 0; t < o_.max_iterations; ++t) {
      double gain = 0.0;
      for (int i = 0; i < solved_; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        estimate(i, train_, o_.samples, expectations[ui]);
        gain += best_responses(i, expectations[ui], best[ui]);
        if (o_.polynomial_degree >= 0) project(i, best[ui]);
        if (o_.monotone) isotonic(best[ui]);
      }
      if (gain / solved_ < best_gain) {
        best_gain = gain / solved_;
        best_profile = functions_;
        result.best_iteration = t;
      }
      const double alpha =
          o_.schedule == BneSolverOptions::Schedule::kConstant ? o_.step_size : 1.0 / (t + 1.0);
      double change = 0.0;
      for (int i = 0; i < solved_; ++i) {
        auto& bids = functions_[static_cast<std::size_t>(i)].bids;
        const auto& br = best[static_cast<std::size_t>(i)];
        for (std::size_t j = 0; j < bids.size(); ++j) {
          const double step = alpha * (br[j] - bids[j]);
          bids[j] += step;
          change = std::max(change, std::fabs(step));
        }
      }
      if (o_.symmetric) {
        for (int i = 1; i < n_; ++i) functions_[static_cast<std::size_t>(i)] = functions_[0];
      }
      result.history.push_back({t + 1, change, gain / solved_});
      result.iterations = t + 1;
      if (change <= o_.tolerance) {
        result.converged = true;
        break;
      }
    }
    if (o_.keep_best) functions_ = best_profile;
    result.bid_functions = functions_;
    evaluate(result);
    return result;
  }

 private:
  static constexpr double kTie = 1e-12;

  void build_grids() {
    const double top_quantile = 0.999;
    double value_top = 0.0;
    functions_.resize(static_cast<std::size_t>(n_));
    representative_.resize(static_cast<std::size_t>(n_));
    weight_.resize(static_cast<std::size_t>(n_));
    const double inf = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n_; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      const ValueDistribution& d = dists_[ui];
      const double lo = d.lower();
      const double hi = std::isfinite(d.upper()) ? d.upper() : d.quantile(top_quantile);
      value_top = std::max(value_top, hi);
      BidFunction& f = functions_[ui];
      f.interpolation = o_.interpolation;
      const int m = o_.value_points;
      for (int j = 0; j < m; ++j) {
        if (o_.interpolation == BidInterpolation::kLinear) {
          const double v = j + 1 == m ? hi : lo + (hi - lo) * j / (m - 1);
          const double h = (hi - lo) / (m - 1);
          f.values.push_back(v);
          representative_[ui].push_back(v);
          const double above = j + 1 == m ? inf : v + 0.5 * h;
          weight_[ui].push_back((std::isfinite(above) ? d.cdf(above) : 1.0) -
                                (j == 0 ? 0.0 : d.cdf(v - 0.5 * h)));
        } else {
          const double edge = lo + (hi - lo) * j / m;
          const double next = j + 1 == m ? inf : lo + (hi - lo) * (j + 1) / m;
          f.values.push_back(edge);
          representative_[ui].push_back(conditional_mean(d, edge, next));
          weight_[ui].push_back((std::isfinite(next) ? d.cdf(next) : 1.0) -
                                (j == 0 ? 0.0 : d.cdf(edge)));
        }
      }
    }
    double high = o_.bid_high;
    if (!(high > 0.0)) {
      high = value_top;
      const auto* position = dynamic_cast<const PositionAuction*>(mechanism_.get());
      if (position != nullptr && (position->config().rule == PriceRule::kAllPay ||
                                  position->config().pricing == Pricing::kPerImpression)) {
        high *= o_.ctr[0];
      }
    }
    AGORA_CHECK(high > 0.0);
    for (int g = 0; g < o_.bid_points; ++g) {
      bid_grid_.push_back(g + 1 == o_.bid_points ? high : high * g / (o_.bid_points - 1));
    }
    for (int i = 0; i < n_; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      for (const double v : representative_[ui]) {
        functions_[ui].bids.push_back(
            std::clamp(o_.initial_shade * std::pow(std::max(v, 0.0), o_.initial_power), 0.0, high));
      }
    }
  }

  // The others' eligible scores in profile `s` of `profiles`, decreasing, into others_.
  void other_scores(int i, const std::vector<double>& profiles, int s) {
    others_.clear();
    const double* row = profiles.data() + static_cast<std::size_t>(s) * n_;
    BidderView view;
    for (int j = 0; j < n_; ++j) {
      if (j == i) continue;
      view.bidder = j;
      const double bid = functions_[static_cast<std::size_t>(j)](row[j]);
      const double score = mechanism_->score(view, bid);
      if (std::isfinite(score)) others_.push_back(score);
    }
    std::sort(others_.begin(), others_.end(), std::greater<>());
  }

  void estimate(int i, const std::vector<double>& profiles, int samples, Expectations& out) {
    const BidFunction& own = functions_[static_cast<std::size_t>(i)];
    const std::size_t m = own.bids.size();
    order_.resize(m);
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(),
              [&](std::size_t a, std::size_t b) { return own.bids[a] < own.bids[b]; });
    sorted_bids_.resize(m);
    for (std::size_t k = 0; k < m; ++k) sorted_bids_[k] = own.bids[order_[k]];
    grid_clicks_.reset(bid_grid_);
    grid_payment_.reset(bid_grid_);
    at_clicks_.reset(sorted_bids_);
    at_payment_.reset(sorted_bids_);
    BidderView view;
    view.bidder = i;
    for (int s = 0; s < samples; ++s) {
      other_scores(i, profiles, s);
      mechanism_->deviation_profile(others_, view, o_.ctr, profile_);
      grid_clicks_.add(profile_.clicks);
      grid_payment_.add(profile_.payment);
      at_clicks_.add(profile_.clicks);
      at_payment_.add(profile_.payment);
    }
    const double scale = 1.0 / samples;
    const std::size_t g = bid_grid_.size();
    out.clicks.resize(g);
    out.payment.resize(g);
    grid_clicks_.finish(scale, out.clicks.data());
    grid_payment_.finish(scale, out.payment.data());
    scratch_clicks_.resize(m);
    scratch_payment_.resize(m);
    at_clicks_.finish(scale, scratch_clicks_.data());
    at_payment_.finish(scale, scratch_payment_.data());
    out.clicks_at.resize(m);
    out.payment_at.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      out.clicks_at[order_[k]] = scratch_clicks_[k];
      out.payment_at[order_[k]] = scratch_payment_[k];
    }
  }

  struct Best {
    double bid;
    double grid_utility;  // max over the grid of v C - P
    double clicks;        // C at the grid maximiser
  };
  // The grid bid maximising v C - P — among maximisers (within kTie) the one closest to v, the
  // lower on equal distance — refined to the vertex of the parabola through it and its two
  // neighbours when both are strictly worse.
  Best best_bid(double v, const Expectations& e) const {
    const auto utility = [&](std::size_t k) { return v * e.clicks[k] - e.payment[k]; };
    double best_utility = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < bid_grid_.size(); ++k) {
      best_utility = std::max(best_utility, utility(k));
    }
    std::size_t best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < bid_grid_.size(); ++k) {
      if (utility(k) < best_utility - kTie) continue;
      const double distance = std::fabs(bid_grid_[k] - v);
      if (distance < best_distance) {
        best_distance = distance;
        best = k;
      }
    }
    const double at = utility(best);
    const double clicks = e.clicks[best];
    if (best == 0 || best + 1 == bid_grid_.size()) return {bid_grid_[best], at, clicks};
    const double below = utility(best - 1);
    const double above = utility(best + 1);
    if (!(below < at - kTie && above < at - kTie)) return {bid_grid_[best], at, clicks};
    const double h = bid_grid_[best + 1] - bid_grid_[best];
    const double offset = 0.5 * h * (below - above) / (below - 2.0 * at + above);
    return {bid_grid_[best] + std::clamp(offset, -0.5 * h, 0.5 * h), at, clicks};
  }

  // Least-squares projection of the best responses of the values that win something on
  // polynomials of degree polynomial_degree in the value, clipped to the bid grid.
  void project(int i, std::vector<double>& best) const {
    const auto& rep = representative_[static_cast<std::size_t>(i)];
    const auto& active = active_;
    const int degree = o_.polynomial_degree;
    std::vector<std::size_t> rows;
    for (std::size_t j = 0; j < rep.size(); ++j) {
      if (active[j]) rows.push_back(j);
    }
    if (static_cast<int>(rows.size()) <= degree) return;
    const double lo = rep[rows.front()];
    const double scale = rep[rows.back()] > lo ? 2.0 / (rep[rows.back()] - lo) : 1.0;
    Eigen::MatrixXd design(static_cast<Eigen::Index>(rows.size()), degree + 1);
    Eigen::VectorXd target(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double x = scale * (rep[rows[r]] - lo) - 1.0;
      double power = 1.0;
      for (int d = 0; d <= degree; ++d) {
        design(static_cast<Eigen::Index>(r), d) = power;
        power *= x;
      }
      target(static_cast<Eigen::Index>(r)) = best[rows[r]];
    }
    const Eigen::VectorXd fit = design.colPivHouseholderQr().solve(target);
    const Eigen::VectorXd smooth = design * fit;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      best[rows[r]] = std::clamp(smooth(static_cast<Eigen::Index>(r)), 0.0, bid_grid_.back());
    }
  }

  // Fills the best response at every grid value; returns the in-sample expected gain.
  double best_responses(int i, const Expectations& e, std::vector<double>& best) {
    const auto& rep = representative_[static_cast<std::size_t>(i)];
    const auto& w = weight_[static_cast<std::size_t>(i)];
    best.resize(rep.size());
    active_.resize(rep.size());
    double gain = 0.0;
    for (std::size_t j = 0; j < rep.size(); ++j) {
      const Best b = best_bid(rep[j], e);
      best[j] = b.bid;
      active_[j] = b.clicks > 0.0;
      gain += w[j] * (b.grid_utility - (rep[j] * e.clicks_at[j] - e.payment_at[j]));
    }
    return gain;
  }

  void evaluate(BneResult& result) {
    Rng rng = make_rng(o_.seed, "bne/evaluate");
    const std::vector<double> profiles =
        draw_profiles(dists_, o_.symmetric, o_.evaluation_samples, o_.sampling, rng);
    const auto samples = static_cast<std::size_t>(o_.evaluation_samples);
    std::vector<double> total(samples, 0.0);
    std::vector<double> differences(samples);
    Expectations e;
    result.gain.assign(static_cast<std::size_t>(n_), 0.0);
    result.gain_se.assign(static_cast<std::size_t>(n_), 0.0);
    BidderView view;
    for (int i = 0; i < solved_; ++i) {
      view.bidder = i;
      estimate(i, train_, o_.samples, e);
      const BidFunction& own = functions_[static_cast<std::size_t>(i)];
      for (std::size_t s = 0; s < samples; ++s) {
        other_scores(i, profiles, static_cast<int>(s));
        mechanism_->deviation_profile(others_, view, o_.ctr, profile_);
        const double v = profiles[s * static_cast<std::size_t>(n_) + static_cast<std::size_t>(i)];
        const double deviation = best_bid(v, e).bid;
        const double bid = own(v);
        differences[s] = v * (profile_.clicks(deviation) - profile_.clicks(bid)) -
                         (profile_.payment(deviation) - profile_.payment(bid));
        total[s] += (o_.symmetric ? n_ : 1) * differences[s];
      }
      const double gain = stats::mean(differences);
      const double se = stats::sample_std(differences) / std::sqrt(static_cast<double>(samples));
      if (o_.symmetric) {
        result.gain.assign(static_cast<std::size_t>(n_), gain);
        result.gain_se.assign(static_cast<std::size_t>(n_), se);
      } else {
        result.gain[static_cast<std::size_t>(i)] = gain;
        result.gain_se[static_cast<std::size_t>(i)] = se;
      }
    }
    result.nash_conv = stats::mean(total);
    result.nash_conv_se = stats::sample_std(total) / std::sqrt(static_cast<double>(samples));
    result.evaluation_samples = o_.evaluation_samples;
  }

  const BneSolverOptions& o_;
  const int n_;
  int solved_ = 1;
  std::unique_ptr<Mechanism> mechanism_;
  std::vector<ValueDistribution> dists_;
  std::vector<BidFunction> functions_;
  std::vector<std::vector<double>> representative_;  // per bidder: where its BR is taken
  std::vector<std::vector<double>> weight_;          // per bidder: probability of each cell
  std::vector<double> bid_grid_;
  std::vector<double> train_;
  std::vector<bool> active_;  // per value grid point: its best response wins something  // samples
                              // x bidders: shifts of the others' bids in training
  std::vector<double> others_;
  std::vector<std::size_t> order_;
  std::vector<double> sorted_bids_, scratch_clicks_, scratch_payment_;
  GridSum grid_clicks_, grid_payment_, at_clicks_, at_payment_;
  DeviationProfile profile_;
};

}  // namespace

ParamSpecs bne_solver_params() {
  return {
      param::custom("mechanism", Json{{"name", "first_price"}, {"params", Json::object()}},
                    "{\"name\", \"params\"}", "the auction rule and its parameters",
                    &validate_mechanism),
      param::integer("n_bidders", 2, "number of bidders").range(1, 1000),
      param::custom("values", Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}},
                    "distribution object or list of one per bidder",
                    "private value per click (as the auction env's `values`)",
                    &ValueDistribution::validate_one_or_list),
      param::real_list("ctr", Json::array({1.0}), "click-through rate of each slot").range(0, 1),
      param::boolean("symmetric", true,
                     "one bid function for all bidders (needs identical value distributions)"),
      param::text("interpolation", "linear", {"linear", "step"},
                  "bid function between grid values: linear, or constant on equal cells"),
      param::integer("value_points", 101, "value grid size m").range(2, 100000),
      param::integer("bid_points", 201, "bid grid size G (from 0 to bid_high)").range(3, 100000),
      param::real("bid_high", nullptr,
                  "top of the bid grid; null: the largest value (0.999 quantile when unbounded), "
                  "times ctr[0] for all-pay and per-impression pricing")
          .range(0.0, std::nullopt)
          .allow_null(),
      param::integer("samples", 20000, "sampled value profiles K (common random numbers)")
          .range(1, 100000000),
      param::text("sampling", "latin_hypercube", {"latin_hypercube", "monte_carlo"},
                  "stratified (Latin hypercube) or iid samples"),
      param::text("schedule", "constant", {"constant", "fictitious"},
                  "step size: a constant α, or 1/(t+1) (fictitious-play averaging)"),
      param::real("step_size", 0.5, "α in b ← b + α (BR − b)").range(1e-9, 1.0),
      param::real("initial_shade", 1.0, "s in the initial bid function s v^p")
          .range(0.0, std::nullopt),
      param::real("initial_power", 1.0, "p in the initial bid function s v^p").range(1e-9, 100.0),
      param::integer("polynomial_degree", 3,
                     "degree d of the least-squares polynomial each best response is projected "
                     "on (over the values that win something); null: no projection")
          .range(0, 10)
          .allow_null(),
      param::boolean("monotone", true,
                     "project each best response on non-decreasing functions (isotonic "
                     "regression)"),
      param::boolean("keep_best", true,
                     "return the iterate with the least in-sample gain rather than the last"),
      param::integer("max_iterations", 100, "iteration limit").range(1, 1000000),
      param::real("tolerance", 1e-4, "stop when no grid bid moves more than this")
          .range(0.0, std::nullopt),
      param::integer("evaluation_samples", 20000, "fresh samples for the exploitability")
          .range(2, 100000000),
      param::integer("seed", 1, "seed of the sample streams").range(0, std::nullopt),
  };
}

BneSolverOptions BneSolverOptions::from_json(const Json& given, const std::string& path) {
  const Json p = validate_params(given, bne_solver_params(), path);
  BneSolverOptions o;
  o.mechanism = p.at("mechanism").at("name").get<std::string>();
  o.mechanism_params = p.at("mechanism").at("params");
  o.bidders = p.at("n_bidders").get<int>();
  o.values = p.at("values");
  o.ctr = p.at("ctr").get<std::vector<double>>();
  if (o.ctr.empty()) throw ConfigError(join_path(path, "ctr"), "needs at least one slot");
  o.symmetric = p.at("symmetric").get<bool>();
  o.interpolation =
      p.at("interpolation") == "linear" ? BidInterpolation::kLinear : BidInterpolation::kStep;
  o.value_points = p.at("value_points").get<int>();
  o.bid_points = p.at("bid_points").get<int>();
  o.bid_high = p.at("bid_high").is_null() ? 0.0 : p.at("bid_high").get<double>();
  o.samples = p.at("samples").get<int>();
  o.sampling =
      p.at("sampling") == "latin_hypercube" ? Sampling::kLatinHypercube : Sampling::kMonteCarlo;
  o.schedule = p.at("schedule") == "constant" ? Schedule::kConstant : Schedule::kFictitious;
  o.step_size = p.at("step_size").get<double>();
  o.initial_shade = p.at("initial_shade").get<double>();
  o.initial_power = p.at("initial_power").get<double>();
  o.polynomial_degree =
      p.at("polynomial_degree").is_null() ? -1 : p.at("polynomial_degree").get<int>();
  o.monotone = p.at("monotone").get<bool>();
  o.keep_best = p.at("keep_best").get<bool>();
  o.max_iterations = p.at("max_iterations").get<int>();
  o.tolerance = p.at("tolerance").get<double>();
  o.evaluation_samples = p.at("evaluation_samples").get<int>();
  o.seed = p.at("seed").get<std::uint64_t>();
  return o;
}

BneResult solve_bne(const BneSolverOptions& options) { return Solver(options).run(); }

Json BneResult::to_json() const {
  Json functions = Json::array();
  for (const auto& f : bid_functions) functions.push_back(f.to_json());
  Json iterations_json = Json::array();
  for (const auto& h : history) {
    iterations_json.push_back({{"iteration", h.iteration},
                               {"max_change", h.max_change},
                               {"in_sample_gain", h.in_sample_gain}});
  }
  return {{"bid_functions", functions},   {"converged", converged},
          {"iterations", iterations},     {"best_iteration", best_iteration},
          {"bid_high", bid_high},         {"gain", gain},
          {"gain_se", gain_se},           {"nash_conv", nash_conv},
          {"nash_conv_se", nash_conv_se}, {"evaluation_samples", evaluation_samples},
          {"history", iterations_json}};
}

}  // namespace agora
