#include "agents/tabular_td.h"

#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/geometric_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace agora {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kDefaultDecayRatio = 1000.0;  // null β or d: ε_T = ε_0 / 1000 at the horizon

double number_of(const Json& value, const std::string& path) {
  if (!value.is_number()) {
    throw ConfigError(
        path, "expected a number, got " + json_type_name(value) + " (" + value.dump() + ")");
  }
  return value.get<double>();
}

Json validate_discount(const Json& value, const std::string& path) {
  const double x = number_of(value, path);
  if (!(x >= 0.0 && x < 1.0)) {
    throw ConfigError(path, "must be in [0, 1), got " + format_number(x));
  }
  return Json(x);
}

Json validate_decay(const Json& value, const std::string& path) {
  const double x = number_of(value, path);
  if (!(x > 0.0 && x <= 1.0)) {
    throw ConfigError(path, "must be in (0, 1], got " + format_number(x));
  }
  return Json(x);
}

TabularTD::StateKind state_kind(const Json& params) {
  const std::string name = params.at("state").get<std::string>();
  if (name == "last_winning_bid") return TabularTD::StateKind::kLastWinningBid;
  if (name == "own_last_bid") return TabularTD::StateKind::kOwnLastBid;
  return TabularTD::StateKind::kNone;
}

const char* algorithm_name(TabularTD::Algorithm algorithm) {
  return algorithm == TabularTD::Algorithm::kQLearning ? "q_learning" : "sarsa";
}

}  // namespace

ParamSpecs epsilon_schedule_params() {
  return {
      param::text("schedule", "constant", {"constant", "exponential", "geometric"},
                  "ε_t = epsilon; max(epsilon_min, epsilon e^(−epsilon_beta t)); or "
                  "max(epsilon_min, epsilon epsilon_decay^t), t = the agent's decisions so far"),
      param::real("epsilon", 0.1, "ε_0, the exploration probability at t = 0").range(0.0, 1.0),
      param::real("epsilon_beta", nullptr,
                  "β of the exponential schedule; null = ln(1000) / horizon (ε falls 1000-fold "
                  "over the run)")
          .range(0.0, std::nullopt)
          .allow_null(),
      param::custom("epsilon_decay", nullptr, "number in (0, 1] or null",
                    "factor of the geometric schedule; null = 1000^(−1 / horizon)", &validate_decay)
          .allow_null(),
      param::real("epsilon_min", 0.0, "floor of the decaying schedules").range(0.0, 1.0),
  };
}

EpsilonSchedule read_epsilon_schedule(const Json& params, std::int64_t horizon) {
  EpsilonSchedule schedule;
  const std::string kind = params.at("schedule").get<std::string>();
  schedule.initial = params.at("epsilon").get<double>();
  schedule.floor = params.at("epsilon_min").get<double>();
  const double steps = static_cast<double>(std::max<std::int64_t>(horizon, 1));
  if (kind == "exponential") {
    schedule.kind = EpsilonSchedule::Kind::kExponential;
    const Json& beta = params.at("epsilon_beta");
    schedule.factor =
        std::exp(-(beta.is_null() ? std::log(kDefaultDecayRatio) / steps : beta.get<double>()));
  } else if (kind == "geometric") {
    schedule.kind = EpsilonSchedule::Kind::kGeometric;
    const Json& decay = params.at("epsilon_decay");
    schedule.factor =
        decay.is_null() ? std::pow(kDefaultDecayRatio, -1.0 / steps) : decay.get<double>();
  } else {
    schedule.kind = EpsilonSchedule::Kind::kConstant;
    schedule.factor = 1.0;
    schedule.floor = 0.0;
  }
  return schedule;
}

bool EpsilonClock::thinned(std::int64_t t, double epsilon_t, Rng& rng) {
  // b >= 1e-12 keeps log(1 − b) away from 0; thinning stays exact for any b >= ε_t.
  constexpr double kSmallestBound = 1e-12;
  if (next_candidate_ < 0 || epsilon_t > bound_) {
    bound_ = std::max(epsilon_t, kSmallestBound);
    next_candidate_ = t + boost::random::geometric_distribution<std::int64_t>(bound_)(rng);
    if (t < next_candidate_) return false;
  }
  const bool accept =
      epsilon_t >= bound_ || boost::random::bernoulli_distribution<double>(epsilon_t / bound_)(rng);
  bound_ = std::max(epsilon_t, kSmallestBound);
  next_candidate_ = t + 1 + boost::random::geometric_distribution<std::int64_t>(bound_)(rng);
  return accept;
}

ParamSpec discount_param(double default_value) {
  return param::custom("discount", default_value, "number in [0, 1)",
                       "γ, the weight of the next state's value in the TD target",
                       &validate_discount);
}

ParamSpecs tabular_td_params() {
  ParamSpecs specs = grid_learner_params();
  specs.push_back(param::text("state", "none", {"none", "last_winning_bid", "own_last_bid"},
                              "what a Q-table row conditions on (besides the value bucket)"));
  specs.push_back(param::integer("state_bins", nullptr,
                                 "last_winning_bid: equal-width bins of state_range; null = the "
                                 "nearest bid-grid point (bid grid) or K bins (shade grid)")
                      .range(1, 1000000)
                      .allow_null());
  specs.push_back(
      param::custom("state_range", nullptr, "[low, high] or null",
                    "last_winning_bid: the binned range; null = the observation "
                    "bounds of 'winning_bid'",
                    [](const Json& v, const std::string& p) { return validate_interval(v, p); })
          .allow_null());
  specs.push_back(
      param::real("learning_rate", 0.1, "α, the step size of the TD update").range(0.0, 1.0));
  specs.push_back(discount_param(0.95));
  specs.push_back(param::real("initial_q", 0.0, "every Q value before the first update"));
  for (ParamSpec& spec : epsilon_schedule_params()) specs.push_back(std::move(spec));
  return specs;
}

TabularTD::TabularTD(Algorithm algorithm, const Json& params, const PolicyContext& ctx)
    : algorithm_(algorithm),
      setup_(params, ctx),
      agents_(ctx.agents),
      actions_(setup_.points()),
      state_kind_(state_kind(params)),
      alpha_(params.at("learning_rate").get<double>()),
      gamma_(params.at("discount").get<double>()),
      initial_q_(params.at("initial_q").get<double>()),
      schedule_(read_epsilon_schedule(params, ctx.horizon)),
      rng_(make_rng(ctx.seed, algorithm_name(algorithm))) {
  const std::string params_path = join_path(ctx.path, "params");
  const Json& bins = params.at("state_bins");
  const Json& range = params.at("state_range");
  if (state_kind_ != StateKind::kLastWinningBid) {
    for (const char* key : {"state_bins", "state_range"}) {
      if (!params.at(key).is_null()) {
        throw ConfigError(join_path(params_path, key),
                          "is only used with state \"last_winning_bid\"; the state is \"" +
                              params.at("state").get<std::string>() + "\"");
      }
    }
  }
  if (state_kind_ == StateKind::kOwnLastBid) feature_states_ = actions_ + 1;
  if (state_kind_ == StateKind::kLastWinningBid) {
    const Space& observations = ctx.role->observation_space;
    winning_bid_column_ =
        observations.kind() == Space::Kind::kBox ? observations.index_of("winning_bid") : -1;
    if (winning_bid_column_ < 0) {
      throw ConfigError(join_path(params_path, "state"),
                        "state \"last_winning_bid\" needs an observation labelled 'winning_bid', "
                        "which role '" +
                            ctx.role->name +
                            "' does not have (the auction env offers it with feedback "
                            "\"winning_bid\" or \"full\")");
    }
    double low;
    double high;
    if (bins.is_null() && setup_.kind() == GridSetup::Kind::kBid) {
      const std::vector<double>& grid = setup_.grid();
      feature_states_ = actions_;
      const double half = 0.5 * (grid.back() - grid.front()) / (actions_ - 1);
      low = grid.front() - half;
      high = grid.back() + half;
    } else {
      feature_states_ = bins.is_null() ? actions_ : bins.get<int>();
      low = range.is_null() ? observations.low()(winning_bid_column_) : range[0].get<double>();
      high = range.is_null() ? observations.high()(winning_bid_column_) : range[1].get<double>();
      if (!std::isfinite(low) || !std::isfinite(high) || !(low < high)) {
        throw ConfigError(join_path(params_path, "state_range"),
                          "observation 'winning_bid' has bounds [" + format_number(low) + ", " +
                              format_number(high) + "]; set state_range to a finite [low, high]");
      }
    }
    bin_low_ = low;
    bin_scale_ = feature_states_ / (high - low);
    for (int b = 0; b < feature_states_; ++b) {
      bin_centres_.push_back(low + (b + 0.5) * (high - low) / feature_states_);
    }
  }
  states_ = setup_.value_buckets() * feature_states_;
  stateless_ = states_ == 1;
  single_action_ = ctx.role->action_space.dim() == 1;

  const std::size_t rows = agents_.size() * static_cast<std::size_t>(states_);
  q_.assign(rows * actions_, initial_q_);
  visits_.assign(rows * actions_, 0);
  row_max_.assign(rows, RowMax{initial_q_, 0, actions_, -kInfinity});
  clocks_.assign(agents_.size(), EpsilonClock(schedule_));
  chosen_row_.assign(agents_.size(), 0);
  chosen_action_.assign(agents_.size(), 0);
  last_action_.assign(agents_.size(), actions_);
  pending_row_.assign(agents_.size(), kNoRow);
  pending_action_.assign(agents_.size(), 0);
  acted_.assign(agents_.size(), 0);
}

int TabularTD::feature_state(const RowBatch& observations, int agent, int agent_index) const {
  switch (state_kind_) {
    case StateKind::kNone:
      return 0;
    case StateKind::kOwnLastBid:
      return last_action_[agent_index];
    case StateKind::kLastWinningBid: {
      const double position = (observations(agent, winning_bid_column_) - bin_low_) * bin_scale_;
      if (!(position >= 0.0)) return 0;
      return position >= feature_states_ ? feature_states_ - 1 : static_cast<int>(position);
    }
  }
  return 0;
}

int TabularTD::state_of(const RowBatch& observations, int agent_index) const {
  const int agent = agents_[agent_index];
  const int feature = feature_state(observations, agent, agent_index);
  if (setup_.value_buckets() == 1) return feature;
  const double value = setup_.bid_action().value(observations, agent);
  return setup_.bucket(value) * feature_states_ + feature;
}

int TabularTD::greedy(std::size_t row_index) {
  const RowMax& best = row_max_[row_index];
  if (best.ties == 1) return best.action;
  const double* q = &q_[row_index * actions_];
  int pick = boost::random::uniform_int_distribution<int>(0, best.ties - 1)(rng_);
  for (int a = best.action; a < actions_; ++a) {
    if (q[a] == best.value && pick-- == 0) return a;
  }
  throw InvariantError("TabularTD: the cached row maximum is stale");
}

int TabularTD::choose(int agent_index, std::size_t row_index) {
  if (clocks_[agent_index].explore(rng_)) {
    return boost::random::uniform_int_distribution<int>(0, actions_ - 1)(rng_);
  }
  return greedy(row_index);
}

void TabularTD::rescan(std::size_t row_index) {
  const double* q = &q_[row_index * actions_];
  double best = q[0];
  for (int a = 1; a < actions_; ++a) best = q[a] > best ? q[a] : best;
  int first = actions_;
  int ties = 0;
  double second = -kInfinity;
  for (int a = actions_ - 1; a >= 0; --a) {
    const bool is_best = q[a] == best;
    first = is_best ? a : first;
    ties += is_best;
    second = !is_best && q[a] > second ? q[a] : second;
  }
  AGORA_CHECK(first < actions_);  // fails only on NaN
  row_max_[row_index] = {best, first, ties, second};
}

void TabularTD::set_q(std::size_t row_index, int action, double value) {
  double& entry = q_[row_index * actions_ + action];
  const double old = entry;
  entry = value;
  RowMax& best = row_max_[row_index];
  if (value > best.value) {
    if (best.ties > 1 || best.action != action) best.second = best.value;
    best.value = value;
    best.action = action;
    best.ties = 1;
  } else if (old == best.value) {
    if (value == old) return;
    if (best.ties == 1) {
      if (value > best.second) {
        best.value = value;
      } else {
        rescan(row_index);
      }
    } else if (best.action == action) {
      rescan(row_index);
    } else {
      --best.ties;
      best.second = std::max(best.second, value);
    }
  } else if (value == best.value) {
    ++best.ties;
    best.action = std::min(best.action, action);
  } else {
    best.second = std::max(best.second, value);
  }
}

void TabularTD::act(const RowBatch& observations, const BoolArray& active, RowBatch& actions) {
  const BidAction& bid_action = setup_.bid_action();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    const int index = static_cast<int>(i);
    const std::size_t row_index = stateless_ ? i : row(index, state_of(observations, index));
    int action;
    if (pending_row_[i] == row_index) {
      action = pending_action_[i];
    } else {
      action = choose(index, row_index);
    }
    pending_row_[i] = kNoRow;
    chosen_row_[i] = row_index;
    chosen_action_[i] = action;
    last_action_[i] = action;
    const double value = setup_.needs_value() ? bid_action.value(observations, agent) : 0.0;
    if (single_action_) {
      actions(agent, 0) = setup_.action(action, value);
    } else {
      bid_action.write(actions, agent, setup_.action(action, value));
    }
  }
}

void TabularTD::learn(const Transition& transition) {
  const RoleState& outcome = transition.outcome;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const int agent = agents_[i];
    const int index = static_cast<int>(i);
    const double reward = outcome.rewards(agent);
    AGORA_CHECK(std::isfinite(reward));
    const std::size_t row_index = chosen_row_[i];
    const int action = chosen_action_[i];
    double target = reward;
    if (!outcome.terminated(agent)) {
      const std::size_t next_row =
          stateless_ ? i : row(index, state_of(outcome.observations, index));
      if (algorithm_ == Algorithm::kQLearning) {
        target += gamma_ * row_max_[next_row].value;
      } else {
        const int next_action = choose(index, next_row);
        pending_row_[i] = next_row;
        pending_action_[i] = next_action;
        target += gamma_ * q_[next_row * actions_ + next_action];
      }
    }
    const double old = q_[row_index * actions_ + action];
    set_q(row_index, action, old + alpha_ * (target - old));
    ++visits_[row_index * actions_ + action];
  }
}

Json TabularTD::strategy() const {
  Json out = setup_.to_json();
  out["algorithm"] = algorithm_name(algorithm_);
  switch (state_kind_) {
    case StateKind::kNone:
      out["state"] = "none";
      break;
    case StateKind::kLastWinningBid:
      out["state"] = "last_winning_bid";
      out["state_bin_centres"] = bin_centres_;
      break;
    case StateKind::kOwnLastBid:
      out["state"] = "own_last_bid";
      break;
  }
  out["feature_states"] = feature_states_;
  out["states"] = states_;
  Json per_agent = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int index = static_cast<int>(i);
    Json greedy_actions = Json::array();
    Json greedy_points = Json::array();
    Json max_q = Json::array();
    Json q_rows = Json::array();
    Json visit_rows = Json::array();
    for (int s = 0; s < states_; ++s) {
      const std::size_t r = row(index, s);
      const RowMax& best = row_max_[r];
      greedy_actions.push_back(best.action);
      greedy_points.push_back(setup_.grid()[best.action]);
      max_q.push_back(best.value);
      q_rows.push_back(
          std::vector<double>(q_.begin() + r * actions_, q_.begin() + (r + 1) * actions_));
      visit_rows.push_back(std::vector<std::int64_t>(visits_.begin() + r * actions_,
                                                     visits_.begin() + (r + 1) * actions_));
    }
    per_agent.push_back({{"agent", agents_[i]},
                         {"epsilon", clocks_[i].epsilon()},
                         {"decisions", clocks_[i].decisions()},
                         {"greedy_actions", std::move(greedy_actions)},
                         {"greedy_points", std::move(greedy_points)},
                         {"max_q", std::move(max_q)},
                         {"q", std::move(q_rows)},
                         {"visits", std::move(visit_rows)}});
  }
  out["agents"] = std::move(per_agent);
  return out;
}

namespace {

std::unique_ptr<Policy> make_q_learning(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<TabularTD>(TabularTD::Algorithm::kQLearning, params, ctx);
}

std::unique_ptr<Policy> make_sarsa(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<TabularTD>(TabularTD::Algorithm::kSarsa, params, ctx);
}

constexpr const char* kStatesDoc =
    " States: none (the repeated-auction bandit), last_winning_bid (the observation "
    "'winning_bid', binned; auction feedback \"winning_bid\" or \"full\") or own_last_bid (the "
    "agent's previous grid point), times the value buckets. ε-greedy with ties broken uniformly "
    "at random; ε constant or decaying exponentially/geometrically to a floor; optimistic "
    "initial_q.";

const bool registered_q_learning = AgentRegistry::instance().add(
    {"agent", "q_learning", "Tabular Q-learning over a bid or shading grid (own reward only).",
     std::string("Q(s,a) += α (r + γ max_a' Q(s',a') − Q(s,a)) over the grid points.") +
         kStatesDoc +
         " Watkins & Dayan, Machine Learning 8 (1992); Sutton & Barto (2018), ch. 6; "
         "Calvano et al., AER 110 (2020); Banchio & Skrzypacz, EC (2022).",
     tabular_td_params()},
    &make_q_learning);

const bool registered_sarsa = AgentRegistry::instance().add(
    {"agent", "sarsa", "Tabular SARSA over a bid or shading grid (own reward only).",
     std::string("Q(s,a) += α (r + γ Q(s',a') − Q(s,a)), a' the ε-greedy action then played "
                 "in s' (on-policy).") +
         kStatesDoc + " Rummery & Niranjan (1994); Sutton & Barto (2018), ch. 6.",
     tabular_td_params()},
    &make_sarsa);

}  // namespace
}  // namespace agora
