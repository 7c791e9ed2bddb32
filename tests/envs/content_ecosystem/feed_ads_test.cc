// FeedAds (envs/content_ecosystem/feed_ads.h) on its own: layouts, a hand-checked feed auction,
// fatigue, diversity and annoyance by hand, the interest mapping, ad load against revenue and
// annoyance, and bad configs. The env with ads is tested in content_feed_ads_test.cc.
#include "envs/content_ecosystem/feed_ads.h"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "core/error.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

constexpr int kTopics = 4;
constexpr int kSlate = 10;

FloatRows identity_centroids() { return FloatRows::Identity(kTopics, kTopics); }

// Advertisers with uniform targeting (interest_concentration 0) and viewers with uniform
// interests (interest_sharpness 0): every relevance is exactly 1.
Json uniform_ads(double ad_load, const Json& advertisers) {
  Json ads{{"ad_load", ad_load},
           {"interest_sharpness", 0.0},
           {"fatigue_strength", 0.0},
           {"advertisers", advertisers},
           {"platform", {{"candidates", 5}}}};
  ads["advertisers"]["interest_concentration"] = 0.0;
  return ads;
}

FeedAdsConfig read(const Json& ads) {
  return read_feed_ads_config(validate_feed_ads(ads, "env.params.ads"), "env.params.ads", kTopics);
}

struct Harness {
  FeedAds feed;
  RoleState state;
  Rng rng;
  Harness(const Json& ads, int users, std::uint64_t seed = 7)
      : feed(read(ads), identity_centroids(), kSlate, users,
             make_mechanism("gsp", Json::object(), "mechanism")),
        rng(seed) {
    const RoleSpec role = FeedAds::advertiser_role(feed.config());
    const int pool = role.pool_size;
    state.observations = RowBatch::Zero(pool, role.observation_space.dim());
    state.rewards = Eigen::ArrayXd::Zero(pool);
    state.active = BoolArray::Constant(pool, false);
    state.terminated = BoolArray::Constant(pool, false);
    state.truncated = BoolArray::Constant(pool, false);
    feed.reset(rng, state);
  }
  void begin(int sessions, double multiplier = 1.0) {
    feed.begin_period(RowBatch::Constant(state.active.size(), 1, multiplier), state, sessions);
  }
};

const std::vector<float> kPreference = {1.0f, 0.0f, 0.0f, 0.0f};

Json two_advertisers() {
  return Json{
      {"count", 2}, {"budget", nullptr}, {"value_per_click", {2.0, 1.0}}, {"quality", {0.5, 0.4}}};
}

TEST_CASE("feed_ads layouts: spaced and top positions, position effects") {
  Json ads = uniform_ads(0.2, Json{{"count", 3}, {"budget", nullptr}});
  Harness spaced(ads, 1);
  spaced.begin(1);
  // n = 10 organic items, a = 2 ads: after floor(10/3) = 3 and floor(20/3) = 6 organic items,
  // feed positions 3 and 6 + 1 = 7 (O O O A O O O A O O O O).
  const FeedAdsOutcome out = spaced.feed.serve(0, kPreference, 10, spaced.rng);
  REQUIRE(out.ads == 2);
  CHECK(spaced.feed.feed_positions()[0] == 3);
  CHECK(spaced.feed.feed_positions()[1] == 7);
  CHECK(spaced.feed.max_ads() == 2);
  ads["positions"] = "top";
  Harness top(ads, 1);
  top.begin(1);
  REQUIRE(top.feed.serve(0, kPreference, 10, top.rng).ads == 2);
  CHECK(top.feed.feed_positions()[0] == 0);
  CHECK(top.feed.feed_positions()[1] == 1);
  // Five organic items and a = 1: the ad follows floor(5/2) = 2 of them.
  Json one = uniform_ads(0.2, Json{{"count", 3}, {"budget", nullptr}});
  Harness short_feed(one, 1);
  short_feed.begin(1);
  REQUIRE(short_feed.feed.serve(0, kPreference, 5, short_feed.rng).ads == 1);
  CHECK(short_feed.feed.feed_positions()[0] == 2);
}

// One ad slot per feed (ad_load 0.1, 10 organic items) after 5 organic items: position effect
// 0.9^5. Bids 2 and 1 (value per click x multiplier 1), qualities 0.5 and 0.4, relevance 1:
// GSP scores 1.0 and 0.4, advertiser 0 wins every feed and pays 0.4 / 0.5 = 0.8 per click;
// clicks ~ Binomial(N, 0.9^5 x 0.5).
TEST_CASE("feed_ads hand-checked feed auction: winner, GSP price, click rate, rewards") {
  const int users = 4000;
  Harness h(uniform_ads(0.1, two_advertisers()), users);
  h.begin(users);
  for (int u = 0; u < users; ++u) {
    const FeedAdsOutcome out = h.feed.serve(u, kPreference, 10, h.rng);
    REQUIRE(out.ads == 1);
    CHECK(h.feed.feed_positions()[0] == 5);
    CHECK(h.feed.feed_advertisers()[0] == 0);
  }
  const FeedAdsPeriodStats stats = h.feed.end_period(h.state, h.rng);
  const double p = std::pow(0.9, 5) * 0.5;
  CHECK(stats.server.impressions == users);
  CHECK(std::abs(stats.server.clicks - users * p) < 4.0 * std::sqrt(users * p * (1.0 - p)));
  CHECK(stats.server.revenue == doctest::Approx(0.8 * stats.server.clicks));
  CHECK(h.state.rewards(0) == doctest::Approx((2.0 - 0.8) * stats.server.clicks));
  CHECK(h.state.rewards(1) == 0.0);
  CHECK(stats.ad_load == doctest::Approx(0.1));
  CHECK(stats.ad_fatigue == 0.0);
  const Space& observed = FeedAds::advertiser_role(h.feed.config()).observation_space;
  CHECK(h.state.observations(0, observed.index_of("clicks")) == stats.server.clicks);
  CHECK(h.state.observations(0, observed.index_of("spend")) == stats.server.revenue);
}

// One advertiser, one ad per feed, κ = 1, half-life 1 period, annoyance 0.1:
// period 1: F = 0, factor 1, window [a], D = 1: cost 0.1; F becomes 1.
// period 2: F = 0.5, factor 2/3, window [a, a], D = 1/2: cost 0.1 (1 + 1/3)(1 + 1/2) = 0.2.
TEST_CASE("feed_ads fatigue, diversity and annoyance by hand") {
  Json ads = uniform_ads(0.1, Json{{"count", 1}, {"budget", nullptr}});
  ads["fatigue_strength"] = 1.0;
  ads["fatigue_half_life"] = 1.0;
  ads["ad_annoyance"] = 0.1;
  ads["ad_aversion"] = 0.25;
  Harness h(ads, 1);
  h.begin(1);
  FeedAdsOutcome out = h.feed.serve(0, kPreference, 10, h.rng);
  REQUIRE(out.ads == 1);
  CHECK(out.annoyance == doctest::Approx(0.1));
  CHECK(out.outside_shift == doctest::Approx(0.25));
  CHECK(h.feed.exposure(0) == 1.0);
  CHECK(h.feed.diversity(0) == 1.0);
  FeedAdsPeriodStats stats = h.feed.end_period(h.state, h.rng);
  CHECK(stats.ad_diversity == 1.0);
  h.begin(1);
  out = h.feed.serve(0, kPreference, 10, h.rng);
  REQUIRE(out.ads == 1);
  CHECK(h.feed.diversity(0) == 0.5);
  CHECK(out.annoyance == doctest::Approx(0.1 * (4.0 / 3.0) * 1.5));
  CHECK(h.feed.exposure(0) == doctest::Approx(1.5));
  stats = h.feed.end_period(h.state, h.rng);
  CHECK(stats.ad_fatigue == doctest::Approx(1.0 / 3.0));
  CHECK(stats.ad_diversity == 0.5);
  CHECK(stats.annoyance == doctest::Approx(0.2));
}

TEST_CASE("feed_ads interest mapping: unit, non-negative, uniform at beta 0, peaked on the topic") {
  Json ads = uniform_ads(0.1, Json{{"count", 1}, {"budget", nullptr}});
  Harness flat(ads, 1);
  const std::vector<float> x = {0.0f, 0.6f, 0.8f, 0.0f};
  for (const float w : flat.feed.interests_of(x)) CHECK(w == doctest::Approx(0.5));
  ads["interest_sharpness"] = 50.0;
  Harness sharp(ads, 1);
  const auto w = sharp.feed.interests_of(x);
  double norm = 0.0;
  for (const float v : w) {
    CHECK(v >= 0.0f);
    norm += v * v;
  }
  CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
  // <x, c_t> = (0, 0.6, 0.8, 0): topic 2 dominates, by e^{50 x 0.2} over topic 1.
  CHECK(w[2] == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(w[1] / w[2] == doctest::Approx(std::exp(-10.0)).epsilon(1e-3));
}

// More ads per feed: more impressions and revenue (the auction fills every slot: six
// advertisers without budgets) and more annoyance per session (more ads, more fatigue).
TEST_CASE("feed_ads: a higher ad load raises revenue and annoyance") {
  const int users = 500;
  const auto run = [&](double ad_load) {
    Json ads = uniform_ads(ad_load, Json{{"count", 6}, {"budget", nullptr}});
    ads["fatigue_strength"] = 0.5;
    Harness h(ads, users, 11);
    double revenue = 0.0, annoyance = 0.0;
    for (int period = 0; period < 5; ++period) {
      h.begin(users);
      for (int u = 0; u < users; ++u) h.feed.serve(u, kPreference, kSlate, h.rng);
      const FeedAdsPeriodStats stats = h.feed.end_period(h.state, h.rng);
      revenue += stats.server.revenue;
      annoyance += stats.annoyance;
    }
    return std::pair{revenue, annoyance};
  };
  const auto [low_revenue, low_annoyance] = run(0.1);
  const auto [high_revenue, high_annoyance] = run(0.3);
  CHECK(high_revenue > 1.5 * low_revenue);
  CHECK(high_annoyance > 3.0 * low_annoyance);
}

TEST_CASE("feed_ads rejects bad configs naming the path") {
  const auto error_path = [](const Json& ads) {
    try {
      read(ads);
    } catch (const ConfigError& e) {
      return e.path();
    }
    return std::string("no error");
  };
  Json ads = uniform_ads(0.2, Json{{"count", 2}});
  ads["platform"]["position_ctr"] = {1.0};
  CHECK(error_path(ads) == "env.params.ads.platform.position_ctr");
  ads = uniform_ads(0.2, Json{{"count", 2}, {"budget", 0.0}});
  CHECK(error_path(ads) == "env.params.ads.advertisers.budget");
  ads = uniform_ads(1.5, Json{{"count", 2}});
  CHECK(error_path(ads) == "env.params.ads.ad_load");
  ads = uniform_ads(0.2, Json{{"count", 2}});
  ads["positions"] = "bottom";
  CHECK(error_path(ads) == "env.params.ads.positions");
  CHECK(error_path(Json(3)) == "env.params.ads");
  CHECK_THROWS_AS(FeedAds(read(uniform_ads(0.2, Json{{"count", 2}})), identity_centroids(), kSlate,
                          1, make_mechanism("all_pay", Json::object(), "mechanism")),
                  ConfigError);
}

}  // namespace
}  // namespace agora
