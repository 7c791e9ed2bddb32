// Environment `content_ecosystem`: a recommender platform with strategic creators, logit users
// and a creator bonus pool — the content side of a platform over a long horizon.
//
// Model (one step = one period; docs/content_ecosystem.md for the decisions):
// 1. Creators (role "creator", a fixed pool with an active mask; content_creators.h) choose
//    their content direction in a d-dimensional space (action "embedding": Box [-1, 1]^d
//    labelled e0..e{d-1}, normalised, a zero row keeps the direction; or "topic":
//    Discrete(n_topics) labelled "topic", the topic's centroid). Each has a quality, a cost
//    per period, a posting rate and a freshness.
// 2. Users (env-internal; content_users.h) drift, then each active user has one session: the
//    recommender (recommender.h) scores every active item with one float GEMM per block of
//    users (relevance, quality, freshness, under-served boost, optional MMR), the exposure
//    rule (mechanisms/content/exposure_rule.h: top_k, softmax, shapley_mediator) turns the
//    scores into a slate of K items, and the user picks one item or the outside option by a
//    logit model. Satisfaction accumulates; users churn and return.
//    Ads (optional, params.ads; envs/content_ecosystem/feed_ads.h): between the exposure rule
//    and the choice, FeedAds places ads among the slate's items and auctions them among the
//    advertisers (role "advertiser", ad_market's contract); each ad raises the outside
//    option's utility by ad_aversion and costs the session's value an annoyance that grows
//    with ad fatigue and repetition, so ads lower engagement, satisfaction and retention.
// 3. The payment rule (mechanisms/content/creator_payment.h) splits the bonus pool using the
//    period's per-creator impressions, consumptions, satisfaction and quality.
// 4. Creator i's reward (utility) for the period:
//      r_i = payment_i + exposure_weight x impressions_i / S + engagement_weight x
//            consumptions_i / S - cost_i,         S = the period's sessions (0 when S = 0).
//    Creators below outside_option for `patience` periods in a row leave for good;
//    Poisson(arrival_rate) entrants take fresh slots.
// Observation of a creator: its direction (e0..e{d-1}) or "topic" (nearest centroid),
// "quality", "exposure" and "engagement" (its share of the period's impressions and
// consumptions), "payment", "utility" (last reward).
// Feedback: full information. counterfactual_rewards(i, candidates) answers what creator i's
// reward would have been had it played each candidate, others' actions and all random draws
// fixed: the realized statistics of every creator plus the change in their expected values
// (over the exposure rule's randomness and the users' logit choices, given the period's users)
// that the deviation causes, estimated on a stride sample of `oracle_users` of the period's
// sessions and scaled to all sessions; the payment rule is applied to those statistics. For the
// action played the change is exactly 0, so the answer is the realized reward. Expected
// consumption of item j by user u is pi_uj e^{v_uj} / (e^{v_0} + sum_k pi_uk e^{v_uk}) with
// pi the rule's inclusion probabilities: exact for deterministic rules (top_k), a mean-field
// approximation otherwise.
// Metrics per step: see metric_names() and docs/content_ecosystem.md (quality, freshness,
// exposure entropy and Gini, coverage, content gap and its region, creator retention, entries,
// exits, earnings Gini, engagement, satisfaction, user retention, payments, revenue).
//
// Parameters: the registration in content_config.cc (`agora describe content_ecosystem`).
//
// McFadden, "Conditional logit analysis of qualitative choice behavior" (1974); Carbonell &
// Goldstein, "The use of MMR, diversity-based reranking" (SIGIR 1998); Ben-Porat & Tennenholtz,
// "A game-theoretic approach to recommendation systems with strategic content providers"
// (NeurIPS 2018); Hron et al., "Modeling content creator incentives on algorithm-curated
// platforms" (2022); Mladenov et al., "Optimizing long-term social welfare in recommender
// systems: a constrained matching approach" (ICML 2020).
#pragma once

#include <memory>
#include <vector>

#include "envs/content_ecosystem/content_config.h"
#include "envs/content_ecosystem/content_creators.h"
#include "envs/content_ecosystem/content_users.h"
#include "envs/content_ecosystem/feed_ads.h"
#include "envs/content_ecosystem/recommender.h"
#include "envs/content_ecosystem/topic_space.h"
#include "envs/env.h"
#include "envs/env_registry.h"
#include "mechanisms/content/creator_payment.h"
#include "mechanisms/content/exposure_rule.h"

namespace agora {

class ContentEcosystemEnv final : public Env, public CounterfactualFeedback {
 public:
  ContentEcosystemEnv(const Json& params, const EnvContext& ctx);

  const CounterfactualFeedback* counterfactual_oracle(int role) const override {
    return role == 0 ? this : nullptr;
  }
  void counterfactual_rewards(int agent, const RowBatch& candidates,
                              Eigen::Ref<Eigen::ArrayXd> out) const override;

  const ContentConfig& config() const { return config_; }
  const TopicSpace& space() const { return space_; }
  const ContentUsers& users() const { return users_; }
  const ContentCreators& creators() const { return creators_; }
  // The last period's slates: users x K, -1 for empty slots and users without a session.
  const IndexBatch& slates() const { return slates_; }
  // The last period's per-creator impressions, consumptions and payments.
  const std::vector<double>& impressions() const { return impressions_; }
  const std::vector<double>& consumptions() const { return consumptions_; }
  const std::vector<double>& payments() const { return payments_; }
  // Metric index by name (InvariantError if absent).
  int metric(const std::string& name) const;

 protected:
  void on_reset(Rng& rng, StepResult& result) override;
  void on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) override;

 private:
  struct Expected {
    std::vector<double> exposure, engagement, satisfaction;
    void assign(std::size_t n) {
      exposure.assign(n, 0.0);
      engagement.assign(n, 0.0);
      satisfaction.assign(n, 0.0);
    }
  };
  ContentEcosystemEnv(ContentConfig config, const EnvContext& ctx);
  void read_actions(const RowBatch& actions);
  void run_sessions(Rng& rng);
  double reward_of(int creator, double impressions, double consumptions, double payment) const;
  void pay(std::span<const double> exposure, std::span<const double> engagement,
           std::span<const double> satisfaction, std::span<double> out) const;
  void fill_metrics(StepResult& result, int active_before, int creator_exits, int entrants,
                    int user_exits);
  void fill_observations(StepResult& result) const;
  // The oracle's base: sampled session users, their score rows and expected statistics under
  // the played actions; computed once per step on first use.
  void prepare_oracle() const;
  // Adds one user's expected statistics for a score row (MMR applied to it here) to `out`.
  void add_expected(int user, std::span<float> row, const FloatRows& directions,
                    Expected& out) const;

  const ContentConfig config_;
  const TopicSpace space_;
  const std::shared_ptr<const ExposureRule> rule_;
  const std::shared_ptr<const CreatorPayment> payment_rule_;
  ContentUsers users_;
  ContentCreators creators_;
  Recommender recommender_;
  const int n_;  // creator pool
  const int k_;  // slate size

  FloatRows proposed_;
  FloatRows block_users_, block_scores_;
  IndexBatch block_slate_, slates_;
  std::vector<int> sessions_;
  std::vector<float> terms_;
  std::vector<double> boost_, previous_share_;
  std::vector<double> impressions_, consumptions_, satisfaction_, payments_, rewards_;
  std::vector<double> utility_scratch_, gini_scratch_;
  std::unique_ptr<bool[]> scored_active_;  // creators active in the last period
  double shown_quality_ = 0.0, shown_freshness_ = 0.0;
  std::int64_t covered_ = 0, consumed_ = 0;
  std::vector<double> demand_, supply_;
  std::unique_ptr<FeedAds> ads_;       // null without ads
  FeedAdsPeriodStats ad_stats_;        // the last period's
  std::vector<double> outside_shift_;  // per user: the ads' shift of its last session

  // Oracle state (last period), built lazily.
  mutable bool oracle_ready_ = false;
  mutable std::vector<int> oracle_users_;
  mutable FloatRows oracle_rows_;  // sampled users x items, before MMR
  mutable FloatRows oracle_directions_;
  mutable Expected played_, candidate_;
  mutable std::vector<float> row_scratch_, direction_scratch_, proposed_scratch_,
      played_direction_scratch_;
  mutable std::vector<double> inclusion_, attraction_;
  mutable std::vector<double> cf_exposure_, cf_engagement_, cf_satisfaction_, cf_payments_;
};

}  // namespace agora
