#include "envs/content_ecosystem/content_ecosystem.h"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "envs/content_ecosystem/ecosystem_health.h"

namespace agora {

namespace {

enum Metric {
  kContentQuality,
  kFreshness,
  kExposureEntropy,
  kExposureGini,
  kInterestCoverage,
  kContentGap,
  kGapRegion,
  kActiveCreators,
  kCreatorRetention,
  kCreatorEntries,
  kCreatorExits,
  kCreatorEarningsGini,
  kMeanCreatorUtility,
  kUserEngagement,
  kUserSatisfaction,
  kActiveUsers,
  kUserRetention,
  kUserExits,
  kPayments,
  kRevenue,
  kMetricCount,
};

std::vector<std::string> content_metric_names(const ContentConfig& config) {
  std::vector<std::string> names = {
      "content_quality",      "freshness",       "exposure_entropy",  "exposure_gini",
      "interest_coverage",    "content_gap",     "gap_region",        "active_creators",
      "creator_retention",    "creator_entries", "creator_exits",     "creator_earnings_gini",
      "mean_creator_utility", "user_engagement", "user_satisfaction", "active_users",
      "user_retention",       "user_exits",      "payments",          "revenue"};
  AGORA_CHECK_EQ(names.size(), static_cast<std::size_t>(kMetricCount));
  if (config.region_metrics) {
    for (int r = 0; r < config.topics; ++r) names.push_back("demand_share_" + std::to_string(r));
    for (int r = 0; r < config.topics; ++r) names.push_back("supply_share_" + std::to_string(r));
  }
  if (config.has_ads) {
    names.insert(names.end(), FeedAds::metric_names().begin(), FeedAds::metric_names().end());
  }
  return names;
}

std::vector<RoleSpec> make_roles(const ContentConfig& c) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::string> labels;
  std::vector<double> low, high;
  if (c.topic_actions) {
    labels.push_back("topic");
    low.push_back(0.0);
    high.push_back(c.topics - 1.0);
  } else {
    for (int k = 0; k < c.dim; ++k) {
      labels.push_back("e" + std::to_string(k));
      low.push_back(-1.0);
      high.push_back(1.0);
    }
  }
  const std::vector<std::string> tail = {"quality", "exposure", "engagement", "payment", "utility"};
  const std::vector<double> tail_low = {0.0, 0.0, 0.0, 0.0, -inf};
  const std::vector<double> tail_high = {c.creators.quality_high, 1.0, 1.0, inf, inf};
  labels.insert(labels.end(), tail.begin(), tail.end());
  low.insert(low.end(), tail_low.begin(), tail_low.end());
  high.insert(high.end(), tail_high.begin(), tail_high.end());
  RoleSpec creator;
  creator.name = "creator";
  creator.pool_size = c.creators.pool;
  creator.observation_space = Space::box(
      Eigen::Map<const Eigen::ArrayXd>(low.data(), static_cast<Eigen::Index>(low.size())),
      Eigen::Map<const Eigen::ArrayXd>(high.data(), static_cast<Eigen::Index>(high.size())),
      labels);
  if (c.topic_actions) {
    creator.action_space = Space::discrete(c.topics, "topic");
  } else {
    std::vector<std::string> action_labels(labels.begin(), labels.begin() + c.dim);
    creator.action_space = Space::box(Eigen::ArrayXd::Constant(c.dim, -1.0),
                                      Eigen::ArrayXd::Constant(c.dim, 1.0), action_labels);
  }
  creator.feedback = Feedback::kFull;
  if (c.has_ads) return {creator, FeedAds::advertiser_role(c.ads)};
  return {creator};
}

double total(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s;
}

}  // namespace

ContentEcosystemEnv::ContentEcosystemEnv(const Json& params, const EnvContext& ctx)
    : ContentEcosystemEnv(read_content_config(params, join_path(ctx.path, "params")), ctx) {}

ContentEcosystemEnv::ContentEcosystemEnv(ContentConfig config, const EnvContext& ctx)
    : Env(make_roles(config), content_metric_names(config), ctx.horizon),
      config_(std::move(config)),
      space_(config_.dim, config_.topics, config_.layout_seed),
      rule_(make_exposure_rule(config_.exposure_rule, config_.exposure_rule_params,
                               join_path(ctx.path, "params.exposure_rule"))),
      payment_rule_(make_creator_payment(config_.payment, config_.payment_params,
                                         join_path(ctx.path, "params.payment"))),
      users_(config_.users, space_),
      creators_(config_.creators, space_),
      recommender_(config_.recommender, config_.dim, config_.creators.pool),
      n_(config_.creators.pool),
      k_(config_.slate_size),
      proposed_(FloatRows::Zero(n_, config_.dim)),
      slates_(IndexBatch::Constant(config_.users.count, config_.slate_size, -1)),
      scored_active_(new bool[static_cast<std::size_t>(n_)]()) {
  const auto n = static_cast<std::size_t>(n_);
  sessions_.reserve(static_cast<std::size_t>(config_.users.count));
  for (auto* v :
       {&boost_, &previous_share_, &impressions_, &consumptions_, &satisfaction_, &payments_,
        &rewards_, &cf_exposure_, &cf_engagement_, &cf_satisfaction_, &cf_payments_}) {
    v->assign(n, 0.0);
  }
  terms_.assign(n, 0.0f);
  row_scratch_.assign(n, 0.0f);
  inclusion_.assign(n, 0.0);
  attraction_.assign(n, 0.0);
  utility_scratch_.reserve(std::max(n, static_cast<std::size_t>(k_)));
  gini_scratch_.reserve(n);
  demand_.assign(static_cast<std::size_t>(config_.topics), 0.0);
  supply_.assign(static_cast<std::size_t>(config_.topics), 0.0);
  if (config_.has_ads) {
    if (!ctx.mechanism) {
      throw ConfigError("mechanism", "ads need a mechanism (" + join_path(ctx.path, "params.ads") +
                                         " is set): add \"mechanism\": {\"name\": \"gsp\"} "
                                         "(gsp, vcg, first_price or second_price)");
    }
    ads_ = std::make_unique<FeedAds>(config_.ads, space_.centroids(), k_, config_.users.count,
                                     ctx.mechanism);
    outside_shift_.assign(static_cast<std::size_t>(config_.users.count), 0.0);
  }
}

int ContentEcosystemEnv::metric(const std::string& name) const {
  const auto& names = metric_names();
  for (std::size_t m = 0; m < names.size(); ++m) {
    if (names[m] == name) return static_cast<int>(m);
  }
  throw InvariantError("content_ecosystem has no metric '" + name + "'");
}

void ContentEcosystemEnv::on_reset(Rng& rng, StepResult& result) {
  creators_.reset(rng);
  users_.reset(rng);
  for (auto* v :
       {&previous_share_, &impressions_, &consumptions_, &satisfaction_, &payments_, &rewards_}) {
    std::fill(v->begin(), v->end(), 0.0);
  }
  std::fill(scored_active_.get(), scored_active_.get() + n_, false);
  slates_.setConstant(-1);
  sessions_.clear();
  oracle_ready_ = false;
  result.roles[0].active = creators_.active();
  fill_observations(result);
  if (ads_) {
    ads_->reset(rng, result.roles[1]);
    std::fill(outside_shift_.begin(), outside_shift_.end(), 0.0);
  }
}

void ContentEcosystemEnv::read_actions(const RowBatch& actions) {
  const BoolArray& active = creators_.active();
  for (int i = 0; i < n_; ++i) {
    if (!active(i)) continue;
    if (config_.topic_actions) {
      proposed_.row(i) = space_.centroids().row(static_cast<int>(actions(i, 0)));
    } else {
      for (int k = 0; k < config_.dim; ++k) proposed_(i, k) = static_cast<float>(actions(i, k));
    }
  }
}

void ContentEcosystemEnv::on_step(const std::vector<RowBatch>& actions, Rng& rng,
                                  StepResult& result) {
  read_actions(actions[0]);
  creators_.start_period(proposed_, rng);
  users_.drift(rng);
  const BoolArray& active = creators_.active();
  const int active_before = static_cast<int>(active.count());
  for (int i = 0; i < n_; ++i) {
    const auto j = static_cast<std::size_t>(i);
    scored_active_[j] = active(i);
    boost_[j] = std::max(0.0, 1.0 - active_before * previous_share_[j]);
    terms_[j] = recommender_.item_term(creators_.quality()(i), creators_.freshness()(i), boost_[j],
                                       active(i));
  }
  recommender_.prepare(creators_.directions(), terms_);
  if (ads_) {
    ads_->begin_period(actions[1], result.roles[1], static_cast<int>(users_.active().count()));
  }
  run_sessions(rng);
  pay(impressions_, consumptions_, satisfaction_, payments_);
  RoleState& state = result.roles[0];
  for (int i = 0; i < n_; ++i) {
    const auto j = static_cast<std::size_t>(i);
    rewards_[j] =
        scored_active_[j] ? reward_of(i, impressions_[j], consumptions_[j], payments_[j]) : 0.0;
    state.rewards(i) = rewards_[j];
  }
  const double shown = total(impressions_);
  for (std::size_t j = 0; j < impressions_.size(); ++j) {
    previous_share_[j] = shown > 0.0 ? impressions_[j] / shown : 0.0;
  }
  const int creator_exits = creators_.settle(rewards_, state.terminated);
  const int user_exits = users_.churn_and_return(rng);
  const int entrants = creators_.enter(rng);
  if (ads_) ad_stats_ = ads_->end_period(result.roles[1], rng);
  state.active = creators_.active();
  oracle_ready_ = false;
  fill_metrics(result, active_before, creator_exits, entrants, user_exits);
  fill_observations(result);
}

void ContentEcosystemEnv::run_sessions(Rng& rng) {
  sessions_.clear();
  const BoolArray& user_active = users_.active();
  for (int u = 0; u < users_.count(); ++u) {
    if (user_active(u)) sessions_.push_back(u);
  }
  if (config_.has_ads) {  // budgets run out in session order: no user is always last
    const int n = static_cast<int>(sessions_.size());
    for (int i = 0; i + 1 < n; ++i) {
      std::swap(sessions_[i],
                sessions_[boost::random::uniform_int_distribution<int>(i, n - 1)(rng)]);
    }
  }
  for (auto* v : {&impressions_, &consumptions_, &satisfaction_}) {
    std::fill(v->begin(), v->end(), 0.0);
  }
  std::fill(demand_.begin(), demand_.end(), 0.0);
  slates_.setConstant(-1);
  shown_quality_ = shown_freshness_ = 0.0;
  covered_ = consumed_ = 0;
  const FloatRows& prefs = users_.preferences();
  const FloatRows& directions = recommender_.directions();
  const Eigen::ArrayXd& quality = creators_.quality();
  const Eigen::ArrayXd& freshness = creators_.freshness();
  const int dim = config_.dim;
  const double v0 = config_.users.outside_utility;
  const auto threshold = static_cast<float>(config_.coverage_threshold);
  const int sessions = static_cast<int>(sessions_.size());
  std::vector<double>& v = utility_scratch_;
  for (int first = 0; first < sessions; first += config_.score_block) {
    const int count = std::min(config_.score_block, sessions - first);
    block_users_.resize(count, dim);
    for (int r = 0; r < count; ++r) block_users_.row(r) = prefs.row(sessions_[first + r]);
    recommender_.score_block(block_users_, 0, count, block_scores_);
    rule_->select(ExposureBatch{block_scores_.data(), count, n_, k_}, block_slate_, rng);
    AGORA_CHECK_EQ(block_slate_.rows(), count);
    AGORA_CHECK_EQ(block_slate_.cols(), k_);
    // Ads (FeedAds) enter each feed between the exposure rule and the user's choice.
    for (int r = 0; r < count; ++r) {
      const int u = sessions_[first + r];
      const float* x = prefs.row(u).data();
      v.clear();
      float best_affinity = -std::numeric_limits<float>::infinity();
      int shown = 0;
      for (int s = 0; s < k_; ++s) {
        const int j = block_slate_(r, s);
        if (j < 0) continue;
        AGORA_CHECK(j < n_ && scored_active_[static_cast<std::size_t>(j)]);
        slates_(u, shown++) = j;
        const float* c = directions.row(j).data();
        float dot = 0.0f;
        for (int k = 0; k < dim; ++k) dot += x[k] * c[k];
        best_affinity = std::max(best_affinity, dot);
        v.push_back(users_.utility(u, c, quality(j)));
        impressions_[static_cast<std::size_t>(j)] += 1.0;
        shown_quality_ += quality(j);
        shown_freshness_ += freshness(j);
      }
      covered_ += best_affinity >= threshold;
      FeedAdsOutcome ad;
      if (ads_) {
        ad = ads_->serve(u, std::span<const float>(x, static_cast<std::size_t>(dim)), shown, rng);
        outside_shift_[static_cast<std::size_t>(u)] = ad.outside_shift;
      }
      const int choice = draw_logit_choice(v, v0 + ad.outside_shift, rng);
      double value = 0.0;
      if (choice >= 0) {
        const auto j = static_cast<std::size_t>(slates_(u, choice));
        value = v[static_cast<std::size_t>(choice)] - v0;
        consumptions_[j] += 1.0;
        satisfaction_[j] += value;
        ++consumed_;
      }
      users_.record_session(u, value - ad.annoyance);
      demand_[static_cast<std::size_t>(
          space_.region_of(std::span<const float>(x, static_cast<std::size_t>(dim))))] += 1.0;
    }
  }
}

double ContentEcosystemEnv::reward_of(int creator, double impressions, double consumptions,
                                      double payment) const {
  const double sessions = static_cast<double>(sessions_.size());
  const double per_session =
      sessions > 0.0
          ? (config_.exposure_weight * impressions + config_.engagement_weight * consumptions) /
                sessions
          : 0.0;
  return payment + per_session - creators_.cost()(creator);
}

void ContentEcosystemEnv::pay(std::span<const double> exposure, std::span<const double> engagement,
                              std::span<const double> satisfaction, std::span<double> out) const {
  const Eigen::ArrayXd& quality = creators_.quality();
  CreatorPeriodStats stats{
      exposure, engagement, satisfaction,
      std::span<const double>(quality.data(), static_cast<std::size_t>(n_)),
      std::span<const bool>(scored_active_.get(), static_cast<std::size_t>(n_))};
  payment_rule_->pay(stats, config_.bonus_pool, out);
  for (int i = 0; i < n_; ++i) {
    const double p = out[static_cast<std::size_t>(i)];
    AGORA_CHECK(std::isfinite(p) && p >= 0.0);
    if (!scored_active_[static_cast<std::size_t>(i)]) AGORA_CHECK_EQ(p, 0.0);
  }
}

void ContentEcosystemEnv::fill_metrics(StepResult& result, int active_before, int creator_exits,
                                       int entrants, int user_exits) {
  Eigen::ArrayXd& m = result.metrics;
  const double shown = total(impressions_);
  const auto sessions = static_cast<double>(sessions_.size());
  m(kContentQuality) = shown > 0.0 ? shown_quality_ / shown : 0.0;
  m(kFreshness) = shown > 0.0 ? shown_freshness_ / shown : 0.0;
  std::vector<double>& active_values = utility_scratch_;
  active_values.clear();
  for (int i = 0; i < n_; ++i) {
    if (scored_active_[static_cast<std::size_t>(i)]) {
      active_values.push_back(impressions_[static_cast<std::size_t>(i)]);
    }
  }
  m(kExposureEntropy) = normalized_entropy(active_values);
  m(kExposureGini) = gini_coefficient(active_values, gini_scratch_);
  m(kInterestCoverage) = sessions > 0.0 ? static_cast<double>(covered_) / sessions : 0.0;
  std::fill(supply_.begin(), supply_.end(), 0.0);
  const FloatRows& directions = recommender_.directions();
  const auto dim = static_cast<std::size_t>(config_.dim);
  double utility_sum = 0.0;
  active_values.clear();
  for (int i = 0; i < n_; ++i) {
    const auto j = static_cast<std::size_t>(i);
    if (!scored_active_[j]) continue;
    supply_[static_cast<std::size_t>(space_.region_of(
        std::span<const float>(directions.row(i).data(), dim)))] += creators_.quality()(i);
    utility_sum += rewards_[j];
    active_values.push_back(std::max(0.0, rewards_[j] + creators_.cost()(i)));
  }
  const ContentGap gap = content_gap(demand_, supply_);
  m(kContentGap) = gap.gap;
  m(kGapRegion) = gap.region;
  m(kActiveCreators) = active_before;
  m(kCreatorRetention) =
      active_before > 0 ? static_cast<double>(active_before - creator_exits) / active_before : 0.0;
  m(kCreatorEntries) = entrants;
  m(kCreatorExits) = creator_exits;
  m(kCreatorEarningsGini) = gini_coefficient(active_values, gini_scratch_);
  m(kMeanCreatorUtility) = active_before > 0 ? utility_sum / active_before : 0.0;
  m(kUserEngagement) = sessions > 0.0 ? static_cast<double>(consumed_) / sessions : 0.0;
  double satisfaction = 0.0;
  for (int u : sessions_) satisfaction += users_.satisfaction()(u);
  m(kUserSatisfaction) = sessions > 0.0 ? satisfaction / sessions : 0.0;
  m(kActiveUsers) = sessions;
  m(kUserRetention) = static_cast<double>(users_.active().count()) / users_.count();
  m(kUserExits) = user_exits;
  m(kPayments) = total(payments_);
  m(kRevenue) = ads_ ? ad_stats_.server.revenue : 0.0;
  if (config_.region_metrics) {
    const double demand = total(demand_), supply = total(supply_);
    for (int r = 0; r < config_.topics; ++r) {
      const auto s = static_cast<std::size_t>(r);
      m(kMetricCount + r) = demand > 0.0 ? demand_[s] / demand : 0.0;
      m(kMetricCount + config_.topics + r) = supply > 0.0 ? supply_[s] / supply : 0.0;
    }
  }
  if (ads_) {
    const int first = kMetricCount + (config_.region_metrics ? 2 * config_.topics : 0);
    FeedAds::write_metrics(ad_stats_,
                           std::span<double>(m.data() + first, FeedAds::metric_names().size()));
  }
}

void ContentEcosystemEnv::fill_observations(StepResult& result) const {
  RowBatch& obs = result.roles[0].observations;
  const double shown = total(impressions_);
  const double consumed = total(consumptions_);
  const int head = config_.topic_actions ? 1 : config_.dim;
  const FloatRows& directions = creators_.directions();
  const auto dim = static_cast<std::size_t>(config_.dim);
  for (int i = 0; i < n_; ++i) {
    const auto j = static_cast<std::size_t>(i);
    if (config_.topic_actions) {
      obs(i, 0) = space_.region_of(std::span<const float>(directions.row(i).data(), dim));
    } else {
      for (int k = 0; k < config_.dim; ++k) {
        obs(i, k) = std::clamp(static_cast<double>(directions(i, k)), -1.0, 1.0);
      }
    }
    const bool scored = scored_active_[j];
    obs(i, head) = creators_.quality()(i);
    obs(i, head + 1) = scored && shown > 0.0 ? impressions_[j] / shown : 0.0;
    obs(i, head + 2) = scored && consumed > 0.0 ? consumptions_[j] / consumed : 0.0;
    obs(i, head + 3) = scored ? payments_[j] : 0.0;
    obs(i, head + 4) = scored ? rewards_[j] : 0.0;
  }
}

void ContentEcosystemEnv::add_expected(int user, std::span<float> row, const FloatRows& directions,
                                       Expected& out) const {
  recommender_.rerank(row, directions);
  std::span<double> pi(inclusion_.data(), static_cast<std::size_t>(n_));
  rule_->inclusion_probabilities(row, k_, pi);
  const double v0 = config_.users.outside_utility;
  const double v_out = ads_ ? v0 + outside_shift_[static_cast<std::size_t>(user)] : v0;
  const Eigen::ArrayXd& quality = creators_.quality();
  double top = v_out;
  for (int j = 0; j < n_; ++j) {
    const auto s = static_cast<std::size_t>(j);
    if (pi[s] > 0.0) {
      attraction_[s] = users_.utility(user, directions.row(j).data(), quality(j));
      top = std::max(top, attraction_[s]);
    }
  }
  double denominator = std::exp(v_out - top);
  for (int j = 0; j < n_; ++j) {
    const auto s = static_cast<std::size_t>(j);
    if (pi[s] > 0.0) denominator += pi[s] * std::exp(attraction_[s] - top);
  }
  for (int j = 0; j < n_; ++j) {
    const auto s = static_cast<std::size_t>(j);
    if (!(pi[s] > 0.0)) continue;
    const double consumed = pi[s] * std::exp(attraction_[s] - top) / denominator;
    out.exposure[s] += pi[s];
    out.engagement[s] += consumed;
    out.satisfaction[s] += consumed * (attraction_[s] - v0);
  }
}

void ContentEcosystemEnv::prepare_oracle() const {
  if (oracle_ready_) return;
  const auto sessions = static_cast<std::int64_t>(sessions_.size());
  const std::int64_t m = config_.oracle_users == 0 || config_.oracle_users >= sessions
                             ? sessions
                             : config_.oracle_users;
  oracle_users_.resize(static_cast<std::size_t>(m));
  for (std::int64_t k = 0; k < m; ++k) {
    oracle_users_[static_cast<std::size_t>(k)] =
        sessions_[static_cast<std::size_t>(k * sessions / m)];
  }
  const FloatRows& directions = recommender_.directions();
  const std::span<const float> terms = recommender_.terms();
  const auto dim = static_cast<std::size_t>(config_.dim);
  oracle_rows_.resize(m, n_);
  for (std::int64_t k = 0; k < m; ++k) {
    const std::span<const float> x(
        users_.preferences().row(oracle_users_[static_cast<std::size_t>(k)]).data(), dim);
    for (int j = 0; j < n_; ++j) {
      oracle_rows_(k, j) =
          recommender_.score(x, std::span<const float>(directions.row(j).data(), dim),
                             terms[static_cast<std::size_t>(j)]);
    }
  }
  oracle_directions_ = directions;
  played_.assign(static_cast<std::size_t>(n_));
  for (std::int64_t k = 0; k < m; ++k) {
    std::copy(oracle_rows_.row(k).data(), oracle_rows_.row(k).data() + n_, row_scratch_.begin());
    add_expected(oracle_users_[static_cast<std::size_t>(k)], row_scratch_, oracle_directions_,
                 played_);
  }
  oracle_ready_ = true;
}

void ContentEcosystemEnv::counterfactual_rewards(int agent, const RowBatch& candidates,
                                                 Eigen::Ref<Eigen::ArrayXd> out) const {
  AGORA_CHECK(agent >= 0 && agent < n_);
  AGORA_CHECK_EQ(out.size(), candidates.rows());
  AGORA_CHECK_EQ(candidates.cols(), config_.topic_actions ? 1 : config_.dim);
  if (!scored_active_[static_cast<std::size_t>(agent)]) {
    out.setZero();
    return;
  }
  prepare_oracle();
  const auto dim = static_cast<std::size_t>(config_.dim);
  const auto m = static_cast<Eigen::Index>(oracle_users_.size());
  const double scale = m > 0 ? static_cast<double>(sessions_.size()) / static_cast<double>(m) : 0.0;
  std::vector<float>& direction = direction_scratch_;
  std::vector<float>& proposed = proposed_scratch_;
  std::vector<float>& played_direction = played_direction_scratch_;
  direction.resize(dim);
  proposed.resize(dim);
  played_direction.assign(oracle_directions_.row(agent).data(),
                          oracle_directions_.row(agent).data() + dim);
  const auto a = static_cast<std::size_t>(agent);
  for (Eigen::Index c = 0; c < candidates.rows(); ++c) {
    if (config_.topic_actions) {
      const double t = candidates(c, 0);
      AGORA_CHECK(t >= 0 && t < config_.topics && t == std::floor(t));
      const auto row = space_.centroids().row(static_cast<int>(t));
      std::copy(row.data(), row.data() + dim, direction.begin());
    } else {
      for (std::size_t k = 0; k < dim; ++k) {
        const double x = candidates(c, static_cast<Eigen::Index>(k));
        AGORA_CHECK(std::isfinite(x));
        proposed[k] = static_cast<float>(x);
      }
      creators_.resolve_direction(agent, proposed, direction);
    }
    const float term = recommender_.item_term(
        creators_.quality()(agent), creators_.freshness_if(agent, direction), boost_[a], true);
    std::copy(direction.begin(), direction.end(), oracle_directions_.row(agent).data());
    candidate_.assign(static_cast<std::size_t>(n_));
    for (Eigen::Index k = 0; k < m; ++k) {
      const int u = oracle_users_[static_cast<std::size_t>(k)];
      std::copy(oracle_rows_.row(k).data(), oracle_rows_.row(k).data() + n_, row_scratch_.begin());
      row_scratch_[a] = recommender_.score(
          std::span<const float>(users_.preferences().row(u).data(), dim), direction, term);
      add_expected(u, row_scratch_, oracle_directions_, candidate_);
    }
    std::copy(played_direction.begin(), played_direction.end(),
              oracle_directions_.row(agent).data());
    for (std::size_t j = 0; j < static_cast<std::size_t>(n_); ++j) {
      cf_exposure_[j] =
          std::max(0.0, impressions_[j] + scale * (candidate_.exposure[j] - played_.exposure[j]));
      cf_engagement_[j] = std::max(
          0.0, consumptions_[j] + scale * (candidate_.engagement[j] - played_.engagement[j]));
      cf_satisfaction_[j] =
          satisfaction_[j] + scale * (candidate_.satisfaction[j] - played_.satisfaction[j]);
    }
    pay(cf_exposure_, cf_engagement_, cf_satisfaction_, cf_payments_);
    out(c) = reward_of(agent, cf_exposure_[a], cf_engagement_[a], cf_payments_[a]);
  }
}

namespace {

std::unique_ptr<Env> make(const Json& params, const EnvContext& ctx) {
  return std::make_unique<ContentEcosystemEnv>(params, ctx);
}

const bool registered = EnvRegistry::instance().add(
    {"env", "content_ecosystem",
     "Recommender platform with strategic creators, logit users and a creator bonus pool.",
     "Creators (role 'creator', fixed pool with entry and exit) choose content directions in a "
     "d-dimensional space (or topics); users with drifting preferences get one session per "
     "period, a slate of K items from the recommender's scores (relevance, quality, "
     "freshness, under-served boost, MMR diversity) turned into exposure by a rule (top_k, "
     "softmax, shapley_mediator), and pick one item or the outside option by logit "
     "(McFadden 1974); satisfaction drives churn and return. A payment rule splits a bonus "
     "pool among creators; a creator's reward is its payment plus the value of exposure and "
     "engagement minus its cost; creators below their outside option for `patience` periods "
     "leave for good. Full-information feedback (counterfactual rewards). Metrics: quality, "
     "freshness, exposure entropy and Gini, coverage, content gap by region, creator "
     "retention and earnings, engagement, satisfaction, user retention, payments. Ben-Porat & "
     "Tennenholtz (2018); Hron et al. (2022); Carbonell & Goldstein (1998). Optional ads in "
     "the feed (params.ads) add the role 'advertiser' with ad_market's advertisers, pacing "
     "and position auctions, and ad fatigue and diversity that cost user satisfaction. "
     "docs/content_ecosystem.md.",
     content_ecosystem_params()},
    EnvFactory{&make, false});

}  // namespace
}  // namespace agora
