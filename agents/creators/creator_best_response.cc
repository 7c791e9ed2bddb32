#include "agents/creators/creator_best_response.h"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "core/error.h"

namespace agora {

CreatorBestResponse::CreatorBestResponse(const Json& params, const PolicyContext& ctx)
    : space_(read_creator_space(ctx, "creator_best_response", true)),
      random_candidates_(params.at("candidates").get<int>()),
      local_candidates_(params.at("local_candidates").get<int>()),
      local_scale_(params.at("local_scale").get<double>()),
      min_improvement_(params.at("min_improvement").get<double>()),
      round_robin_(params.at("revision").get<std::string>() == "round_robin"),
      revision_probability_(params.at("revision_probability").get<double>()),
      agents_(ctx.agents),
      current_(agents_.size(), Eigen::VectorXd::Zero(space_.dim)),
      initialized_(agents_.size(), 0),
      acted_(agents_.size(), 0),
      switches_(agents_.size(), 0),
      played_(Eigen::VectorXd::Zero(space_.dim)),
      work_(Eigen::VectorXd::Zero(space_.dim)),
      rng_(make_rng(ctx.seed, "creator_best_response")) {
  if (!(local_scale_ > 0.0)) {
    throw ConfigError(join_path(ctx.path, "params.local_scale"), "must be > 0");
  }
  if (!(revision_probability_ > 0.0)) {
    throw ConfigError(join_path(ctx.path, "params.revision_probability"), "must be > 0");
  }
  if (!space_.topics && random_candidates_ + local_candidates_ == 0) {
    throw ConfigError(join_path(ctx.path, "params.candidates"),
                      "candidates and local_candidates are both 0: nothing to compare with");
  }
  const int rows = space_.topics ? space_.topic_count : 1 + random_candidates_ + local_candidates_;
  candidates_ = RowBatch::Zero(rows, space_.dim);
  payoffs_ = Eigen::ArrayXd::Zero(rows);
}

void CreatorBestResponse::act(const RowBatch& observations, const BoolArray& active,
                              RowBatch& actions) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    acted_[i] = active(agent);
    if (!acted_[i]) continue;
    if (!initialized_[i]) {
      initialized_[i] = 1;
      if (space_.topics) {
        current_[i](0) = space_.topic_column >= 0 ? observations(agent, space_.topic_column)
                                                  : boost::random::uniform_int_distribution<int>(
                                                        0, space_.topic_count - 1)(rng_);
      } else {
        work_.setZero();
        for (int k = 0; k < static_cast<int>(space_.direction_columns.size()); ++k) {
          work_(k) = observations(agent, space_.direction_columns[static_cast<std::size_t>(k)]);
        }
        if (!normalize_to(work_, current_[i])) random_direction(rng_, current_[i]);
      }
    }
    if (space_.topics) {
      actions(agent, 0) = current_[i](0);
    } else {
      write_direction(current_[i], actions.row(agent));
    }
  }
}

void CreatorBestResponse::build_candidates() {
  write_direction(played_, candidates_.row(0));
  boost::random::normal_distribution<double> normal;
  int row = 1;
  for (int c = 0; c < random_candidates_; ++c) {
    random_direction(rng_, work_);
    write_direction(work_, candidates_.row(row++));
  }
  for (int c = 0; c < local_candidates_; ++c) {
    for (int k = 0; k < space_.dim; ++k) work_(k) = played_(k) + local_scale_ * normal(rng_);
    if (!normalize_to(work_, work_)) work_ = played_;
    write_direction(work_, candidates_.row(row++));
  }
}

void CreatorBestResponse::learn(const Transition& transition) {
  const long long step = steps_++;
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (!acted_[i]) continue;
    acted_[i] = 0;
    const int agent = agents_[i];
    if (!transition.outcome.active(agent)) continue;
    if (round_robin_ &&
        step % static_cast<long long>(agents_.size()) != static_cast<long long>(i)) {
      continue;
    }
    if (revision_probability_ < 1.0 &&
        boost::random::uniform_01<double>()(rng_) >= revision_probability_) {
      continue;
    }
    AGORA_CHECK(transition.counterfactuals != nullptr);
    int played_row = 0;
    if (space_.topics) {
      for (int t = 0; t < space_.topic_count; ++t) candidates_(t, 0) = t;
      played_row = static_cast<int>(transition.actions(agent, 0));
    } else {
      for (int k = 0; k < space_.dim; ++k) work_(k) = transition.actions(agent, k);
      if (!normalize_to(work_, played_)) played_ = current_[i];
      build_candidates();
    }
    transition.counterfactuals->counterfactual_rewards(agent, candidates_, payoffs_);
    if (!payoffs_.allFinite()) {
      throw InvariantError("creator_best_response: the oracle returned a non-finite reward");
    }
    Eigen::Index best = 0;
    payoffs_.maxCoeff(&best);
    if (payoffs_(best) > payoffs_(played_row) + min_improvement_) {
      ++switches_[i];
      if (space_.topics) {
        current_[i](0) = static_cast<double>(best);
      } else {
        for (int k = 0; k < space_.dim; ++k) work_(k) = candidates_(best, k);
        if (!normalize_to(work_, current_[i])) current_[i] = played_;
      }
    } else if (!space_.topics) {
      current_[i] = played_;
    } else {
      current_[i](0) = played_row;
    }
  }
}

Json CreatorBestResponse::strategy() const {
  Json agents = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const Eigen::VectorXd& x = current_[i];
    Json entry = {{"agent", agents_[i]}, {"switches", switches_[i]}};
    if (space_.topics) {
      entry["topic"] = static_cast<int>(x(0));
    } else {
      entry["direction"] = std::vector<double>(x.data(), x.data() + x.size());
    }
    agents.push_back(std::move(entry));
  }
  return {{"algorithm", "creator_best_response"}, {"agents", std::move(agents)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<CreatorBestResponse>(params, ctx);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "creator_best_response",
     "Content creator: myopic best response via the counterfactual oracle (topics or sampled "
     "directions); needs full-information feedback.",
     "After each step a revising creator evaluates candidate actions with the env's "
     "counterfactual oracle (all topics; or the current direction, random unit directions and "
     "local perturbations) and switches to the best if it gains more than min_improvement. "
     "Revision simultaneous (with inertia revision_probability) or round-robin (sequential "
     "best-response dynamics; converges in potential games, Monderer & Shapley 1996).",
     {param::integer("candidates", 64, "random unit directions per revision")
          .range(0, std::nullopt),
      param::integer("local_candidates", 16, "perturbations of the current direction")
          .range(0, std::nullopt),
      param::real("local_scale", 0.1, "standard deviation of the perturbations (> 0)")
          .range(0.0, std::nullopt),
      param::real("min_improvement", 1e-9, "gain needed to switch").range(0.0, std::nullopt),
      param::text("revision", "simultaneous", {"simultaneous", "round_robin"},
                  "who revises each step: everybody, or the policy's creators in turn"),
      param::real("revision_probability", 1.0, "probability a due creator revises (inertia)")
          .range(0.0, 1.0)}},
    &make);

}  // namespace
}  // namespace agora
