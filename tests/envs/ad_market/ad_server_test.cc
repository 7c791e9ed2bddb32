// The AdServer (envs/ad_market/ad_server.h) hosted by the test itself, without ad_market's
// users: a hand-checked two-slot GSP page for a fatigued viewer (ranking, prices, click
// rates, accounts, rewards and observations), explicit position effects, and a budget that
// runs out.
#include "envs/ad_market/ad_server.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "mechanisms/mechanism.h"

namespace agora {
namespace {

AdServerConfig server_config(const Json& advertisers, const Json& platform) {
  AdServerConfig c;
  c.topics = 2;
  c.relevance_floor = 0.1;
  c.advertisers = read_ad_advertisers(
      validate_params(advertisers, ad_advertiser_params(), "ads.advertisers"), "ads.advertisers");
  c.platform = read_ad_platform(validate_params(platform, ad_platform_params(), "ads.platform"),
                                "ads.platform");
  return c;
}

RoleState role_state(const AdServerConfig& c) {
  const RoleSpec role = AdServer::advertiser_role(c);
  RoleState s;
  s.observations = RowBatch::Zero(role.pool_size, role.observation_space.dim());
  s.rewards = Eigen::ArrayXd::Zero(role.pool_size);
  s.active = s.terminated = s.truncated = BoolArray::Constant(role.pool_size, false);
  return s;
}

// Uniform targeting (concentration 0): (1, 1)/sqrt 2; the viewer's interests (1, 0): cosine
// 1/sqrt 2, relevance r = 0.1 + 0.9/sqrt 2. Bids 3, 2, 1 and qualities 0.1, 0.2, 0.5 with
// fatigue factor 1/2: predicted CTRs q_i r / 2, GSP scores (0.3, 0.4, 0.5) r / 2, so ad 2
// takes position 1 and pays 0.4 / 0.5 = 0.8 per click, ad 1 position 2 paying 0.3 / 0.2 = 1.5;
// click rates ctr_s q r / 2 with ctr = (1, 0.5).
TEST_CASE("ad_server: hand-checked two-slot GSP page for a fatigued viewer") {
  const AdServerConfig c = server_config(Json{{"count", 3},
                                              {"budget", nullptr},
                                              {"value_per_click", {3.0, 2.0, 1.0}},
                                              {"quality", {0.1, 0.2, 0.5}},
                                              {"interest_concentration", 0.0}},
                                         Json{{"position_ctr", {1.0, 0.5}}, {"candidates", 3}});
  AdServer server(c, make_mechanism("gsp", Json::object(), "mechanism"), "test");
  RoleState state = role_state(c);
  Rng rng(5);
  server.reset(rng, state, AdDayClock{true, 1.0, 1.0});
  server.begin_step(RowBatch::Constant(3, 1, 1.0), state, false);
  server.begin_interval();
  const std::vector<float> interests = {1.0f, 0.0f};
  const AdViewer viewer{interests.data(), 10.0, 0.5};
  REQUIRE(server.begin_session(viewer));
  const int pages = 20000;
  for (int p = 0; p < pages; ++p) {
    REQUIRE(server.serve_page(viewer, 2, rng) == 2);
    CHECK(server.page_ads()[0] == 2);
    CHECK(server.page_ads()[1] == 1);
  }
  const double r = 0.1 + 0.9 * static_cast<double>(1.0f / std::sqrt(2.0f));
  CHECK(server.session_relevance(2 * pages) == doctest::Approx(r).epsilon(1e-6));
  server.end_session();
  server.end_interval(1.0, 1.0);
  const AdStepStats stats = server.end_step(1.0, 24.0, AdDayClock{true, 1.0, 1.0}, state, rng);
  const Space& observed = AdServer::advertiser_role(c).observation_space;
  const int clicks = observed.index_of("clicks");
  const double clicks2 = state.observations(2, clicks), clicks1 = state.observations(1, clicks);
  const double p2 = 0.5 * r * 0.5, p1 = 0.5 * 0.2 * r * 0.5;
  CHECK(std::abs(clicks2 - pages * p2) < 5.0 * std::sqrt(pages * p2 * (1.0 - p2)));
  CHECK(std::abs(clicks1 - pages * p1) < 5.0 * std::sqrt(pages * p1 * (1.0 - p1)));
  CHECK(state.observations(0, clicks) == 0.0);
  CHECK(stats.revenue == doctest::Approx(0.8 * clicks2 + 1.5 * clicks1));
  CHECK(state.rewards(2) == doctest::Approx((1.0 - 0.8) * clicks2));
  CHECK(state.rewards(1) == doctest::Approx((2.0 - 1.5) * clicks1));
  CHECK(stats.impressions == 2.0 * pages);
  CHECK(stats.mean_fatigue == 0.5);
  CHECK(stats.calibration_error ==
        doctest::Approx((pages * (p2 + p1) - clicks2 - clicks1) / (2.0 * pages)));
  CHECK(stats.active_advertisers == 3);
}

// One slot at effect 0.25 (the host's own layout) and a budget of 2 with budget_guard "bid"
// under first price:
// the advertiser bidding 1 per click takes part while 1 is left, so it never overspends, and
// the next advertiser wins once it is out.
TEST_CASE("ad_server: explicit position effects and a budget that runs out") {
  const AdServerConfig c =
      server_config(Json{{"count", 2},
                         {"budget", {2.0, 1000.0}},
                         {"value_per_click", {1.0, 0.5}},
                         {"quality", {1.0, 1.0}},
                         {"interest_concentration", 0.0}},
                    Json{{"position_ctr", {1.0}}, {"candidates", 2}, {"budget_guard", "bid"}});
  AdServer server(c, make_mechanism("first_price", Json::object(), "mechanism"), "test");
  RoleState state = role_state(c);
  Rng rng(9);
  server.reset(rng, state, AdDayClock{true, 1.0, 1.0});
  server.begin_step(RowBatch::Constant(2, 1, 1.0), state, false);
  server.begin_interval();
  const std::vector<float> interests = {0.6f, 0.8f};
  const AdViewer viewer{interests.data(), 0.0, 1.0};
  REQUIRE(server.begin_session(viewer));
  const double effect[] = {0.25};
  int second = 0;
  for (int p = 0; p < 400; ++p) {
    REQUIRE(server.serve_page(viewer, std::span<const double>(effect, 1), rng) == 1);
    second += server.page_ads()[0] == 1;
  }
  server.end_session();
  server.end_interval(1.0, 1.0);
  const AdStepStats stats = server.end_step(1.0, 24.0, AdDayClock{true, 1.0, 1.0}, state, rng);
  CHECK(server.advertisers().remaining(0) == 0.0);
  CHECK(server.advertisers().day_spend(0) == 2.0);
  CHECK(second > 300);
  const double clicks = stats.clicks;
  CHECK(stats.revenue == doctest::Approx(2.0 + 0.5 * (clicks - 2.0)));
  // Click probability 0.25 x quality 1 x relevance 0.1 + 0.9 x 1.4 / sqrt 2, no fatigue.
  const double p = 0.25 * (0.1 + 0.9 * 1.4 / std::sqrt(2.0));
  CHECK(std::abs(clicks - 400.0 * p) < 5.0 * std::sqrt(400.0 * p * (1.0 - p)));
}

}  // namespace
}  // namespace agora
