// Properties every registered mechanism (first_price, second_price, gsp, vcg, all_pay, myerson)
// must have on random markets, whatever its price rule. The model is mechanisms/mechanism.h and
// mechanisms/position_auction.h: eligible bidders (bid >= r_i) are ranked by score, the k best
// fill the slots top-down, ties are broken uniformly at random, and the winner of slot s gets
// ctr[s] q expected clicks and pays at most its bid per unit (units: ctr[s] q per click, 1 per
// impression); only all-pay charges losers (Krishna, Auction Theory, 2010, §2.5).
// Deviation profiles must agree with run(): they are the same allocation and price rule, seen
// as a function of one bid.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "tests/mechanisms/mechanism_testing.h"

namespace agora::testing {
namespace {

const std::vector<std::string> kMechanisms = {"first_price", "second_price", "gsp",
                                              "vcg",         "all_pay",      "myerson"};

// Rules whose price is at most the least bid that keeps the slot, so bidding the value is
// individually rational.
bool threshold_priced(const std::string& name) {
  return name == "second_price" || name == "gsp" || name == "vcg" || name == "myerson";
}

bool per_impression(const RandomMarket& x) {
  return x.params.value("pricing", std::string("per_click")) == "per_impression";
}

// r_i = max(reserve, reserves[i]), and for Myerson with U[0, 1] values at least φ^{-1}(0) = 1/2.
double bid_reserve(const std::string& name, const RandomMarket& x, int bidder) {
  double r = x.params.value("reserve", 0.0);
  if (x.params.contains("reserves")) {
    r = std::max(r, x.params["reserves"][static_cast<std::size_t>(bidder)].get<double>());
  }
  if (name == "myerson") r = std::max(r, 0.5);
  return r;
}

double score_reserve(const RandomMarket& x) {
  return x.params.contains("score_reserve") ? x.params["score_reserve"].get<double>() : -INFINITY;
}

// The ranking score by hand: b q^α + w e (Lahaie & Pennock 2007), for Myerson with U[0, 1]
// values φ(b) q = (2b − 1) q (Myerson 1981); -inf when the bid is below r_i or the score below
// the score reserve.
double score_by_hand(const std::string& name, const RandomMarket& x, int bidder) {
  const BidderView view = view_of(x.auction, bidder);
  const double b = x.auction.bids[static_cast<std::size_t>(bidder)];
  const double s = name == "myerson"
                       ? (2 * b - 1) * view.quality
                       : b * std::pow(view.quality, x.params.value("quality_exponent", 1.0)) +
                             x.params.value("additive_weight", 0.0) * view.additive;
  return b >= bid_reserve(name, x, bidder) && s >= score_reserve(x) ? s : -INFINITY;
}

// e_i, the least eligible bid: max(r_i, the bid whose score is the score reserve).
double entry_bid(const std::string& name, const RandomMarket& x, int bidder) {
  const double r = bid_reserve(name, x, bidder);
  const double big_r = score_reserve(x);
  if (big_r == -INFINITY) return r;
  const BidderView view = view_of(x.auction, bidder);
  if (name == "myerson") return std::max(r, (big_r / view.quality + 1) / 2);
  return std::max(r, (big_r - x.params.value("additive_weight", 0.0) * view.additive) /
                         std::pow(view.quality, x.params.value("quality_exponent", 1.0)));
}

// The quantity a price is per for the winner of slot s: ctr[s] q per click, 1 per impression
// and in all-pay (a bid per auction).
double units(const std::string& name, const RandomMarket& x, int slot, int bidder) {
  if (name == "all_pay" || per_impression(x)) return 1.0;
  return x.auction.ctr[static_cast<std::size_t>(slot)] * view_of(x.auction, bidder).quality;
}

bool near(double got, double want, double relative = 1e-12) {
  return std::fabs(got - want) <= relative * std::max(1.0, std::fabs(want));
}

bool same_or_both_nan(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Every structural property of one outcome (auction a of out) of mechanism `name` on market x.
void check_outcome(const Mechanism& m, const std::string& name, const RandomMarket& x,
                   const AuctionOutcome& out, int a = 0) {
  const Auction& auction = x.auction;
  const int n = static_cast<int>(auction.bids.size());
  const int k = static_cast<int>(auction.ctr.size());
  // Scores are the mechanism's score(); the eligible ones, sorted, fix the ranking.
  std::vector<double> eligible;
  for (int i = 0; i < n; ++i) {
    const double s = m.score(view_of(auction, i), auction.bids[static_cast<std::size_t>(i)]);
    const double by_hand = score_by_hand(name, x, i);
    INFO("bidder ", i, " score ", s, " by hand ", by_hand);
    CHECK(same_or_both_nan(out.score(a, i), s));
    CHECK(((s == -INFINITY && by_hand == -INFINITY) || near(s, by_hand)));
    if (s > -INFINITY) eligible.push_back(s);
  }
  std::sort(eligible.begin(), eligible.end(), std::greater<>());
  const int filled = std::min(k, static_cast<int>(eligible.size()));
  std::vector<int> slot_of(static_cast<std::size_t>(n), -1);
  for (int s = 0; s < k; ++s) {
    const int w = out.winner(a, s);
    INFO("slot ", s, " winner ", w);
    if (s >= filled) {  // slots are filled top-down without gaps
      CHECK(w == -1);
      CHECK(out.price(a, s) == 0.0);
      CHECK(std::isnan(out.clearing_score(a, s)));
      continue;
    }
    REQUIRE(w >= 0);
    REQUIRE(w < n);
    CHECK(slot_of[static_cast<std::size_t>(w)] == -1);  // at most one slot per bidder
    slot_of[static_cast<std::size_t>(w)] = s;
    // Winners in score order: the winner of slot s has the s-th highest eligible score, and
    // the clearing score is the next one (NaN when nobody eligible is left).
    CHECK(out.score(a, w) == eligible[static_cast<std::size_t>(s)]);
    if (s + 1 < static_cast<int>(eligible.size())) {
      CHECK(out.clearing_score(a, s) == eligible[static_cast<std::size_t>(s + 1)]);
    } else {
      CHECK(std::isnan(out.clearing_score(a, s)));
    }
  }
  CHECK(out.losers_pay == (name == "all_pay"));
  const int runner_up = out.runner_up(a);
  if (static_cast<int>(eligible.size()) > k) {
    REQUIRE(runner_up >= 0);
    CHECK(slot_of[static_cast<std::size_t>(runner_up)] == -1);
    CHECK(out.score(a, runner_up) == eligible[static_cast<std::size_t>(k)]);
  } else {
    CHECK(runner_up == -1);
  }
  for (int i = 0; i < n; ++i) {
    const double bid = auction.bids[static_cast<std::size_t>(i)];
    const int s = slot_of[static_cast<std::size_t>(i)];
    const double clicks = out.clicks(a, i);
    const double payment = out.payment(a, i);
    INFO("bidder ", i, " bid ", bid, " slot ", s, " clicks ", clicks, " payment ", payment);
    CHECK(payment >= 0.0);  // no positive transfers to anyone
    if (s < 0) {
      CHECK(clicks == 0.0);
      const bool pays_bid = name == "all_pay" && out.score(a, i) > -INFINITY;
      CHECK(payment == (pays_bid ? bid : 0.0));  // losers pay nothing, except in all-pay
      continue;
    }
    const double u = units(name, x, s, i);
    const double price = out.price(a, s);
    CHECK(near(clicks, auction.ctr[static_cast<std::size_t>(s)] * view_of(auction, i).quality));
    CHECK(near(payment, price * u));
    CHECK(price <= bid * (1 + 1e-12));  // never above the bid
    CHECK(price >= entry_bid(name, x, i) * (1 - 1e-12));
    if (name == "all_pay" || name == "first_price") CHECK(price == bid);
    // Individual rationality of truthful bidding: a bidder whose value is its bid gets
    // utility bid x units - payment >= 0 under threshold prices; exactly 0 in first price.
    if (threshold_priced(name)) CHECK(bid * u - payment >= -1e-12 * std::max(1.0, payment));
    if (name == "first_price") CHECK(near(payment, bid * u));
  }
}

TEST_CASE("every mechanism: outcome structure, prices and payments on random markets") {
  // 400 continuous and 400 grid markets (ties, bids at the reserve) per mechanism; see
  // check_outcome for the properties.
  for (const std::string& name : kMechanisms) {
    Rng rng(101);
    for (int trial = 0; trial < 800; ++trial) {
      const RandomMarket x = random_market(name, rng, trial % 2 == 0);
      INFO(name, " trial ", trial, " params ", x.params.dump());
      const auto m = mechanism(name, x.params);
      check_outcome(*m, name, x, run_one(*m, x.auction, rng));
    }
  }
}

// A batch of auctions among the same bidders (arrays auctions x bidders, row-major).
struct Batch {
  std::vector<double> bids, quality, additive;
  int auctions = 0;
  int bidders = 0;
  std::vector<double> ctr;
  AuctionBatch batch() const {
    return {bids.data(),
            quality.empty() ? nullptr : quality.data(),
            additive.empty() ? nullptr : additive.data(),
            auctions,
            bidders,
            ctr};
  }
  Auction row(int a) const {
    const auto slice = [&](const std::vector<double>& v) {
      if (v.empty()) return std::vector<double>{};
      const auto begin = v.begin() + static_cast<std::ptrdiff_t>(a) * bidders;
      return std::vector<double>(begin, begin + bidders);
    };
    return make_auction(slice(bids), ctr, slice(quality), slice(additive));
  }
};

// `copies` copies of the same auction.
Batch copies_of(const Auction& auction, int copies) {
  Batch r;
  r.auctions = copies;
  r.bidders = static_cast<int>(auction.bids.size());
  r.ctr = auction.ctr;
  for (int t = 0; t < copies; ++t) {
    r.bids.insert(r.bids.end(), auction.bids.begin(), auction.bids.end());
    r.quality.insert(r.quality.end(), auction.quality.begin(), auction.quality.end());
    r.additive.insert(r.additive.end(), auction.additive.begin(), auction.additive.end());
  }
  return r;
}

TEST_CASE("every mechanism breaks ties uniformly at random") {
  // Bidders 0, 1, 2 tie at 0.8 for two slots (ctr 1, 0.5), bidder 3 bids 0.6 (above Myerson's
  // reserve 1/2). Each of the 6 ordered pairs (slot 0, slot 1) of tied bidders is equally
  // likely. Pearson's statistic over the 6 cells has 5 degrees of freedom, and
  // P(χ²_5 > 35.9) = erfc(√(x/2)) + √(2x/π) e^{−x/2} (1 + x/3) at x = 35.9, ≈ 1.0e-6.
  // Every winner pays 0.8 per unit: its bid (first price, all-pay), the tied bid below it (GSP),
  // (1 − 0.5) 0.8 + 0.5 · 0.8 per click (VCG, Myerson).
  constexpr int kDraws = 30000;
  const Auction tied = make_auction({0.8, 0.8, 0.8, 0.6}, {1.0, 0.5});
  for (const std::string& name : kMechanisms) {
    INFO(name);
    Rng rng(102);
    const auto m = mechanism(name);
    const Batch copies = copies_of(tied, kDraws);
    AuctionOutcome out;
    m->run(copies.batch(), out, rng);
    std::array<std::array<int, 3>, 3> pairs{};
    for (int t = 0; t < kDraws; ++t) {
      const int first = out.winner(t, 0);
      const int second = out.winner(t, 1);
      REQUIRE((first >= 0 && first < 3 && second >= 0 && second < 3 && first != second));
      ++pairs[static_cast<std::size_t>(first)][static_cast<std::size_t>(second)];
      CHECK(out.price(t, 0) == doctest::Approx(0.8).epsilon(1e-12));
      CHECK(out.price(t, 1) == doctest::Approx(0.8).epsilon(1e-12));
    }
    const double expected = kDraws / 6.0;
    double chi_square = 0.0;
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) {
        if (a == b) continue;
        const double d = pairs[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)] - expected;
        chi_square += d * d / expected;
      }
    }
    CHECK(chi_square < 35.9);
  }
}

bool same_outcome(const AuctionOutcome& a, const AuctionOutcome& b) {
  const auto same = [](const PriceBatch& x, const PriceBatch& y) {
    return x.rows() == y.rows() && x.cols() == y.cols() &&
           ((x == y) || (x.isNaN() && y.isNaN())).all();
  };
  return (a.winner == b.winner).all() && (a.runner_up == b.runner_up).all() &&
         same(a.price, b.price) && same(a.clearing_score, b.clearing_score) &&
         same(a.score, b.score) && same(a.clicks, b.clicks) && same(a.payment, b.payment);
}

// A batch of `rows` auctions among the bidders of x: new bids (and qualities and additive terms
// when x has them) for every row, on coarse dyadic grids (exact ties) or continuous.
Batch random_rows(const RandomMarket& x, int rows, bool grid, Rng& rng) {
  boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
  boost::random::uniform_int_distribution<int> level(0, 4);
  Batch r;
  r.auctions = rows;
  r.bidders = static_cast<int>(x.auction.bids.size());
  r.ctr = x.auction.ctr;
  const auto draw = [&](double grid_step, double offset) {
    return grid ? offset + grid_step * level(rng) : offset + unit(rng);
  };
  for (int t = 0; t < rows * r.bidders; ++t) {
    r.bids.push_back(draw(0.25, 0.0));
    if (!x.auction.quality.empty()) r.quality.push_back(draw(0.5, 0.5));
    if (!x.auction.additive.empty()) r.additive.push_back(draw(0.25, 0.0));
  }
  return r;
}

TEST_CASE("every mechanism: a batch gives the same outcome as its auctions run one by one") {
  // run() draws tie-breaks auction by auction, so the batch and the sequence of single
  // auctions, each from an Rng with the same seed, agree exactly, ties included.
  for (const std::string& name : kMechanisms) {
    Rng market_rng(103);
    for (int trial = 0; trial < 40; ++trial) {
      const bool grid = trial % 2 == 0;
      const RandomMarket x = random_market(name, market_rng, grid);
      const Batch rows = random_rows(x, 50, grid, market_rng);
      INFO(name, " trial ", trial, " params ", x.params.dump());
      const auto m = mechanism(name, x.params);
      Rng batch_rng(104), single_rng(104);
      AuctionOutcome batched, single;
      m->run(rows.batch(), batched, batch_rng);
      for (int a = 0; a < rows.auctions; ++a) {
        const Auction row = rows.row(a);
        m->run(row.batch(), single, single_rng);
        REQUIRE(single.winner.rows() == 1);
        CHECK((single.winner.row(0) == batched.winner.row(a)).all());
        CHECK(single.runner_up(0) == batched.runner_up(a));
        for (int s = 0; s < static_cast<int>(rows.ctr.size()); ++s) {
          CHECK(same_or_both_nan(single.price(0, s), batched.price(a, s)));
          CHECK(same_or_both_nan(single.clearing_score(0, s), batched.clearing_score(a, s)));
        }
        CHECK((single.clicks.row(0) == batched.clicks.row(a)).all());
        CHECK((single.payment.row(0) == batched.payment.row(a)).all());
        CHECK((single.score.row(0) == batched.score.row(a)).all());
      }
      CHECK(batch_rng == single_rng);
    }
  }
}

TEST_CASE("every mechanism is deterministic for a fixed seed") {
  // Grid markets tie often; the same seed must give the same tie-breaks. A different seed
  // must change some of them (the randomness is used), when ties decide a slot.
  for (const std::string& name : kMechanisms) {
    Rng market_rng(105);
    int differs = 0;
    for (int trial = 0; trial < 20; ++trial) {
      const RandomMarket x = random_market(name, market_rng, true);
      const Batch rows = random_rows(x, 200, true, market_rng);
      const auto m = mechanism(name, x.params);
      AuctionOutcome a, b, c;
      Rng rng_a(7), rng_b(7), rng_c(8);
      m->run(rows.batch(), a, rng_a);
      m->run(rows.batch(), b, rng_b);
      m->run(rows.batch(), c, rng_c);
      INFO(name, " trial ", trial);
      CHECK(same_outcome(a, b));
      CHECK(rng_a == rng_b);
      differs += !same_outcome(a, c);
    }
    INFO(name);
    CHECK(differs >= 5);
  }
}

TEST_CASE("every mechanism: deviation() at the own bid equals run() when nobody ties") {
  // Continuous markets: no ties, so run() is deterministic and deviation(batch, 0, i, b_i)
  // must give bidder i's clicks and payment exactly (up to 1e-12 rounding).
  for (const std::string& name : kMechanisms) {
    Rng rng(106);
    for (int trial = 0; trial < 400; ++trial) {
      const RandomMarket x = random_market(name, rng, false);
      const auto m = mechanism(name, x.params);
      const AuctionOutcome out = run_one(*m, x.auction, rng);
      for (int i = 0; i < static_cast<int>(x.auction.bids.size()); ++i) {
        const DeviationOutcome want = realized(out, 0, i);
        const DeviationOutcome got =
            m->deviation(x.auction.batch(), 0, i, x.auction.bids[static_cast<std::size_t>(i)]);
        INFO(name, " trial ", trial, " bidder ", i, " params ", x.params.dump());
        CHECK(near(got.clicks, want.clicks));
        CHECK(near(got.payment, want.payment));
      }
    }
  }
}

TEST_CASE("every mechanism: deviation_profile at random bids equals rerunning the auction") {
  // For random bids b (continuous, so no ties), profile(b) = what run() gives bidder i when
  // its bid is replaced by b. The profile built from only the k highest other scores (plus
  // those tied with the last kept) is the same function (the contract of deviation_profile).
  for (const std::string& name : kMechanisms) {
    Rng rng(107);
    boost::random::uniform_real_distribution<double> bid_draw(0.0, 1.5);
    for (int trial = 0; trial < 300; ++trial) {
      const RandomMarket x = random_market(name, rng, false);
      const auto m = mechanism(name, x.params);
      const int n = static_cast<int>(x.auction.bids.size());
      const int k = static_cast<int>(x.auction.ctr.size());
      for (int i = 0; i < n; ++i) {
        DeviationProfile profile, truncated_profile;
        m->deviation_profile(x.auction.batch(), 0, i, profile);
        std::vector<double> others;
        for (int j = 0; j < n; ++j) {
          const double s =
              m->score(view_of(x.auction, j), x.auction.bids[static_cast<std::size_t>(j)]);
          if (j != i && s > -INFINITY) others.push_back(s);
        }
        std::sort(others.begin(), others.end(), std::greater<>());
        others.resize(std::min(others.size(), static_cast<std::size_t>(k)));
        m->deviation_profile(others, view_of(x.auction, i), x.auction.ctr, truncated_profile);
        for (int draw = 0; draw < 4; ++draw) {
          const double b = bid_draw(rng);
          const AuctionOutcome out = run_one(*m, with_bid(x.auction, i, b), rng);
          const DeviationOutcome want = realized(out, 0, i);
          const DeviationOutcome got = profile.at(b);
          const DeviationOutcome got_truncated = truncated_profile.at(b);
          INFO(name, " trial ", trial, " bidder ", i, " bid ", b, " params ", x.params.dump());
          CHECK(near(got.clicks, want.clicks));
          CHECK(near(got.payment, want.payment));
          CHECK(near(got_truncated.clicks, want.clicks));
          CHECK(near(got_truncated.payment, want.payment));
        }
      }
    }
  }
}

TEST_CASE("the one-slot deviation profile agrees with run() at a tie bid that rounds away") {
  // The closed form for one slot and one rival puts a half-won tie at the bid
  // (O − w e) / q^α only when that bid's score really equals O. Bidder 0 with quality 0.6
  // bidding 1.5 against bidder 1's score 0.9 scores 1.5 x 0.6 = 0.8999999999999999 < 0.9, so
  // run() never gives it the slot, and the profile must report 0 clicks there (as the general
  // path, used as soon as a third bidder is present, does). About 11% of random (O, q) pairs
  // round this way.
  for (const char* name : {"first_price", "gsp", "vcg", "all_pay"}) {
    INFO(name);
    const auto m = mechanism(name);
    Rng rng(109);
    const Auction two = make_auction({1.5, 0.9}, {1.0}, {0.6, 1.0});
    const Auction three = make_auction({1.5, 0.9, 0.1}, {1.0}, {0.6, 1.0, 1.0});
    REQUIRE(m->score(view_of(two, 0), 1.5) < 0.9);  // no tie: bidder 0 loses in run()
    CHECK(run_one(*m, two, rng).clicks(0, 0) == 0.0);
    CHECK(m->deviation(three.batch(), 0, 0, 1.5).clicks == 0.0);  // general path
    CHECK(m->deviation(two.batch(), 0, 0, 1.5).clicks == 0.0);    // closed form
  }
}

TEST_CASE("every mechanism: deviation() averages run() over random tie-breaks") {
  // Grid markets tie often and exactly. deviation(batch, 0, i, b_i) is the expectation over
  // the uniform tie-break, so it must match the mean of bidder i's clicks and payment over T
  // independent runs. Per run they lie in ranges of width at most c = ctr[0] q_i and
  // p = b_i max(ctr[0] q_i, 1), so the standard error of a mean is at most c / (2√T) (resp.
  // p / (2√T)); we allow 5 of them.
  constexpr int kDraws = 20000;
  for (const std::string& name : kMechanisms) {
    Rng rng(108);
    int markets_with_ties = 0;
    for (int trial = 0; trial < 40; ++trial) {
      const RandomMarket x = random_market(name, rng, true);
      const auto m = mechanism(name, x.params);
      const Batch copies = copies_of(x.auction, kDraws);
      AuctionOutcome out;
      m->run(copies.batch(), out, rng);
      const int n = copies.bidders;
      std::vector<double> finite;
      for (int i = 0; i < n; ++i) {
        if (out.score(0, i) > -INFINITY) finite.push_back(out.score(0, i));
      }
      std::sort(finite.begin(), finite.end());
      markets_with_ties += std::adjacent_find(finite.begin(), finite.end()) != finite.end();
      for (int i = 0; i < n; ++i) {
        const double mean_clicks = out.clicks.col(i).mean();
        const double mean_payment = out.payment.col(i).mean();
        const double bid = x.auction.bids[static_cast<std::size_t>(i)];
        const DeviationOutcome want = m->deviation(x.auction.batch(), 0, i, bid);
        const double c = x.auction.ctr[0] * view_of(x.auction, i).quality;
        const double p = bid * std::max(c, 1.0);
        const double se = 5.0 / (2.0 * std::sqrt(double{kDraws}));
        INFO(name, " trial ", trial, " bidder ", i, " params ", x.params.dump());
        CHECK(std::fabs(mean_clicks - want.clicks) <= c * se + 1e-12);
        CHECK(std::fabs(mean_payment - want.payment) <= p * se + 1e-12);
      }
    }
    INFO(name);
    CHECK(markets_with_ties >= 10);
  }
}

}  // namespace
}  // namespace agora::testing
