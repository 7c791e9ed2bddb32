// Bayes–Nash equilibrium solver for sealed-bid auctions with independent private values.
//
// Model. n risk-neutral bidders; bidder i's value per click v_i is drawn independently from its
// ValueDistribution F_i; the auction is any registered mechanism (mechanisms/: first_price,
// second_price, gsp, vcg, all_pay, myerson, with their reserves) over k slots with click-through
// rates ctr, unit quality and no additive term. A strategy is a bid function b_i(v) tabulated on
// a value grid over the support (up to the 0.999 quantile when unbounded): interpolation
// "linear" (m points, linear in between, constant beyond the ends) or "step" (m equal cells,
// constant on each). Bidder i's interim utility of bid b is
//
//   U_i(v, b) = v C_i(b) - P_i(b),   C_i(b) = E[clicks_i(b; b_-i(v_-i))],  P_i(b) = E[payment],
//
// the expectations over the others' values, clicks and payment from the mechanism's exact
// deviation profile (ties in expectation over the random tie-break). C_i and P_i do not depend
// on v: one pass over the samples gives U_i on the whole bid grid for every value at once.
//
// Algorithm: damped iterated best response against K value profiles sampled once (common
// random numbers: every iteration sees the same samples, so the iteration is a deterministic
// map). Iteration t, for every bidder (only bidder 0 when `symmetric`):
//   1. C_i, P_i on the bid grid 0 = g_0 < ... < g_{G-1} = bid_high, summed piece by piece.
//   2. At each grid value (the cell's conditional mean for "step" tables — U_i is linear in v,
//      so that bid maximises the cell's expected utility) the grid bid maximising U_i; among
//      maximisers the one closest to v (so weakly dominated bids are not picked where truthful
//      is optimal), refined to the vertex of the parabola through it and its neighbours.
//   3. Regularisation: the best responses of the values that win something are replaced by
//      their least-squares polynomial of degree `polynomial_degree`, then (`monotone`) by their
//      isotonic regression (the equilibria of these auctions are non-decreasing).
//   4. b_i ← b_i + α_t (BR_i − b_i), α_t = step_size ("constant") or 1/(t+1) ("fictitious").
// It stops when no grid bid moves more than `tolerance`, or after max_iterations; with
// `keep_best` it returns the iterate whose in-sample gain (below) was smallest.
//
// Why the regularisation. The best response depends on the derivative of the others' bid
// functions (their bid density), so unregularised best-response iteration amplifies rough
// perturbations. Linearised around the two-bidder U[0,1] equilibria, a perturbation ε of the
// others' bids moves the best response by T ε = (ε − v ε')/2 in first price and by
// T ε = ε − v ε' in all-pay: on v^p these are (1 − p)/2 and 1 − p, so damped iteration with
// step α multiplies the v^p component by 1 − α(1 + p)/2 (first price) or 1 − α p (all-pay),
// which is stable only for low p, while high-frequency perturbations (from the grids and the
// samples) grow without bound. Projecting on cubics keeps p <= 3: with α = 1/2 the all-pay map
// on a v^2 is Heron's iteration a ← (a + 1/(4a))/2 → 1/2. All-pay best responses to linear bids
// are bang-bang (U = (v/s − 1) b against s v, two bidders): start all-pay from a convex function
// (initial_power 2). Pure-strategy dynamics also leave atoms (many types bidding the same
// amount) only slowly: bidding just above an atom wins all of it.
//
// Samples: "latin_hypercube" (each column stratified, one draw per probability stratum of
// width 1/K, strata permuted; McKay, Beckman & Conover 1979) or "monte_carlo". A symmetric
// solve samples the n − 1 others' values as order statistics (Rényi's representation:
// P_1 = u_1^{1/(n-1)}, P_j = P_{j-1} u_j^{1/(n-j)}, v_(j) = F^{-1}(P_j)), so the highest
// other value — all that matters with one slot — is stratified in one dimension and C_i, P_i
// are integrated with error O(1/K) whatever n. Asymmetric solves sample each bidder's value.
//
// Exploitability of the returned profile, on K_eval fresh samples (stream "bne/evaluate"):
// the best-response table BR_i(v) = argmax_g v C_i(g) − P_i(g) (rule 2, from the training
// samples at the final profile) is evaluated out of sample,
//   gain_i = mean_s [u_i(BR_i(v_i,s); s) − u_i(b_i(v_i,s); s)],  gain_se_i = sd_s / sqrt(K_eval),
// u_i the realised utility (ties in expectation). Chosen on other samples, this deviation's
// gain is estimated without bias: a lower bound on the best-response gain over all bid
// functions, up to the grid and training error; it can be slightly negative near an
// equilibrium. nash_conv = Σ_i gain_i (Lanctot et al. 2017), se from the per-sample sums; a
// symmetric solve evaluates bidder 0 and reports n gain_0. The history records per iteration
// the largest change and the in-sample gain Σ_j w_j [max_g U_i(v_j, g) − U_i(v_j, b_i(v_j))]
// (w_j the probability of the value cell around v_j; averaged over the bidders solved for), a
// quadrature of the expected gain biased upwards by choosing the maximum on the same samples.
//
// Sources: Krishna, Auction Theory, 2nd ed. (2010), ch. 2–3 (the closed forms the tests check:
// (n−1)/n v in first price, (v² + r²)/(2v) with a reserve r for two bidders, v²/2 in the
// two-bidder all-pay auction, truthful second price); Fudenberg & Levine, The Theory of
// Learning in Games (1998), for best-response and fictitious-play dynamics; Bosshard, Bünz,
// Lubin & Seuken, "Computing Bayes-Nash equilibria in combinatorial auctions with verification",
// JAIR 69 (2020), for iterated best response on grids verified by an exploitability bound;
// Lanctot et al., "A unified game-theoretic approach to multiagent reinforcement learning",
// NeurIPS 2017 (NashConv); Athey, "Single crossing properties and the existence of pure
// strategy equilibria in games of incomplete information", Econometrica 69 (2001), for
// monotone equilibria.
//
// Parameters (bne_solver_params(), validated like a unit's params; JSON paths in errors):
//   mechanism          {"name", "params"}, default first_price    the auction rule
//   n_bidders          integer >= 1, default 2
//   values             distribution object or list of one per bidder, default U[0,1]
//   ctr                list in [0, 1], default [1]                 slots' click-through rates
//   symmetric          bool, default true      one bid function for all (identical values)
//   interpolation      "linear" | "step", default "linear"
//   value_points       integer >= 2, default 101                   m
//   bid_points         integer >= 3, default 201                   G
//   bid_high           number > 0 | null, default null   top of the bid grid; null: the
//                      largest value, times ctr[0] for all-pay and per-impression pricing
//   samples            integer >= 1, default 20000                 K
//   sampling           "latin_hypercube" | "monte_carlo", default "latin_hypercube"
//   schedule           "constant" | "fictitious", default "constant"
//   step_size          number in (0, 1], default 0.5                α of "constant"
//   initial_shade      number >= 0, default 1      s in the initial bid s v^p (clipped)
//   initial_power      number > 0, default 1       p
//   polynomial_degree  integer in [0, 10] | null, default 3   null: no projection
//   monotone           bool, default true
//   keep_best          bool, default true
//   max_iterations     integer >= 1, default 100
//   tolerance          number >= 0, default 1e-4
//   evaluation_samples integer >= 2, default 20000                 K_eval
//   seed               integer >= 0, default 1
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/params.h"

namespace agora {

enum class BidInterpolation { kLinear, kStep };

// A bid function tabulated on a value grid (the format of the `bid_table` agent).
struct BidFunction {
  std::vector<double> values;  // strictly increasing
  std::vector<double> bids;
  BidInterpolation interpolation = BidInterpolation::kLinear;

  // Linear: interpolated, constant beyond the ends. Step: bids[j] on [values[j], values[j+1]),
  // bids[0] below values[0].
  double operator()(double value) const;
  // {"values", "bids", "interpolation"} — also valid `bid_table` agent params (units "bid").
  Json to_json() const;
};

ParamSpecs bne_solver_params();

struct BneSolverOptions {
  enum class Sampling { kLatinHypercube, kMonteCarlo };
  enum class Schedule { kConstant, kFictitious };

  std::string mechanism = "first_price";
  Json mechanism_params = Json::object();
  int bidders = 2;
  Json values = Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}};  // or a list
  std::vector<double> ctr = {1.0};
  bool symmetric = true;
  BidInterpolation interpolation = BidInterpolation::kLinear;
  int value_points = 101;
  int bid_points = 201;
  double bid_high = 0.0;  // <= 0: automatic
  int samples = 20000;
  Sampling sampling = Sampling::kLatinHypercube;
  Schedule schedule = Schedule::kConstant;
  double step_size = 0.5;
  double initial_shade = 1.0;
  double initial_power = 1.0;
  bool monotone = true;
  bool keep_best = true;
  int polynomial_degree = 3;  // < 0: no projection
  int max_iterations = 100;
  double tolerance = 1e-4;
  int evaluation_samples = 20000;
  std::uint64_t seed = 1;

  // From params validated against bne_solver_params() (errors name `path`.<key>).
  static BneSolverOptions from_json(const Json& params, const std::string& path = "solver");
};

struct BneIteration {
  int iteration = 0;
  double max_change = 0.0;      // max over bidders and grid values of |b_{t+1} - b_t|
  double in_sample_gain = 0.0;  // mean over the bidders solved for (see the header)
};

struct BneResult {
  std::vector<BidFunction> bid_functions;  // one per bidder (identical when symmetric)
  std::vector<BneIteration> history;
  bool converged = false;
  int iterations = 0;
  int best_iteration = 0;    // the returned profile is the one best-responded to in this iteration
  double bid_high = 0.0;     // the top of the bid grid used
  std::vector<double> gain;  // per bidder, out of sample
  std::vector<double> gain_se;  // per bidder
  double nash_conv = 0.0;
  double nash_conv_se = 0.0;
  int evaluation_samples = 0;

  Json to_json() const;
};

// Throws ConfigError for an unknown mechanism, bad distributions or an asymmetric market with
// `symmetric` set (paths under "solver").
BneResult solve_bne(const BneSolverOptions& options);

}  // namespace agora
