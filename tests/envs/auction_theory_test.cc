// AuctionEnv::predicted_strategies(): the symmetric Bayes–Nash equilibrium bid function, checked
// against closed forms derived by hand (each test case states its derivation), against the
// equilibrium condition itself (no type gains by mimicking another type on the grid) and against
// predicted_metrics()'s revenue (revenue equivalence). Sources: Vickrey (1961); Myerson (1981);
// Krishna, Auction Theory, 2nd ed. (2010), Prop. 2.2 and §2.5 (first price, reserves and entry
// fees), Prop. 3.1 and §3.2 (revenue equivalence, all-pay).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "envs/auction.h"
#include "mechanisms/value_distribution.h"
#include "tests/envs/auction_testing.h"

namespace agora::testing {
namespace {

struct BidFunction {
  std::vector<double> value;
  std::vector<double> bid;
  std::string note;
};

BidFunction bid_function(const Env& env) {
  const Json predicted = env.predicted_strategies();
  REQUIRE(predicted.contains("bid_function"));
  const Json& f = predicted.at("bid_function");
  BidFunction out{f.at("value").get<std::vector<double>>(), f.at("bid").get<std::vector<double>>(),
                  f.at("note").get<std::string>()};
  REQUIRE(out.value.size() == 101);
  REQUIRE(out.bid.size() == 101);
  for (std::size_t k = 1; k < out.value.size(); ++k) REQUIRE(out.value[k] > out.value[k - 1]);
  return out;
}

Json uniform(double low, double high) {
  return {{"distribution", "uniform"}, {"low", low}, {"high", high}};
}
Json exponential(double rate) { return {{"distribution", "exponential"}, {"rate", rate}}; }
Json lognormal(double mu, double sigma) {
  return {{"distribution", "lognormal"}, {"mu", mu}, {"sigma", sigma}};
}

// Composite Simpson on the (equally spaced, odd-sized) grid of f(value[k]).
double simpson(const std::vector<double>& x, const std::vector<double>& f) {
  const std::size_t last = x.size() - 1;
  REQUIRE(last % 2 == 0);
  const double h = (x.back() - x.front()) / static_cast<double>(last);
  double sum = f.front() + f.back();
  for (std::size_t k = 1; k < last; ++k) sum += (k % 2 == 1 ? 4.0 : 2.0) * f[k];
  return sum * h / 3.0;
}

// Interim utility of type v (the grid's k-th value) bidding b(w) as if it were type w (the j-th),
// when the others follow the bid function: they bid iff their value is at least the grid's
// lowest value and the winner is the highest bid, so bidding b(w) wins with probability
// F(w)^{n-1}. First price pays b(w) on a win, all-pay always; the click is worth ctr v.
double mimic_utility(const BidFunction& f, const ValueDistribution& d, int n, double ctr,
                     bool all_pay, std::size_t k, std::size_t j) {
  const double win = std::pow(d.cdf(f.value[j]), n - 1);
  return all_pay ? ctr * f.value[k] * win - f.bid[j] : ctr * (f.value[k] - f.bid[j]) * win;
}

// The equilibrium condition on the grid: no type gains by bidding as another grid type, and
// every type that bids earns at least 0 (what staying out earns).
void check_no_profitable_mimicry(const BidFunction& f, const ValueDistribution& d, int n,
                                 double ctr, bool all_pay) {
  for (std::size_t k = 0; k < f.value.size(); ++k) {
    const double truthful = mimic_utility(f, d, n, ctr, all_pay, k, k);
    CHECK(truthful >= -1e-9);
    for (std::size_t j = 0; j < f.value.size(); ++j) {
      const double mimic = mimic_utility(f, d, n, ctr, all_pay, k, j);
      INFO("type " << f.value[k] << " mimicking " << f.value[j] << ": " << mimic << " vs "
                   << truthful);
      CHECK(mimic <= truthful + 1e-9);
    }
  }
}

TEST_CASE("ValueDistribution::cdf") {
  CHECK(ValueDistribution(uniform(1, 3)).cdf(0.5) == 0.0);
  CHECK(ValueDistribution(uniform(1, 3)).cdf(2.5) == doctest::Approx(0.75));
  CHECK(ValueDistribution(uniform(1, 3)).cdf(4.0) == 1.0);
  CHECK(ValueDistribution(exponential(2)).cdf(-1.0) == 0.0);
  CHECK(ValueDistribution(exponential(2)).cdf(0.7) == doctest::Approx(1 - std::exp(-1.4)));
  // Lognormal: Φ((ln v − μ)/σ); at v = e^μ it is 1/2, and Φ(1) = 0.8413447460685429.
  CHECK(ValueDistribution(lognormal(0.3, 0.5)).cdf(std::exp(0.3)) == doctest::Approx(0.5));
  CHECK(ValueDistribution(lognormal(0.3, 0.5)).cdf(std::exp(0.8)) ==
        doctest::Approx(0.8413447460685429));
  CHECK(ValueDistribution(lognormal(0.3, 0.5)).cdf(0.0) == 0.0);
  const ValueDistribution constant({{"distribution", "constant"}, {"value", 2.0}});
  CHECK(constant.cdf(1.999) == 0.0);
  CHECK(constant.cdf(2.0) == 1.0);
  // cdf and quantile are inverse.
  for (const Json& config : {uniform(0.5, 2), exponential(3), lognormal(-1, 1.2)}) {
    const ValueDistribution d(config);
    for (double p : {0.01, 0.3, 0.5, 0.99}) CHECK(d.cdf(d.quantile(p)) == doctest::Approx(p));
  }
}

TEST_CASE("first price, n = 3, U[0,1], no reserve: b(v) = 2/3 v") {
  // Krishna Prop. 2.2: b(v) = E[Y | Y < v] with Y the highest of 2 others, G(y) = y², so
  // b(v) = ∫_0^v y 2y dy / v² = 2/3 v.
  const auto env = make_auction({{"n_bidders", 3}}, "first_price");
  const BidFunction f = bid_function(*env);
  CHECK(f.value.front() == 0.0);
  CHECK(f.value.back() == 1.0);
  for (std::size_t k = 0; k < f.value.size(); ++k) {
    INFO("v = " << f.value[k]);
    CHECK(std::fabs(f.bid[k] - 2.0 / 3.0 * f.value[k]) <= 1e-6);
  }
  CHECK(f.note.find("Prop. 2.2") != std::string::npos);
  // The same in shade mode and with ctr < 1: bids per click.
  const auto shade =
      make_auction({{"n_bidders", 3}, {"bid_mode", "shade"}, {"ctr", {0.4}}}, "first_price");
  CHECK(bid_function(*shade).bid == f.bid);
}

TEST_CASE("first price, n = 2, U[0,1], reserve 0.5: b(v) = (v² + r²) / (2v)") {
  // Krishna §2.5: b(v) = v − ∫_r^v G(x) dx / G(v) with G(x) = x:
  // v − (v² − r²)/(2v) = (v² + r²)/(2v). At v = r the bid is r.
  constexpr double r = 0.5;
  const auto env = make_auction({{"n_bidders", 2}}, "first_price", r);
  const BidFunction f = bid_function(*env);
  CHECK(f.value.front() == r);
  CHECK(f.value.back() == 1.0);
  CHECK(f.bid.front() == doctest::Approx(r));
  for (std::size_t k : {0, 1, 10, 37, 50, 99, 100}) {
    const double v = f.value[k];
    INFO("v = " << v);
    CHECK(std::fabs(f.bid[k] - (v * v + r * r) / (2 * v)) <= 1e-9);
  }
  // Values on U[0.2, 1.2] shifted by 0.2 with the reserve shifted too: the bid shifts.
  const auto shifted =
      make_auction({{"n_bidders", 2}, {"values", uniform(0.2, 1.2)}}, "first_price", r + 0.2);
  const BidFunction g = bid_function(*shifted);
  for (std::size_t k = 0; k < g.value.size(); ++k) {
    CHECK(g.value[k] == doctest::Approx(f.value[k] + 0.2));
    CHECK(g.bid[k] == doctest::Approx(f.bid[k] + 0.2));
  }
}

TEST_CASE("first price, n = 2, exponential(λ): b(v) = 1/λ − v e^{−λv} / (1 − e^{−λv})") {
  // b(v) = v − ∫_0^v (1 − e^{−λx}) dx / (1 − e^{−λv}) = v − (v − (1 − e^{−λv})/λ)/(1 − e^{−λv}),
  // which simplifies to the above; b(0) = 0 in the limit. The grid stops at the 0.99 quantile
  // ln(100)/λ.
  constexpr double rate = 2.0;
  const auto env = make_auction({{"n_bidders", 2}, {"values", exponential(rate)}}, "first_price");
  const BidFunction f = bid_function(*env);
  CHECK(f.value.front() == 0.0);
  CHECK(f.value.back() == doctest::Approx(std::log(100.0) / rate));
  CHECK(f.bid.front() == 0.0);
  for (std::size_t k = 1; k < f.value.size(); ++k) {
    const double v = f.value[k];
    const double e = std::exp(-rate * v);
    INFO("v = " << v);
    CHECK(std::fabs(f.bid[k] - (1 / rate - v * e / (1 - e))) <= 1e-9);
  }
}

TEST_CASE("all-pay, n = 2, U[0,1]: b(v) = v²/2") {
  // b(v) = v G(v) − ∫_0^v G = v² − v²/2 (G(x) = x); Krishna §3.2 gives ∫_0^v y dG(y), the same.
  const auto env = make_auction({{"n_bidders", 2}}, "all_pay");
  const BidFunction f = bid_function(*env);
  CHECK(f.value.front() == 0.0);
  for (std::size_t k = 0; k < f.value.size(); ++k) {
    INFO("v = " << f.value[k]);
    CHECK(std::fabs(f.bid[k] - f.value[k] * f.value[k] / 2) <= 1e-9);
  }
  // The bid is per auction: with ctr 0.5 every bid halves.
  const auto half = make_auction({{"n_bidders", 2}, {"ctr", {0.5}}}, "all_pay");
  const BidFunction h = bid_function(*half);
  for (std::size_t k = 0; k < h.value.size(); ++k) CHECK(h.bid[k] == doctest::Approx(f.bid[k] / 2));
}

TEST_CASE("all-pay with a reserve: the lowest type that bids pays r and breaks even") {
  // n = 2, U[0,1], bid reserve r = 0.25. A type v bidding r wins against others below the
  // entry type, so the entry type v0 solves v0 G(v0) = v0² = r: v0 = 1/2 (types in [r, v0)
  // would lose money and stay out). b(v) = r + v G(v) − v0 G(v0) − ∫_{v0}^v x dx
  // = (v² + v0²)/2 = (v² + 1/4)/2. Expected revenue 2 ∫_{1/2}^1 b(v) dv = 7/24 + 1/8 = 5/12,
  // that of a standard auction with exclusion type 1/2 (Krishna §2.5, Myerson's R(2, 1/2)).
  constexpr double r = 0.25;
  const auto env = make_auction({{"n_bidders", 2}}, "all_pay", r);
  const BidFunction f = bid_function(*env);
  CHECK(f.value.front() == doctest::Approx(0.5));
  CHECK(f.bid.front() == doctest::Approx(r));
  for (std::size_t k = 0; k < f.value.size(); ++k) {
    const double v = f.value[k];
    INFO("v = " << v);
    CHECK(std::fabs(f.bid[k] - (v * v + 0.25) / 2) <= 1e-9);
  }
  const double revenue = 2 * simpson(f.value, f.bid);  // n ∫ b(v) f(v) dv, f = 1
  CHECK(revenue == doctest::Approx(5.0 / 12.0).epsilon(1e-9));
  // predicted_metrics uses the screening type too: the revenue of reserve 1/2, welfare
  // 2 ∫_{1/2}^1 v · v dv = 7/12.
  const Json predicted = env->predicted_metrics();
  CHECK(predicted["revenue"].get<double>() == doctest::Approx(5.0 / 12.0).epsilon(1e-12));
  CHECK(predicted["welfare"].get<double>() == doctest::Approx(7.0 / 12.0).epsilon(1e-12));
}

TEST_CASE("truthful formats: b(v) = v from the reserve on") {
  SUBCASE("second price with reserve 0.3") {
    const auto env = make_auction({{"n_bidders", 3}}, "second_price", 0.3);
    const BidFunction f = bid_function(*env);
    CHECK(f.value.front() == 0.3);
    CHECK(f.value.back() == 1.0);
    CHECK(f.bid == f.value);
  }
  SUBCASE("GSP and VCG with one slot, exponential values (to the 0.99 quantile)") {
    for (const char* name : {"gsp", "vcg"}) {
      const auto env = make_auction({{"n_bidders", 4}, {"values", exponential(1.0)}}, name);
      const BidFunction f = bid_function(*env);
      CHECK(f.value.front() == 0.0);
      CHECK(f.value.back() == doctest::Approx(std::log(100.0)));
      CHECK(f.bid == f.value);
    }
  }
  SUBCASE("a score reserve with unit quality is a bid reserve") {
    const auto env =
        make_auction_with({{"n_bidders", 2}}, "second_price", {{"score_reserve", 0.4}});
    CHECK(bid_function(*env).value.front() == 0.4);
  }
  SUBCASE("Myerson with the true prior: truthful above the monopoly reserve 1/2") {
    const auto env = make_auction_with({{"n_bidders", 2}}, "myerson", Json::object());
    const BidFunction f = bid_function(*env);
    CHECK(f.value.front() == 0.5);
    CHECK(f.bid == f.value);
    CHECK(f.note.find("Myerson") != std::string::npos);
  }
}

TEST_CASE("outside the symmetric one-slot setting: no prediction") {
  const auto empty = [](const std::unique_ptr<Env>& env) {
    const Json predicted = env->predicted_strategies();
    CHECK(predicted.is_object());
    CHECK(predicted.empty());
  };
  SUBCASE("asymmetric values") {
    empty(make_auction({{"n_bidders", 2}, {"values", Json::array({uniform(0, 1), uniform(0, 2)})}},
                       "first_price"));
  }
  SUBCASE("two slots") {
    empty(make_auction({{"n_bidders", 3}, {"ctr", {0.5, 0.3}}}, "first_price"));
    empty(make_auction({{"n_bidders", 3}, {"ctr", {0.5, 0.3}}}, "gsp"));
  }
  SUBCASE("qualities other than 1, or an additive term") {
    empty(make_auction({{"n_bidders", 2}, {"quality", uniform(0.5, 1.5)}}, "first_price"));
    empty(
        make_auction({{"n_bidders", 2}, {"quality", {{"distribution", "constant"}, {"value", 2}}}},
                     "second_price"));
    empty(make_auction({{"n_bidders", 2}, {"additive", uniform(0, 1)}}, "first_price"));
  }
  SUBCASE("personalized reserves, a soft floor, per-impression pricing") {
    empty(make_auction_with({{"n_bidders", 2}}, "first_price", {{"reserves", {0.1, 0.2}}}));
    empty(make_auction_with({{"n_bidders", 2}}, "gsp", {{"soft_floor", 0.5}}));
    empty(make_auction_with({{"n_bidders", 2}}, "second_price", {{"pricing", "per_impression"}}));
  }
  SUBCASE("Myerson with a misspecified prior") {
    empty(make_auction_with({{"n_bidders", 2}}, "myerson", {{"values", uniform(0, 2)}}));
  }
  SUBCASE("constant values, or a reserve above every value") {
    empty(make_auction({{"n_bidders", 2}, {"values", {{"distribution", "constant"}, {"value", 1}}}},
                       "first_price"));
    empty(make_auction({{"n_bidders", 2}, {"values", uniform(0.5, 0.5)}}, "first_price"));
    empty(make_auction({{"n_bidders", 2}}, "first_price", 1.0));
    empty(make_auction({{"n_bidders", 2}}, "all_pay", 1.0));
  }
}

TEST_CASE("the bid functions are equilibria: no type gains by mimicking another") {
  struct Case {
    const char* name;
    Json values;
    int n;
    double ctr;
    const char* mechanism;
    double reserve;
  };
  const std::vector<Case> cases = {
      {"first price, U[0,1], n = 3", uniform(0, 1), 3, 1.0, "first_price", 0.0},
      {"first price, U[1,3], n = 4, reserve 1.6", uniform(1, 3), 4, 1.0, "first_price", 1.6},
      {"first price, exponential, n = 5, reserve 0.4", exponential(2), 5, 0.7, "first_price", 0.4},
      {"first price, lognormal, n = 3", lognormal(0, 0.5), 3, 1.0, "first_price", 0.0},
      {"first price, U[0,1], n = 50", uniform(0, 1), 50, 1.0, "first_price", 0.1},
      {"all-pay, U[0,1], n = 3, reserve 0.1", uniform(0, 1), 3, 1.0, "all_pay", 0.1},
      {"all-pay, exponential, n = 2, ctr 0.5", exponential(1), 2, 0.5, "all_pay", 0.0},
      {"all-pay, lognormal, n = 4, reserve 0.2", lognormal(0, 0.5), 4, 0.8, "all_pay", 0.2},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const auto env = make_auction({{"n_bidders", c.n}, {"values", c.values}, {"ctr", {c.ctr}}},
                                  c.mechanism, c.reserve);
    const BidFunction f = bid_function(*env);
    const bool all_pay = std::string(c.mechanism) == "all_pay";
    // The lowest bid that is made is the reserve (or the bottom of the support, without one).
    CHECK(f.bid.front() >= c.reserve - 1e-12);
    for (std::size_t k = 1; k < f.bid.size(); ++k) CHECK(f.bid[k] > f.bid[k - 1]);
    // Never above the value: per click in first price, per auction (ctr × value) in all-pay.
    for (std::size_t k = 0; k < f.bid.size(); ++k) {
      CHECK(f.bid[k] <= (all_pay ? c.ctr : 1.0) * f.value[k] + 1e-12);
    }
    check_no_profitable_mimicry(f, ValueDistribution(c.values), c.n, c.ctr, all_pay);
  }
}

TEST_CASE("the first-price and all-pay bid functions earn predicted_metrics()'s revenue") {
  // Revenue equivalence: E[payments] under the equilibrium bids equals predicted_metrics()'s
  // revenue. First price: n ∫_{v0}^1 b(v) F(v)^{n-1} f(v) dv (the highest bid wins and pays);
  // all-pay: n ∫_{v0}^1 b(v) f(v) dv (every bidder pays). Quadrature on the 101-point grid
  // (Simpson) against the closed form, U[0,1], n = 3: 1/2 without reserve, R(3, 0.3) = 0.51485
  // with reserve 0.3 (first price).
  struct Case {
    const char* mechanism;
    double reserve;
  };
  for (const Case& c : {Case{"first_price", 0.0}, Case{"first_price", 0.3}, Case{"all_pay", 0.0}}) {
    INFO(c.mechanism << ", reserve " << c.reserve);
    const auto env = make_auction({{"n_bidders", 3}}, c.mechanism, c.reserve);
    const BidFunction f = bid_function(*env);
    const bool all_pay = std::string(c.mechanism) == "all_pay";
    std::vector<double> integrand(f.value.size());
    for (std::size_t k = 0; k < f.value.size(); ++k) {
      integrand[k] = 3 * f.bid[k] * (all_pay ? 1.0 : f.value[k] * f.value[k]);
    }
    const double revenue = simpson(f.value, integrand);
    const double predicted = env->predicted_metrics().at("revenue").get<double>();
    CHECK(std::fabs(revenue - predicted) <= 1e-6);
  }
}

TEST_CASE("bidding the grid's bid function in the env earns the predicted revenue") {
  // First price, n = 3, U[0,1], reserve 0.3, one auction per step: every bidder bids the bid
  // function at its observed value (linear interpolation between grid points, 0 below the
  // grid), and the mean revenue matches R(3, 0.3) = 0.51485 within 5 standard errors.
  constexpr double r = 0.3;
  constexpr std::int64_t kSteps = 200000;
  const auto env = make_auction({{"n_bidders", 3}}, "first_price", r, kSteps);
  const BidFunction f = bid_function(*env);
  const auto bid_at = [&](double v) {
    if (v < f.value.front()) return 0.0;
    const double step = f.value[1] - f.value[0];
    const double pos = std::min((v - f.value.front()) / step, 99.999999);
    const auto k = static_cast<std::size_t>(pos);
    return f.bid[k] + (f.bid[k + 1] - f.bid[k]) * (pos - static_cast<double>(k));
  };
  const auto m = play(*env, 31, kSteps, [&](const RowBatch& obs, RowBatch& actions) {
    for (Eigen::Index i = 0; i < obs.rows(); ++i) actions(i, 0) = bid_at(obs(i, 0));
  });
  const Estimate got = estimate(m, metric(*env, "revenue"));
  const double predicted = env->predicted_metrics().at("revenue").get<double>();
  CHECK(predicted == doctest::Approx(0.51485));
  INFO("simulated " << got.mean << " ± " << got.tolerance / 5);
  CHECK(std::fabs(got.mean - predicted) <= got.tolerance);
}

}  // namespace
}  // namespace agora::testing
