#include "envs/auction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "mechanisms/position_auction.h"
#include "mechanisms/rank_by_score.h"

namespace agora {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One distribution per bidder from params[key]: an object for all, or a list of one each.
std::vector<ValueDistribution> make_distributions(const Json& params, const std::string& key,
                                                  const std::string& path) {
  const int n = params.at("n_bidders").get<int>();
  const Json& values = params.at(key);
  std::vector<ValueDistribution> out;
  if (values.is_array()) {
    if (static_cast<int>(values.size()) != n) {
      throw ConfigError(join_path(path, key), "lists " + std::to_string(values.size()) +
                                                  " distributions for " + std::to_string(n) +
                                                  " bidders (give one object for all, or one "
                                                  "per bidder)");
    }
    for (const auto& v : values) out.emplace_back(v);
  } else {
    out.assign(n, ValueDistribution(values));
  }
  return out;
}

bool all_constant(const std::vector<ValueDistribution>& dists, double value) {
  for (const auto& d : dists) {
    if (d.kind() != ValueDistribution::Kind::kConstant || d.lower() != value) return false;
  }
  return true;
}

// Qualities: one per bidder, empty when every quality is the constant 1. Qualities scale
// clicks and must be positive.
std::vector<ValueDistribution> make_qualities(const Json& params, const std::string& path) {
  auto dists = make_distributions(params, "quality", path);
  for (std::size_t i = 0; i < dists.size(); ++i) {
    const auto& d = dists[i];
    const bool positive = d.kind() == ValueDistribution::Kind::kLognormal || d.lower() > 0.0;
    if (!positive) {
      const std::string where = params.at("quality").is_array()
                                    ? index_path(join_path(path, "quality"), i)
                                    : join_path(path, "quality");
      throw ConfigError(where,
                        "qualities must be positive: use a constant > 0, a uniform "
                        "with low > 0 or a lognormal");
    }
  }
  return all_constant(dists, 1.0) ? std::vector<ValueDistribution>{} : dists;
}

std::vector<ValueDistribution> make_additive_terms(const Json& params, const std::string& path) {
  auto dists = make_distributions(params, "additive", path);
  return all_constant(dists, 0.0) ? std::vector<ValueDistribution>{} : dists;
}

std::vector<double> checked_ctr(const Json& params, const std::string& path) {
  auto ctr = params.at("ctr").get<std::vector<double>>();
  const std::string ctr_path = join_path(path, "ctr");
  if (ctr.empty()) throw ConfigError(ctr_path, "needs at least one slot");
  for (std::size_t s = 1; s < ctr.size(); ++s) {
    if (ctr[s] > ctr[s - 1]) {
      throw ConfigError(index_path(ctr_path, s),
                        "click-through rates must be non-increasing by slot");
    }
  }
  return ctr;
}

double max_value_bound(const std::vector<ValueDistribution>& dists) {
  double hi = 0.0;
  for (const auto& d : dists) hi = std::max(hi, d.upper());
  return hi;
}

bool all_identical(const std::vector<ValueDistribution>& dists) {
  for (const auto& d : dists) {
    if (!(d == dists.front())) return false;
  }
  return true;
}

// The largest of v[0..n), n >= 1 (two interleaved chains: a shorter dependency chain).
inline double row_max(const double* v, int n) {
  double a = v[0];
  double b = v[0];
  int i = 1;
  for (; i + 1 < n; i += 2) {
    a = std::max(a, v[i]);
    b = std::max(b, v[i + 1]);
  }
  if (i < n) a = std::max(a, v[i]);
  return std::max(a, b);
}

AuctionEnv::FeedbackLevel feedback_level(const std::string& name) {
  if (name == "own") return AuctionEnv::FeedbackLevel::kOwn;
  if (name == "winning_bid") return AuctionEnv::FeedbackLevel::kWinningBid;
  return AuctionEnv::FeedbackLevel::kFull;
}

// The platform role: what it may control and what it may be rewarded for.
const std::vector<std::string> kControls = {"reserve", "quality_exponent"};
const std::vector<std::string> kObjectiveMetrics = {"revenue", "welfare", "bidder_utility",
                                                    "efficiency"};

Json validate_controls(const Json& value, const std::string& path) {
  return validate_name_list(value, path, kControls, "control");
}

Json validate_objective(const Json& value, const std::string& path) {
  const auto check_metric = [&](const std::string& name, const std::string& where) {
    if (std::find(kObjectiveMetrics.begin(), kObjectiveMetrics.end(), name) !=
        kObjectiveMetrics.end()) {
      return;
    }
    std::string message = "'" + name + "' is not one of: " + join_names(kObjectiveMetrics);
    const std::string suggestion = closest_match(name, kObjectiveMetrics);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    throw ConfigError(where, message);
  };
  if (value.is_string()) {
    check_metric(value.get<std::string>(), path);
    return value;
  }
  if (!value.is_object() || value.empty()) {
    throw ConfigError(path, "expected a metric (" + join_names(kObjectiveMetrics) +
                                ") or an object of weights such as {\"revenue\": 1, "
                                "\"welfare\": 0.5}, got " +
                                value.dump());
  }
  Json out = Json::object();
  bool any = false;
  for (const auto& [key, weight] : value.items()) {
    const std::string where = join_path(path, key);
    check_metric(key, where);
    if (!weight.is_number() || !std::isfinite(weight.get<double>())) {
      throw ConfigError(where, "expected a finite weight, got " + weight.dump());
    }
    out[key] = weight.get<double>();
    any = any || weight.get<double>() != 0.0;
  }
  if (!any) throw ConfigError(path, "needs at least one non-zero weight");
  return out;
}

ParamSpecs platform_fields() {
  constexpr double kMaxAlpha = 10.0;  // the mechanisms' range of quality_exponent
  return {
      param::custom("controls", Json::array({"reserve"}), "list of names",
                    "the mechanism terms the platform sets each step, one action dimension "
                    "each, in this order: \"reserve\" (a hard reserve on bids for every "
                    "bidder, on top of the mechanism's own) and/or \"quality_exponent\" (α "
                    "in the score b q^α + w e)",
                    &validate_controls),
      param::custom(
          "reserve_range", nullptr, "[low, high] or null",
          "bounds of the platform's reserve action; null = [0, the bidders' max_bid]",
          [](const Json& v, const std::string& p) { return validate_interval(v, p, 0.0, kInf); })
          .allow_null(),
      param::custom("quality_exponent_range", Json::array({0.0, 2.0}), "[low, high]",
                    "bounds of the platform's quality_exponent action, within [0, 10]",
                    [](const Json& v, const std::string& p) {
                      return validate_interval(v, p, 0.0, kMaxAlpha);
                    }),
      param::custom("objective", "revenue", "metric name or {metric: weight}",
                    "the platform's reward per step: \"revenue\", \"welfare\", "
                    "\"bidder_utility\" or \"efficiency\" of the step, or a weighted sum such "
                    "as {\"revenue\": 1, \"welfare\": 0.5}",
                    &validate_objective),
  };
}

Json validate_platform(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw ConfigError(path, "expected null (no platform) or an object, got " + value.dump());
  }
  return validate_params(value, platform_fields(), path);
}

bool has_platform(const Json& params) { return !params.at("platform").is_null(); }

std::vector<std::string> platform_controls(const Json& params) {
  if (!has_platform(params)) return {};
  return params.at("platform").at("controls").get<std::vector<std::string>>();
}

int control_column(const Json& params, const std::string& control) {
  const auto controls = platform_controls(params);
  const auto it = std::find(controls.begin(), controls.end(), control);
  return it == controls.end() ? -1 : static_cast<int>(it - controls.begin());
}

// Weights on revenue, welfare, bidder_utility and efficiency.
std::array<double, 4> objective_weights(const Json& params) {
  std::array<double, 4> weights{};
  if (!has_platform(params)) return weights;
  const Json& objective = params.at("platform").at("objective");
  for (std::size_t m = 0; m < kObjectiveMetrics.size(); ++m) {
    const std::string& name = kObjectiveMetrics[m];
    if (objective.is_string()) {
      weights[m] = objective.get<std::string>() == name ? 1.0 : 0.0;
    } else if (objective.contains(name)) {
      weights[m] = objective.at(name).get<double>();
    }
  }
  return weights;
}

std::vector<std::string> metric_names_for(const Json& params) {
  std::vector<std::string> names = {"revenue", "welfare", "optimal_welfare", "efficiency",
                                    "bidder_utility"};
  if (params.at("report_regret").get<bool>()) names.push_back("ex_post_regret");
  if (has_platform(params)) {
    names.push_back("sold");
    for (const auto& control : platform_controls(params)) names.push_back(control);
  }
  return names;
}

int first_platform_metric(const Json& params) {
  return has_platform(params) ? (params.at("report_regret").get<bool>() ? 6 : 5) : -1;
}

}  // namespace

std::vector<RoleSpec> AuctionEnv::make_roles(const Json& params, const std::string& path) {
  const int n = params.at("n_bidders").get<int>();
  const std::string params_path = join_path(path, "params");
  const auto dists = make_distributions(params, "values", params_path);
  const auto ctr = checked_ctr(params, params_path);
  const auto qualities = make_qualities(params, params_path);
  double quality_hi = 1.0;
  for (const auto& q : qualities) quality_hi = std::max(quality_hi, q.upper());
  const bool shade = params.at("bid_mode").get<std::string>() == "shade";
  const auto feedback = feedback_level(params.at("feedback").get<std::string>());

  const double value_hi = max_value_bound(dists);
  double value_lo = kInf;
  for (const auto& d : dists) value_lo = std::min(value_lo, d.lower());
  double max_bid;
  if (params.at("max_bid").is_null()) {
    max_bid = 0.0;
    for (const auto& d : dists) {
      max_bid = std::max(max_bid, std::isfinite(d.upper()) ? d.upper() : d.quantile(0.999));
    }
    if (max_bid <= 0.0) max_bid = 1.0;
  } else {
    max_bid = params.at("max_bid").get<double>();
  }
  const double max_shade = params.at("max_shade").get<double>();
  const double bid_hi = shade ? max_shade * value_hi : max_bid;

  std::vector<double> lo = {value_lo, 0.0, 0.0};
  // Payments: at most bid x clicks per click, the bid per impression or in all-pay.
  const double clicks_hi = ctr[0] * quality_hi;
  std::vector<double> hi = {value_hi, clicks_hi, bid_hi * std::max(1.0, clicks_hi)};
  std::vector<std::string> labels = {"value", "clicks", "payment"};
  if (feedback != FeedbackLevel::kOwn) {
    lo.push_back(0.0);
    hi.push_back(bid_hi);
    labels.push_back("winning_bid");
  }
  if (feedback == FeedbackLevel::kFull) {
    lo.push_back(0.0);
    hi.push_back(bid_hi);
    labels.push_back("highest_other_bid");
  }
  RoleSpec bidder;
  bidder.name = "bidder";
  bidder.pool_size = n;
  bidder.observation_space = Space::box(
      Eigen::Map<Eigen::ArrayXd>(lo.data(), static_cast<Eigen::Index>(lo.size())),
      Eigen::Map<Eigen::ArrayXd>(hi.data(), static_cast<Eigen::Index>(hi.size())), labels);
  bidder.action_space =
      Space::box(Eigen::ArrayXd::Zero(1), Eigen::ArrayXd::Constant(1, shade ? max_shade : max_bid),
                 {shade ? "shade" : "bid"});
  bidder.feedback = feedback == FeedbackLevel::kFull ? Feedback::kFull : Feedback::kBandit;
  if (!has_platform(params)) return {bidder};

  // The platform observes the last step's revenue, welfare, efficiency and sold share.
  const int slots = std::min(static_cast<int>(ctr.size()), n);
  double ctr_sum = 0.0;
  for (int s = 0; s < slots; ++s) ctr_sum += ctr[s];
  const double welfare_hi = ctr_sum > 0.0 ? ctr_sum * quality_hi * value_hi : 0.0;
  const double revenue_hi = n * hi[2];
  RoleSpec platform;
  platform.name = "platform";
  platform.pool_size = 1;
  platform.observation_space =
      Space::box(Eigen::Array4d::Zero(), Eigen::Array4d(revenue_hi, welfare_hi, 1.0, 1.0),
                 {"revenue", "welfare", "efficiency", "sold"});
  const Json& config = params.at("platform");
  const auto controls = platform_controls(params);
  Eigen::ArrayXd low(static_cast<Eigen::Index>(controls.size()));
  Eigen::ArrayXd high(low.size());
  for (std::size_t c = 0; c < controls.size(); ++c) {
    const Json& range =
        controls[c] == "reserve" ? config.at("reserve_range") : config.at("quality_exponent_range");
    low(c) = range.is_null() ? 0.0 : range[0].get<double>();
    high(c) = range.is_null() ? max_bid : range[1].get<double>();
    if (!(high(c) > low(c))) {
      throw ConfigError(join_path(join_path(params_path, "platform"), "reserve_range"),
                        "the default [0, max_bid] is empty (max_bid = 0); set reserve_range");
    }
  }
  platform.action_space = Space::box(low, high, controls);
  platform.feedback = Feedback::kBandit;
  return {bidder, platform};
}

AuctionEnv::AuctionEnv(const Json& params, const EnvContext& ctx)
    : Env(make_roles(params, ctx.path), metric_names_for(params), ctx.horizon),
      n_(params.at("n_bidders").get<int>()),
      rounds_(params.at("rounds_per_step").get<int>()),
      ctr_(checked_ctr(params, join_path(ctx.path, "params"))),
      values_dist_(make_distributions(params, "values", join_path(ctx.path, "params"))),
      quality_dist_(make_qualities(params, join_path(ctx.path, "params"))),
      additive_dist_(make_additive_terms(params, join_path(ctx.path, "params"))),
      identical_(all_identical(values_dist_)),
      persistent_(params.at("persistent_values").get<bool>()),
      shade_mode_(params.at("bid_mode").get<std::string>() == "shade"),
      feedback_(feedback_level(params.at("feedback").get<std::string>())),
      report_regret_(params.at("report_regret").get<bool>()),
      mechanism_(ctx.mechanism),
      platform_(has_platform(params)),
      reserve_column_(control_column(params, "reserve")),
      quality_exponent_column_(control_column(params, "quality_exponent")),
      objective_(objective_weights(params)),
      platform_metrics_(first_platform_metric(params)),
      next_values_(n_),
      values_(rounds_, n_),
      bids_(rounds_, n_),
      utility_(n_),
      clicks_(n_),
      payment_(n_),
      highest_other_(n_) {
  AGORA_CHECK(mechanism_ != nullptr);
  mechanism_->check_market(n_, static_cast<int>(ctr_.size()), "mechanism");
  const auto* auction = dynamic_cast<const PositionAuction*>(mechanism_.get());
  if (quality_exponent_column_ >= 0 && auction != nullptr &&
      !auction->config().declared_values.empty()) {
    throw ConfigError(
        index_path(join_path(join_path(ctx.path, "params"), "platform.controls"),
                   static_cast<std::size_t>(quality_exponent_column_)),
        "the myerson mechanism ranks by virtual value and has no quality exponent to control");
  }
  if (!quality_dist_.empty()) quality_.resize(rounds_, n_);
  if (!additive_dist_.empty()) additive_.resize(rounds_, n_);
  outcome_.resize(rounds_, static_cast<Eigen::Index>(ctr_.size()), n_);
  others_scratch_.resize(static_cast<std::size_t>(std::max(n_, 1)));
  const std::size_t top = ctr_.size() + 1;
  round_top_score_.resize(top * static_cast<std::size_t>(rounds_));
  round_top_bidder_.resize(top * static_cast<std::size_t>(rounds_));
  round_top_ties_.resize(2 * static_cast<std::size_t>(rounds_));
  round_top_count_.assign(static_cast<std::size_t>(rounds_), kStale);
  top_values_scratch_.resize(std::min(ctr_.size(), static_cast<std::size_t>(n_)));
}

void AuctionEnv::draw_values(Rng& rng) {
  if (identical_) {
    values_dist_[0].draw_n(rng, next_values_.data(), n_);
    return;
  }
  for (int i = 0; i < n_; ++i) next_values_(i) = values_dist_[i].draw(rng);
}

void AuctionEnv::on_reset(Rng& rng, StepResult& result) {
  draw_values(rng);
  values_.setZero();
  bids_.setZero();
  utility_.setZero();
  clicks_.setZero();
  payment_.setZero();
  highest_other_.setZero();
  winning_bid_ = 0.0;
  terms_ = BatchTerms{};
  result.roles[0].active.setConstant(true);
  if (platform_) {
    result.roles[1].active.setConstant(true);
    result.roles[1].observations.setZero();
  }
  fill_observations(result);
}

void AuctionEnv::fill_observations(StepResult& result) const {
  RowBatch& obs = result.roles[0].observations;
  const std::ptrdiff_t columns = obs.cols();
  double* row = obs.data();
  for (int i = 0; i < n_; ++i, row += columns) {
    row[0] = next_values_(i);
    row[1] = clicks_(i);
    row[2] = payment_(i);
    if (feedback_ != FeedbackLevel::kOwn) row[3] = winning_bid_;
    if (feedback_ == FeedbackLevel::kFull) row[4] = highest_other_(i);
  }
  // Means over R > 1 rounds can overshoot a bound by an ulp (R clicks of ctr[0], summed then
  // divided): keep observations inside their space.
  if (rounds_ > 1) {
    const Space& space = roles()[0].observation_space;
    for (int d = 1; d < space.dim(); ++d) {
      obs.col(d) = obs.col(d).min(space.high()(d)).max(space.low()(d));
    }
  }
}

double AuctionEnv::optimal_welfare(int round) const {
  const double* v = values_.data() + static_cast<std::ptrdiff_t>(round) * n_;
  const int k = static_cast<int>(ctr_.size());
  if (quality_.size() > 0) {  // the welfare of bidder i in slot s is v_i ctr_s q_i
    double* weighted = others_scratch_.data();
    const double* q = quality_.data() + static_cast<std::ptrdiff_t>(round) * n_;
    for (int i = 0; i < n_; ++i) weighted[i] = v[i] * q[i];
    v = weighted;
  }
  if (k == 1) return row_max(v, n_) * ctr_[0];
  double* top = top_values_scratch_.data();
  const int m = std::min(k, n_);
  int filled = 0;
  for (int i = 0; i < n_; ++i) filled = keep_highest(v[i], i, top, nullptr, filled, m);
  double total = 0.0;
  for (int s = 0; s < filled; ++s) total += top[s] * ctr_[s];
  return total;
}

void AuctionEnv::draw_round_inputs(Rng& rng) {
  const auto draw = [&](const std::vector<ValueDistribution>& dists, RowBatch& out) {
    if (dists.empty()) return;
    double* x = out.data();
    for (int r = 0; r < rounds_; ++r) {
      for (int i = 0; i < n_; ++i) x[static_cast<std::ptrdiff_t>(r) * n_ + i] = dists[i].draw(rng);
    }
  };
  draw(quality_dist_, quality_);
  draw(additive_dist_, additive_);
}

void AuctionEnv::on_step(const std::vector<RowBatch>& actions, Rng& rng, StepResult& result) {
  const double* action = actions[0].data();  // one column: contiguous, one entry per bidder
  terms_ = BatchTerms{};
  if (platform_) {
    if (reserve_column_ >= 0) terms_.reserve = actions[1](0, reserve_column_);
    if (quality_exponent_column_ >= 0) {
      terms_.quality_exponent = actions[1](0, quality_exponent_column_);
    }
  }
  double* values = values_.data();
  double* bids = bids_.data();
  std::copy_n(next_values_.data(), n_, values);
  if (persistent_) {
    for (int r = 1; r < rounds_; ++r) std::copy_n(next_values_.data(), n_, values + r * n_);
  } else if (identical_) {
    values_dist_[0].draw_n(rng, values + n_, (rounds_ - 1) * n_);
  } else {
    for (int r = 1; r < rounds_; ++r) {
      double* vrow = values + static_cast<std::ptrdiff_t>(r) * n_;
      for (int i = 0; i < n_; ++i) vrow[i] = values_dist_[i].draw(rng);
    }
  }
  const std::ptrdiff_t cells = static_cast<std::ptrdiff_t>(rounds_) * n_;
  for (std::ptrdiff_t r = 0; r < cells; r += n_) {
    if (shade_mode_) {
      for (int i = 0; i < n_; ++i) bids[r + i] = action[i] * values[r + i];
    } else {
      std::copy_n(action, n_, bids + r);
    }
  }
  draw_round_inputs(rng);
  const AuctionBatch batch{bids,
                           quality_.size() > 0 ? quality_.data() : nullptr,
                           additive_.size() > 0 ? additive_.data() : nullptr,
                           rounds_,
                           n_,
                           ctr_,
                           terms_};
  mechanism_->run(batch, outcome_, rng);
  std::fill(round_top_count_.begin(), round_top_count_.end(), kStale);

  // std::fill_n, not setZero: Eigen's out-of-line fill peels for alignment, costly at n ≈ 10.
  for (Eigen::ArrayXd* sum : {&clicks_, &payment_, &utility_}) std::fill_n(sum->data(), n_, 0.0);
  // utility_ collects the gross value first; the payments are subtracted below.
  double* clicks = clicks_.data();
  double* payment = payment_.data();
  double* gross = utility_.data();
  const int slots = static_cast<int>(ctr_.size());
  // Welfare and the optimum summed in the same order, so an efficient round matches exactly.
  double welfare = 0.0;
  double optimal = 0.0;
  for (int r = 0; r < rounds_; ++r) {
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(r) * n_;
    double round_welfare = 0.0;
    for (int s = 0; s < slots; ++s) {
      const int w = outcome_.winner(r, s);
      if (w < 0) continue;
      const double c = outcome_.clicks(r, w);
      const double worth = values[row + w] * c;
      clicks[w] += c;
      gross[w] += worth;
      if (!outcome_.losers_pay) payment[w] += outcome_.payment(r, w);
      round_welfare += worth;
    }
    welfare += round_welfare;
    optimal += optimal_welfare(r);
  }
  if (outcome_.losers_pay) {
    const double* round_payment = outcome_.payment.data();
    for (std::ptrdiff_t r = 0; r < cells; r += n_) {
      for (int i = 0; i < n_; ++i) payment[i] += round_payment[r + i];
    }
  }
  utility_ -= payment_;
  const double revenue = payment_.sum();
  double winning_bid = 0.0;
  if (feedback_ != FeedbackLevel::kOwn) {
    for (int r = 0; r < rounds_; ++r) {
      const int w = outcome_.winner(r, 0);
      if (w >= 0) winning_bid += bids[static_cast<std::ptrdiff_t>(r) * n_ + w];
    }
  }
  if (feedback_ == FeedbackLevel::kFull) {
    std::fill_n(highest_other_.data(), n_, 0.0);
    for (int r = 0; r < rounds_; ++r) {
      const double* brow = bids + static_cast<std::ptrdiff_t>(r) * n_;
      int top = 0;
      int next = 0;
      if (n_ >= 2 && top_two_untied(brow, n_, top, next)) {  // the loop below, branch-free
        const double top_bid = brow[top];
        const double next_bid = brow[next];
        for (int i = 0; i < n_; ++i) highest_other_(i) += i == top ? next_bid : top_bid;
        continue;
      }
      int best = 0;
      double second = n_ > 1 ? -kInf : 0.0;
      for (int i = 1; i < n_; ++i) {
        if (brow[i] > brow[best]) {
          second = brow[best];
          best = i;
        } else {
          second = std::max(second, brow[i]);
        }
      }
      for (int i = 0; i < n_; ++i) highest_other_(i) += i == best ? second : brow[best];
    }
    if (rounds_ > 1) highest_other_ /= rounds_;
  }

  // Per-round means (dividing by one round would change nothing).
  const double inv_rounds = 1.0 / rounds_;
  if (rounds_ > 1) {
    utility_ *= inv_rounds;
    clicks_ *= inv_rounds;
    payment_ *= inv_rounds;
  }
  winning_bid_ = winning_bid * inv_rounds;
  RoleState& bidders = result.roles[0];
  bidders.rewards = utility_;
  Eigen::ArrayXd& m = result.metrics;
  m(0) = revenue * inv_rounds;
  m(1) = welfare * inv_rounds;
  m(2) = optimal * inv_rounds;
  m(3) = optimal > 0.0 ? welfare / optimal : 1.0;
  m(4) = (welfare - revenue) * inv_rounds;
  if (report_regret_) m(5) = mean_ex_post_regret(actions[0]);
  if (platform_) {
    int sold = 0;
    for (int r = 0; r < rounds_; ++r) sold += outcome_.winner(r, 0) >= 0;
    m(platform_metrics_) = sold * inv_rounds;
    const RowBatch& controls = actions[1];
    for (Eigen::Index c = 0; c < controls.cols(); ++c) {
      m(platform_metrics_ + 1 + c) = controls(0, c);
    }
    RoleState& platform = result.roles[1];
    platform.rewards(0) =
        objective_[0] * m(0) + objective_[1] * m(1) + objective_[2] * m(4) + objective_[3] * m(3);
    const Space& space = roles()[1].observation_space;
    const Eigen::Array4d seen(m(0), m(1), m(3), m(platform_metrics_));
    platform.observations.row(0) = seen.min(space.high()).max(space.low()).transpose();
  }

  if (!persistent_) draw_values(rng);
  fill_observations(result);
}

int AuctionEnv::find_round_top_scores(int round) const {
  int& count = round_top_count_[static_cast<std::size_t>(round)];
  const int k = static_cast<int>(ctr_.size());
  const int m = k + 1;
  const std::ptrdiff_t base = static_cast<std::ptrdiff_t>(round) * m;
  double* top = round_top_score_.data() + base;
  int* who = round_top_bidder_.data() + base;
  const double* score = outcome_.score.data() + static_cast<std::ptrdiff_t>(round) * n_;
  int filled = 0;
  if (k == 1) {
    // The mechanism ranked the round already: its winner and runner-up hold the two highest
    // eligible scores (among tied bidders its random pick, which does not matter here).
    for (const int i : {outcome_.winner(round, 0), outcome_.runner_up(round)}) {
      if (i >= 0) {
        top[filled] = score[i];
        who[filled++] = i;
      }
    }
  } else {
    for (int i = 0; i < n_; ++i) {
      if (score[i] > -kInf) filled = keep_highest(score[i], i, top, who, filled, m);
    }
  }
  count = filled;
  if (k > 0 && filled >= k) {
    // How many bidders score exactly top[k - 1] and top[k]: the others' last kept score is one
    // of the two.
    int* ties = round_top_ties_.data() + 2 * static_cast<std::ptrdiff_t>(round);
    const double last = top[k - 1];
    const double next = filled > k ? top[k] : -kInf;
    ties[0] = ties[1] = 0;
    for (int i = 0; i < n_; ++i) {
      ties[0] += score[i] == last;
      ties[1] += score[i] == next;
    }
  }
  return count;
}

// Inlined into its one caller, reward_profile: a call per learner and step.
[[gnu::always_inline]] inline int AuctionEnv::top_other_scores(int round, int agent,
                                                               std::span<double> out) const {
  const int k = static_cast<int>(ctr_.size());
  // The round's k + 1 highest scores, without the agent's, hold the others' k highest (by
  // value; which of several tied bidders is listed does not matter).
  const int top = round_top_scores(round);
  if (k == 0) return 0;
  const std::ptrdiff_t base = static_cast<std::ptrdiff_t>(round) * (k + 1);
  const double* top_score = round_top_score_.data() + base;
  const int* top_bidder = round_top_bidder_.data() + base;
  const int* ties = round_top_ties_.data() + 2 * static_cast<std::ptrdiff_t>(round);
  const double own = outcome_.score.data()[static_cast<std::ptrdiff_t>(round) * n_ + agent];
  if (k == 1) {  // the loops below for one slot: the others' best score, once per rival at it
    const int j = top_bidder[0] == agent ? 1 : 0;
    if (j >= top) return 0;
    const double best = top_score[j];
    const int rivals = ties[j] - (own == best ? 1 : 0);
    for (int p = 0; p < rivals; ++p) out[p] = best;
    return rivals;
  }
  int filled = 0;
  int last_index = 0;
  for (int j = 0; j < top && filled < k; ++j) {
    if (top_bidder[j] != agent) {
      out[filled++] = top_score[j];
      last_index = j;
    }
  }
  if (filled < k) return filled;  // every other eligible bidder is listed
  // A tie is averaged over all the tied bidders: add every other score equal to the last kept.
  const double last = out[k - 1];
  int missing = ties[last_index - (k - 1)];
  if (own == last) --missing;
  for (int p = k - 1; p >= 0 && out[p] == last; --p) --missing;
  while (missing-- > 0) out[filled++] = last;
  return filled;
}

void AuctionEnv::reward_profile(int agent, int round, PiecewiseLinear& out) const {
  AGORA_CHECK(agent >= 0 && agent < n_);
  AGORA_CHECK(round >= 0 && round < rounds_);
  const int kept = top_other_scores(round, agent, others_scratch_);
  const std::ptrdiff_t cell = static_cast<std::ptrdiff_t>(round) * n_ + agent;
  const BidderView view{agent, quality_.size() > 0 ? quality_.data()[cell] : 1.0,
                        additive_.size() > 0 ? additive_.data()[cell] : 0.0, terms_};
  const std::span<const double> others(others_scratch_.data(), static_cast<std::size_t>(kept));
  const double value = values_.data()[cell];
  if (!shade_mode_) {
    mechanism_->utility_profile(others, view, ctr_, value, out);
    return;
  }
  // Shade mode: the bid is shade x value, so f(shade) = u(shade x value).
  mechanism_->utility_profile(others, view, ctr_, value, utility_scratch_);
  out.clear();
  if (!(value > 0.0)) {  // every shade bids 0
    const double at_zero = utility_scratch_(0.0);
    out.push(0.0, at_zero, at_zero, 0.0);
    return;
  }
  for (const LinearPiece& p : utility_scratch_.pieces()) {
    const double from = p.from / value;
    if (!out.empty() && !(from > out.pieces().back().from)) continue;  // merged by rounding
    out.push(from, p.at, p.intercept, p.slope * value);
  }
}

double AuctionEnv::mean_ex_post_regret(const RowBatch& actions) const {
  const double action_high = roles()[0].action_space.high()(0);
  double total = 0.0;
  for (int r = 0; r < rounds_; ++r) {
    for (int i = 0; i < n_; ++i) {
      reward_profile(i, r, regret_scratch_);
      const double played = actions(i, 0);
      const double best = regret_scratch_.supremum(0.0, action_high).value;
      total += std::max(0.0, best - regret_scratch_(played));
    }
  }
  return total / (static_cast<double>(rounds_) * n_);
}

void AuctionEnv::counterfactual_rewards(int agent, const RowBatch& candidates,
                                        Eigen::Ref<Eigen::ArrayXd> out) const {
  AGORA_CHECK_EQ(candidates.cols(), 1);
  AGORA_CHECK_EQ(out.size(), candidates.rows());
  out.setZero();
  PiecewiseLinear& profile = counterfactual_scratch_;
  for (int r = 0; r < rounds_; ++r) {
    reward_profile(agent, r, profile);
    for (Eigen::Index c = 0; c < candidates.rows(); ++c) out(c) += profile(candidates(c, 0));
  }
  out /= rounds_;
}

namespace {

std::unique_ptr<Env> make(const Json& params, const EnvContext& ctx) {
  return std::make_unique<AuctionEnv>(params, ctx);
}

ParamSpecs auction_params() {
  return {
      param::integer("n_bidders", 2, "number of bidders (the pool of role 'bidder')")
          .range(1, 100000),
      param::real_list("ctr", Json::array({1.0}),
                       "click-through rate of each slot, non-increasing; its length is the "
                       "number of slots")
          .range(0.0, 1.0),
      param::custom("values", Json{{"distribution", "uniform"}, {"low", 0.0}, {"high", 1.0}},
                    "distribution object or list of one per bidder",
                    "private value per click: {\"distribution\": \"uniform\", \"low\", "
                    "\"high\"} | {\"distribution\": \"exponential\", \"rate\"} | "
                    "{\"distribution\": \"lognormal\", \"mu\", \"sigma\"} | "
                    "{\"distribution\": \"constant\", \"value\"}; a list gives one per bidder",
                    &ValueDistribution::validate_one_or_list),
      param::custom("quality", Json{{"distribution", "constant"}, {"value", 1.0}},
                    "distribution object or list of one per bidder",
                    "per-impression quality q > 0 of each bidder, drawn every round (e.g. its "
                    "predicted click-through rate): clicks in slot s are ctr[s] x q, and the "
                    "mechanism ranks by b q^α (+ w e)",
                    &ValueDistribution::validate_one_or_list),
      param::custom("additive", Json{{"distribution", "constant"}, {"value", 0.0}},
                    "distribution object or list of one per bidder",
                    "per-impression additive term e of each bidder, drawn every round (e.g. "
                    "predicted user value), weighted by the mechanism's additive_weight w",
                    &ValueDistribution::validate_one_or_list),
      param::boolean("persistent_values", false,
                     "draw each bidder's value once per episode instead of every round"),
      param::integer("rounds_per_step", 1, "auctions simulated in one env step (R)")
          .range(1, 100000000),
      param::text("feedback", "winning_bid", {"own", "winning_bid", "full"},
                  "what bidders observe: own clicks and payment; plus the winning bid; plus "
                  "the highest other bid and counterfactual rewards (full information)"),
      param::text("bid_mode", "bid", {"bid", "shade"},
                  "action = the bid per click (same in all rounds of a step), or a shading "
                  "factor applied to each round's value"),
      param::real("max_bid", nullptr,
                  "upper bound of the bid action; null: the largest value upper bound (the "
                  "0.999 quantile for unbounded distributions)")
          .range(0.0, std::nullopt)
          .allow_null(),
      param::real("max_shade", 1.0, "upper bound of the shading action").range(0.0, 100.0),
      param::custom("platform", nullptr, "null or {controls, reserve_range, ...}",
                    "null: no platform. An object adds the role 'platform' (one agent) whose "
                    "action sets mechanism terms for each step's auctions: controls (default "
                    "[\"reserve\"]; also \"quality_exponent\"), reserve_range (null = [0, "
                    "max_bid]), quality_exponent_range (default [0, 2]), objective (\"revenue\" "
                    "| \"welfare\" | \"bidder_utility\" | \"efficiency\" | {metric: weight}, "
                    "default \"revenue\"); it observes the last step's revenue, welfare, "
                    "efficiency and sold share (docs/platform_learning.md)",
                    &validate_platform)
          .allow_null(),
      param::boolean("report_regret", false,
                     "add the metric ex_post_regret: the mean over bidders and rounds of the "
                     "utility the best deviation within the action bounds would have added "
                     "(analysis/incentive_regret.h); costs one deviation profile per bidder "
                     "and round"),
  };
}

const bool registered = EnvRegistry::instance().add(
    {"env", "auction", "Repeated sealed-bid auctions with private values and k slots.",
     "n bidders, k slots with position CTRs, private values per click from uniform, "
     "exponential, lognormal or constant distributions (per-bidder parameters allowed), "
     "redrawn every round or persistent. A step is R rounds. Rewards: value x clicks - payment "
     "per round. Optionally a platform role sets the reserve and/or the quality exponent of "
     "each step's auctions and is rewarded by revenue, welfare or a weighted objective. "
     "Vickrey (1961); Myerson (1981); Krishna, Auction Theory (2010).",
     auction_params()},
    EnvFactory{&make, true});

}  // namespace
}  // namespace agora
