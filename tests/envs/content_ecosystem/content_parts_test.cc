// The parts of the `content_ecosystem` env checked by hand: the health measures (Gini,
// normalised entropy, content gap) against closed forms, the users' logit choice with an outside
// option (probabilities by hand, draws against them), the recommender's blocked GEMM scores
// against the scalar formula and a hand-worked MMR re-ranking, and creators' freshness, streaks,
// exits and entry into fresh slots.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "envs/content_ecosystem/content_creators.h"
#include "envs/content_ecosystem/content_users.h"
#include "envs/content_ecosystem/ecosystem_health.h"
#include "envs/content_ecosystem/recommender.h"
#include "envs/content_ecosystem/topic_space.h"

namespace agora::testing {
namespace {

TEST_CASE("content_parts: Gini coefficient closed forms") {
  std::vector<double> scratch;
  const std::vector<double> equal = {2.0, 2.0, 2.0, 2.0};
  CHECK(gini_coefficient(equal, scratch) == doctest::Approx(0.0));
  // One of n holds everything: (n - 1) / n.
  const std::vector<double> one = {0.0, 0.0, 5.0, 0.0, 0.0};
  CHECK(gini_coefficient(one, scratch) == doctest::Approx(4.0 / 5.0));
  // {1, 2, 3, 4}: sum_ij |x_i - x_j| = 2 (1 + 2 + 3 + 1 + 2 + 1) = 20, 2 n^2 mean = 80.
  const std::vector<double> ramp = {4.0, 1.0, 3.0, 2.0};
  CHECK(gini_coefficient(ramp, scratch) == doctest::Approx(0.25));
  const std::vector<double> zeros = {0.0, 0.0};
  CHECK(gini_coefficient(zeros, scratch) == 0.0);
}

TEST_CASE("content_parts: normalised entropy closed forms") {
  const std::vector<double> equal = {3.0, 3.0, 3.0};
  CHECK(normalized_entropy(equal) == doctest::Approx(1.0));
  const std::vector<double> one = {0.0, 7.0, 0.0};
  CHECK(normalized_entropy(one) == doctest::Approx(0.0));
  // Shares (1/4, 1/4, 1/2): H = 1.5 ln 2, divided by ln 3.
  const std::vector<double> skewed = {1.0, 1.0, 2.0};
  CHECK(normalized_entropy(skewed) == doctest::Approx(1.5 * std::log(2.0) / std::log(3.0)));
}

TEST_CASE("content_parts: content gap finds the region with demand and no supply") {
  // Demand shares (1/2, 1/4, 1/4), supply shares (0, 1/2, 1/2): gaps (1/2, -1/4, -1/4).
  const std::vector<double> demand = {2.0, 1.0, 1.0};
  const std::vector<double> supply = {0.0, 3.0, 3.0};
  const ContentGap gap = content_gap(demand, supply);
  CHECK(gap.region == 0);
  CHECK(gap.gap == doctest::Approx(0.5));
  // Supply proportional to demand: no gap.
  const std::vector<double> matched = {4.0, 2.0, 2.0};
  CHECK(content_gap(demand, matched).gap == doctest::Approx(0.0));
}

TEST_CASE("content_parts: logit choice with an outside option, by hand and by draws") {
  // v = (1, 2), v0 = 0: p = (e, e^2, 1) / (1 + e + e^2).
  const std::vector<double> v = {1.0, 2.0};
  std::vector<double> p(3);
  logit_choice_probabilities(v, 0.0, p);
  const double z = 1.0 + std::exp(1.0) + std::exp(2.0);
  CHECK(p[0] == doctest::Approx(std::exp(1.0) / z));
  CHECK(p[1] == doctest::Approx(std::exp(2.0) / z));
  CHECK(p[2] == doctest::Approx(1.0 / z));
  // Draws: each frequency within 5 standard errors of its probability.
  Rng rng(7);
  constexpr int kDraws = 100000;
  std::vector<int> counts(3, 0);
  for (int d = 0; d < kDraws; ++d) {
    const int c = draw_logit_choice(v, 0.0, rng);
    ++counts[static_cast<std::size_t>(c < 0 ? 2 : c)];
  }
  for (std::size_t k = 0; k < 3; ++k) {
    const double se = std::sqrt(p[k] * (1.0 - p[k]) / kDraws);
    CHECK(std::fabs(counts[k] / double(kDraws) - p[k]) < 5.0 * se);
  }
  // An empty slate: the outside option for sure.
  CHECK(draw_logit_choice(std::span<const double>(), 0.0, rng) == -1);
}

TEST_CASE("content_parts: users' utility, satisfaction and churn") {
  const TopicSpace space(2, 2, 1);
  ContentUserParams params;
  params.count = 3;
  params.affinity = 2.0;
  params.quality_utility = 0.5;
  params.satisfaction_memory = 0.5;
  params.churn_threshold = 0.0;
  params.churn_probability = 1.0;
  ContentUsers users(params, space);
  Rng rng(1);
  users.reset(rng);
  const std::vector<float> x = {3.0f, 4.0f};
  users.set_preference(0, x, 0);  // normalised to (0.6, 0.8)
  const float c[] = {1.0f, 0.0f};
  CHECK(users.utility(0, c, 0.4) == doctest::Approx(2.0 * 0.6 + 0.5 * 0.4));
  users.record_session(0, -1.0);  // satisfaction 0.5 * 0 + 0.5 * (-1) = -0.5 < 0
  users.record_session(1, 2.0);   // 1.0
  CHECK(users.satisfaction()(0) == doctest::Approx(-0.5));
  CHECK(users.churn_and_return(rng) == 1);
  CHECK_FALSE(users.active()(0));
  CHECK(users.active()(1));
}

TEST_CASE("content_parts: preference drift diffuses, mean reversion keeps users near home") {
  // Ornstein-Uhlenbeck per coordinate (before re-normalisation): stationary variance
  // drift^2 / (2 kappa - kappa^2) = 0.0025 / 0.19 ~ 0.013, so in d = 4 the mean cosine to
  // home stays about 1 - 4 x 0.013 / 2 ~ 0.97. Without reversion 500 steps of variance 0.0025
  // per coordinate (1.25 in total) leave the sphere nearly uniform: mean cosine near 0.
  const TopicSpace space(4, 2, 1);
  for (const double kappa : {0.0, 0.1}) {
    ContentUserParams params;
    params.count = 400;
    params.drift = 0.05;
    params.drift_reversion = kappa;
    ContentUsers users(params, space);
    Rng rng(9);
    users.reset(rng);
    const FloatRows home = users.preferences();
    for (int t = 0; t < 500; ++t) users.drift(rng);
    const double mean_cosine =
        (users.preferences().cast<double>().array() * home.cast<double>().array()).sum() / 400.0;
    CAPTURE(kappa);
    CHECK(users.preferences().rowwise().norm().minCoeff() == doctest::Approx(1.0).epsilon(1e-5));
    if (kappa > 0.0) {
      CHECK(mean_cosine > 0.9);
    } else {
      CHECK(std::fabs(mean_cosine) < 0.3);
    }
  }
}

TEST_CASE("content_parts: blocked scores equal the scalar formula; inactive items are -inf") {
  const int dim = 3, items = 5, n_users = 7;
  RecommenderWeights w;
  w.relevance = 2.0;
  w.quality = 0.5;
  w.freshness = 0.25;
  w.underserved = 1.0;
  Recommender rec(w, dim, items);
  FloatRows directions(items, dim), users(n_users, dim);
  directions.setRandom();
  users.setRandom();
  std::vector<float> terms(items);
  for (int j = 0; j < items; ++j) {
    terms[static_cast<std::size_t>(j)] = rec.item_term(0.1 * j, 0.5, j == 1 ? 1.0 : 0.0, j != 3);
  }
  CHECK(terms[1] == doctest::Approx(0.5 * 0.1 + 0.25 * 0.5 + 1.0));
  rec.prepare(directions, terms);
  FloatRows scores;
  rec.score_block(users, 2, 4, scores);
  REQUIRE(scores.rows() == 4);
  REQUIRE(scores.cols() == items);
  for (int r = 0; r < 4; ++r) {
    for (int j = 0; j < items; ++j) {
      if (j == 3) {
        CHECK(scores(r, j) == -std::numeric_limits<float>::infinity());
        continue;
      }
      const double expected =
          2.0 * users.row(2 + r).cast<double>().dot(directions.row(j).cast<double>()) +
          terms[static_cast<std::size_t>(j)];
      CHECK(scores(r, j) == doctest::Approx(expected).epsilon(1e-5));
      const float scalar = rec.score({users.row(2 + r).data(), 3}, {directions.row(j).data(), 3},
                                     terms[static_cast<std::size_t>(j)]);
      CHECK(scalar == doctest::Approx(scores(r, j)).epsilon(1e-5));
    }
  }
}

TEST_CASE("content_parts: MMR re-ranking, worked by hand") {
  // Items a = (1, 0), b = (1, 0) (a duplicate of a), c = (0, 1); scores a 1, b 0.99, c 0.5;
  // lambda 1/2. Pick 1: a (0.5). Pick 2: b 0.495 - 0.5 = -0.005, c 0.25 - 0 = 0.25 -> c.
  // Pick 3: b, -0.005. Scores become a 0.5, c 0.25, b -0.005: order a, c, b.
  RecommenderWeights w;
  w.mmr_lambda = 0.5;
  w.mmr_candidates = 3;
  Recommender rec(w, 2, 4);
  FloatRows directions(4, 2);
  directions << 1, 0, 1, 0, 0, 1, 0.6f, 0.8f;
  std::vector<float> row = {1.0f, 0.99f, 0.5f, 0.1f};  // item 3 falls outside the candidates
  rec.rerank(row, directions);
  CHECK(row[0] == doctest::Approx(0.5));
  CHECK(row[2] == doctest::Approx(0.25));
  CHECK(row[1] == doctest::Approx(-0.005));
  CHECK(row[3] == -std::numeric_limits<float>::infinity());
}

TEST_CASE("content_parts: creators' freshness, low-utility streaks, exits and fresh entry") {
  const TopicSpace space(2, 3, 5);
  ContentCreatorParams params;
  params.pool = 4;
  params.initial = 2;
  params.posting_rate = 0.0;
  params.freshness_timescale = 2.0;
  params.patience = 2;
  params.outside_option = 0.0;
  params.arrival_rate = 1e6;  // every fresh slot fills at the first chance
  ContentCreators creators(params, space);
  Rng rng(3);
  creators.reset(rng);
  CHECK(creators.active().count() == 2);
  FloatRows keep = FloatRows::Zero(4, 2);  // zero rows keep the direction
  const FloatRows before = creators.directions();
  creators.start_period(keep, rng);
  CHECK(creators.directions().row(0) == before.row(0));
  CHECK(creators.freshness()(0) == doctest::Approx(std::exp(-1.0 / 2.0)));  // age 1
  creators.start_period(keep, rng);
  CHECK(creators.freshness()(0) == doctest::Approx(std::exp(-2.0 / 2.0)));  // age 2
  FloatRows move = keep;
  move.row(1) << 0.0f, -3.0f;  // normalised to (0, -1); a new post: age 0
  creators.start_period(move, rng);
  CHECK(creators.directions()(1, 1) == doctest::Approx(-1.0));
  CHECK(creators.freshness()(1) == doctest::Approx(1.0));
  BoolArray terminated = BoolArray::Constant(4, false);
  const std::vector<double> utility = {-1.0, 1.0, 0.0, 0.0};
  CHECK(creators.settle(utility, terminated) == 0);
  CHECK(creators.settle(utility, terminated) == 1);  // creator 0's second period below 0
  CHECK(terminated(0));
  CHECK_FALSE(creators.active()(0));
  CHECK(creators.enter(rng) == 2);  // slots 2 and 3, never slot 0
  CHECK_FALSE(creators.active()(0));
  CHECK(creators.active()(2));
  CHECK(creators.active()(3));
  CHECK(creators.enter(rng) == 0);  // the pool is used up
}

}  // namespace
}  // namespace agora::testing
