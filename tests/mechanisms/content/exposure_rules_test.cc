// Exposure rules against closed forms, hand-worked examples and Monte Carlo.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "core/error.h"
#include "mechanisms/content/exposure_rule.h"
#include "mechanisms/content/shapley_mediator.h"
#include "mechanisms/content/softmax_exposure.h"

namespace agora {
namespace {

constexpr float kIneligible = -std::numeric_limits<float>::infinity();

std::vector<double> inclusion(const ExposureRule& rule, const std::vector<float>& scores, int k) {
  std::vector<double> out(scores.size(), -1.0);
  rule.inclusion_probabilities(scores, k, out);
  return out;
}

// Frequencies of each item in the slate over `users` identical users; also checks that slates
// hold distinct eligible items, padded with -1 at the end only.
std::vector<double> slate_frequencies(const ExposureRule& rule, const std::vector<float>& scores,
                                      int k, int users, std::uint64_t seed,
                                      std::vector<double>* position0 = nullptr) {
  const int n = static_cast<int>(scores.size());
  std::vector<float> batch_scores;
  for (int u = 0; u < users; ++u)
    batch_scores.insert(batch_scores.end(), scores.begin(), scores.end());
  ExposureBatch batch{batch_scores.data(), users, n, k};
  IndexBatch slate;
  Rng rng = make_rng(seed, "exposure_test");
  rule.select(batch, slate, rng);
  REQUIRE(slate.rows() == users);
  REQUIRE(slate.cols() == k);
  std::vector<double> freq(scores.size(), 0.0);
  if (position0) position0->assign(scores.size(), 0.0);
  for (int u = 0; u < users; ++u) {
    bool ended = false;
    for (int p = 0; p < k; ++p) {
      const int item = slate(u, p);
      if (item < 0) {
        ended = true;
        continue;
      }
      REQUIRE_FALSE(ended);
      REQUIRE(item < n);
      REQUIRE(scores[static_cast<std::size_t>(item)] > kIneligible);
      for (int q = 0; q < p; ++q) REQUIRE(slate(u, q) != item);
      freq[static_cast<std::size_t>(item)] += 1.0;
      if (p == 0 && position0) (*position0)[static_cast<std::size_t>(item)] += 1.0;
    }
  }
  for (double& f : freq) f /= users;
  if (position0) {
    for (double& f : *position0) f /= users;
  }
  return freq;
}

// |empirical - p| within 5 binomial standard errors (plus a hair for p in {0, 1}).
void check_frequencies(const std::vector<double>& empirical, const std::vector<double>& p,
                       int draws) {
  REQUIRE(empirical.size() == p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double se = std::sqrt(p[i] * (1.0 - p[i]) / draws);
    INFO("item " << i << ": empirical " << empirical[i] << " vs " << p[i]);
    CHECK(std::abs(empirical[i] - p[i]) <= 5.0 * se + 1e-12);
  }
}

// P(i in the first K draws) of Plackett-Luce by enumerating every ordered prefix.
std::vector<double> plackett_luce_enumeration(const std::vector<float>& scores, int k, double tau) {
  const std::size_t n = scores.size();
  std::vector<double> w(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (scores[i] > kIneligible) w[i] = std::exp(scores[i] / tau);
  }
  std::vector<double> out(n, 0.0);
  std::vector<char> used(n, 0);
  std::function<void(int, double)> recurse = [&](int depth, double prob) {
    double left = 0.0;
    for (std::size_t i = 0; i < n; ++i) left += used[i] ? 0.0 : w[i];
    if (depth == k || left == 0.0) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (used[i] || w[i] == 0.0) continue;
      const double p = prob * w[i] / left;
      out[i] += p;
      used[i] = 1;
      recurse(depth + 1, p);
      used[i] = 0;
    }
  };
  recurse(0, 1.0);
  return out;
}

TEST_CASE("content_exposure shapley mediator: hand-worked example, exact and Monte Carlo") {
  // Satisfaction (clip, offset 0, scale 1) = the scores. Sorted: sigma = 0.75, 0.5, 0.25, 0.
  // P(rank 1) = 0.25/1 + 0.25/2 + 0.25/3 = 11/24, P(rank 2) = 0.25/2 + 0.25/3 = 5/24,
  // P(rank 3) = 0.25/3 = 2/24, P(nothing) = 1 - 0.75 = 6/24; the ineligible item gets 0.
  const auto rule = make_exposure_rule("shapley_mediator", Json::object(), "rule");
  const std::vector<float> scores = {0.5f, kIneligible, 0.25f, 0.75f};
  const std::vector<double> expected = {5.0 / 24, 0.0, 2.0 / 24, 11.0 / 24};
  const auto exact = inclusion(*rule, scores, 1);
  for (std::size_t i = 0; i < scores.size(); ++i)
    CHECK(exact[i] == doctest::Approx(expected[i]).epsilon(1e-12));

  const int users = 40000;
  const auto freq = slate_frequencies(*rule, scores, 1, users, 7);
  check_frequencies(freq, expected, users);
  double shown = 0.0;
  for (double f : freq) shown += f;
  const double se_nothing = std::sqrt(0.25 * 0.75 / users);
  CHECK(std::abs((1.0 - shown) - 0.25) <= 5.0 * se_nothing);

  SUBCASE("K = 2: independent draws, repeats dropped") {
    std::vector<double> two(expected.size());
    for (std::size_t i = 0; i < two.size(); ++i) two[i] = 1.0 - std::pow(1.0 - expected[i], 2);
    const auto exact2 = inclusion(*rule, scores, 2);
    for (std::size_t i = 0; i < two.size(); ++i)
      CHECK(exact2[i] == doctest::Approx(two[i]).epsilon(1e-12));
    check_frequencies(slate_frequencies(*rule, scores, 2, users, 8), two, users);
  }
}

TEST_CASE("content_exposure shapley mediator: satisfaction maps, ties and efficiency") {
  // offset 1, scale 2, clip: sigma = clamp((x - 1) / 2, 0, 1): x = 3 -> 1, 2 -> 0.5, 0 -> 0.
  const auto clip =
      make_exposure_rule("shapley_mediator", {{"offset", 1.0}, {"scale", 2.0}}, "rule");
  auto p = inclusion(*clip, {3.0f, 2.0f, 0.0f}, 1);
  CHECK(p[0] == doctest::Approx(0.5 + 0.25));
  CHECK(p[1] == doctest::Approx(0.25));
  CHECK(p[2] == 0.0);
  // Ties share equally; the probabilities sum to the largest satisfaction (efficiency).
  p = inclusion(*clip, {2.0f, 2.0f, 2.0f}, 1);
  for (double x : p) CHECK(x == doctest::Approx(0.5 / 3));
  const auto logistic =
      make_exposure_rule("shapley_mediator", {{"satisfaction", "logistic"}}, "rule");
  const std::vector<float> scores = {0.3f, -1.0f, 2.0f, 0.3f};
  p = inclusion(*logistic, scores, 1);
  double total = 0.0;
  for (double x : p) total += x;
  CHECK(total == doctest::Approx(1.0 / (1.0 + std::exp(-2.0))).epsilon(1e-6));
  CHECK(p[0] == doctest::Approx(p[3]));
}

TEST_CASE("content_exposure top_k: ties, ineligible items and K > eligible") {
  const auto rule = make_exposure_rule("top_k", Json::object(), "rule");
  // K = 2: item 0 (score 3) always first; one of the three items scoring 2 second, each 1/3.
  const std::vector<float> scores = {3.0f, 1.0f, 2.0f, 2.0f, kIneligible, 2.0f};
  const std::vector<double> expected = {1.0, 0.0, 1.0 / 3, 1.0 / 3, 0.0, 1.0 / 3};
  const auto exact = inclusion(*rule, scores, 2);
  for (std::size_t i = 0; i < scores.size(); ++i) CHECK(exact[i] == doctest::Approx(expected[i]));
  const int users = 30000;
  std::vector<double> first;
  check_frequencies(slate_frequencies(*rule, scores, 2, users, 3, &first), expected, users);
  CHECK(first[0] == 1.0);

  // Tied items inside the slate are ordered at random: position 0 is item 0 or 1, 1/2 each.
  const std::vector<float> tied = {1.0f, 1.0f, 0.0f};
  slate_frequencies(*rule, tied, 3, users, 4, &first);
  check_frequencies(first, {0.5, 0.5, 0.0}, users);

  // Fewer eligible items than slots: every eligible item, in score order, then -1.
  const std::vector<float> few = {1.0f, kIneligible, 0.0f};
  ExposureBatch batch{few.data(), 1, 3, 4};
  IndexBatch slate;
  Rng rng = make_rng(1, "t");
  rule->select(batch, slate, rng);
  CHECK(slate(0, 0) == 0);
  CHECK(slate(0, 1) == 2);
  CHECK(slate(0, 2) == -1);
  CHECK(slate(0, 3) == -1);
  const auto p = inclusion(*rule, few, 4);
  CHECK(p == std::vector<double>{1.0, 0.0, 1.0});
}

TEST_CASE("content_exposure softmax: closed form, enumeration and Monte Carlo") {
  const double tau = 0.5;
  const auto rule = make_exposure_rule("softmax", {{"temperature", tau}}, "rule");
  const std::vector<float> scores = {0.2f, 1.0f, kIneligible, -0.4f, 0.7f, 0.0f};
  // K = 1: p_i = exp(x_i / tau) / sum_j exp(x_j / tau).
  double total = 0.0;
  for (float x : scores) total += x > kIneligible ? std::exp(x / tau) : 0.0;
  const auto one = inclusion(*rule, scores, 1);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double expected = scores[i] > kIneligible ? std::exp(scores[i] / tau) / total : 0.0;
    CHECK(one[i] == doctest::Approx(expected).epsilon(1e-12));
  }
  for (int k : {2, 3, 4}) {
    CAPTURE(k);
    const auto exact = plackett_luce_enumeration(scores, k, tau);
    const auto quadrature = inclusion(*rule, scores, k);
    double sum = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      CHECK(std::abs(quadrature[i] - exact[i]) < 1e-9);
      sum += quadrature[i];
    }
    CHECK(sum == doctest::Approx(k).epsilon(1e-9));
    const int users = 30000;
    check_frequencies(slate_frequencies(*rule, scores, k, users, 10 + k), exact, users);
  }
  // Widely spread weights (tau small relative to the score range) stay accurate.
  const auto sharp = make_exposure_rule("softmax", {{"temperature", 0.05}}, "rule");
  const std::vector<float> spread = {0.0f, 0.9f, 1.0f, 0.3f, 0.95f, -2.0f, 0.5f};
  const auto exact = plackett_luce_enumeration(spread, 3, 0.05);
  const auto quadrature = inclusion(*sharp, spread, 3);
  for (std::size_t i = 0; i < spread.size(); ++i) CHECK(std::abs(quadrature[i] - exact[i]) < 1e-9);
}

TEST_CASE("content_exposure softmax: both inclusion algorithms against enumeration") {
  // inclusion_probabilities() picks the subset recursion for small cases and the quadrature
  // otherwise; here both run on the same cases.
  for (const auto& [scores, tau] : std::vector<std::pair<std::vector<float>, double>>{
           {{0.2f, 1.0f, -0.4f, 0.7f, 0.0f}, 0.5},
           {{0.0f, 0.9f, 1.0f, 0.3f, 0.95f, -2.0f, 0.5f}, 0.05},
           {{1.0f, 1.0f, 1.0f, 0.2f, 0.1f, 0.0f, -0.3f, 0.4f}, 2.0}}) {
    std::vector<double> w;
    for (float x : scores) w.push_back(std::exp(x / tau) / std::exp(1.0 / tau));
    for (int k = 2; k < static_cast<int>(scores.size()); ++k) {
      CAPTURE(k);
      const auto exact = plackett_luce_enumeration(scores, k, tau);
      std::vector<double> subsets(w.size()), quadrature(w.size());
      SoftmaxExposure::inclusion_by_subsets(w, k, subsets);
      SoftmaxExposure::inclusion_by_quadrature(w, k, quadrature);
      for (std::size_t i = 0; i < w.size(); ++i) {
        CHECK(std::abs(subsets[i] - exact[i]) < 1e-13);
        CHECK(std::abs(quadrature[i] - exact[i]) < 1e-9);
      }
    }
  }
  // A case beyond the subset limit (C(25, <= 6) sets) goes through the quadrature: sums to K,
  // agrees with Monte Carlo.
  CHECK(SoftmaxExposure::subset_count(25, 6) > SoftmaxExposure::kMaxSubsets);
  std::vector<float> many(25);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<float>(std::sin(1.7 * i));
  const auto rule = make_exposure_rule("softmax", {{"temperature", 0.4}}, "rule");
  const auto p = inclusion(*rule, many, 6);
  double sum = 0.0;
  for (double x : p) sum += x;
  CHECK(sum == doctest::Approx(6.0).epsilon(1e-9));
  check_frequencies(slate_frequencies(*rule, many, 6, 20000, 21), p, 20000);
}

TEST_CASE("content_exposure softmax: limits tau -> 0 (top_k) and tau -> inf (uniform)") {
  const std::vector<float> scores = {0.1f, 0.9f, 0.5f, kIneligible, 0.3f};
  const auto top = make_exposure_rule("top_k", Json::object(), "rule");
  const auto cold = make_exposure_rule("softmax", {{"temperature", 1e-3}}, "rule");
  const auto hot = make_exposure_rule("softmax", {{"temperature", 1e6}}, "rule");
  const int k = 2;
  const auto p_top = inclusion(*top, scores, k);
  const auto p_cold = inclusion(*cold, scores, k);
  const auto p_hot = inclusion(*hot, scores, k);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    CHECK(std::abs(p_cold[i] - p_top[i]) < 1e-9);
    CHECK(std::abs(p_hot[i] - (scores[i] > kIneligible ? 0.5 : 0.0)) < 1e-6);
  }
  // The sampled slates agree: at tau = 1e-3 always items 1 then 2.
  std::vector<double> first;
  const auto freq = slate_frequencies(*cold, scores, k, 2000, 5, &first);
  CHECK(first[1] == 1.0);
  CHECK(freq[2] == 1.0);
  // Fewer eligible than K: all of them, padded with -1.
  const auto all = inclusion(*hot, scores, 6);
  CHECK(all == std::vector<double>{1.0, 1.0, 1.0, 0.0, 1.0});
  const auto padded = slate_frequencies(*hot, scores, 6, 100, 6);
  CHECK(padded == std::vector<double>{1.0, 1.0, 1.0, 0.0, 1.0});
}

TEST_CASE("content_exposure select depends only on the rng: same seed, same slates") {
  std::vector<float> scores(40 * 12);
  Rng fill = make_rng(9, "scores");
  for (std::size_t j = 0; j < scores.size(); ++j) {
    scores[j] = j % 7 == 3 ? kIneligible : static_cast<float>(fill() % 5) * 0.25f;  // ties
  }
  const ExposureBatch batch{scores.data(), 40, 12, 4};
  for (const auto& [name, params] :
       std::vector<std::pair<std::string, Json>>{{"top_k", Json::object()},
                                                 {"softmax", {{"temperature", 0.2}}},
                                                 {"shapley_mediator", Json::object()}}) {
    CAPTURE(name);
    const auto rule = make_exposure_rule(name, params, "rule");
    IndexBatch first, second, other;
    Rng a = make_rng(1, "slates"), b = make_rng(1, "slates"), c = make_rng(2, "slates");
    rule->select(batch, first, a);
    rule->select(batch, second, b);
    rule->select(batch, other, c);
    CHECK((first == second).all());
    CHECK_FALSE((first == other).all());
  }
}

TEST_CASE("content_exposure config errors name the path") {
  const auto throws_at = [](const std::string& name, const Json& params, const std::string& path) {
    try {
      make_exposure_rule(name, params, "env.params.exposure_rule");
      FAIL("no ConfigError for " << name << " " << params.dump());
    } catch (const ConfigError& e) {
      CHECK(e.path() == path);
    }
  };
  throws_at("softmax", {{"temperature", 0.0}}, "env.params.exposure_rule.params.temperature");
  throws_at("softmax", {{"temperature", -1.0}}, "env.params.exposure_rule.params.temperature");
  throws_at("softmax", {{"temprature", 1.0}}, "env.params.exposure_rule.params.temprature");
  throws_at("shapley_mediator", {{"scale", 0.0}}, "env.params.exposure_rule.params.scale");
  throws_at("shapley_mediator", {{"satisfaction", "linear"}},
            "env.params.exposure_rule.params.satisfaction");
  throws_at("topk", Json::object(), "env.params.exposure_rule.name");
  try {
    make_exposure_rule("softmx", Json::object(), "rule");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("softmax") != std::string::npos);
  }
}

}  // namespace
}  // namespace agora
