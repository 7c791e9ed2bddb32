#include "agents/creators/topic_bandit.h"

#include <cmath>

#include "agents/creators/creator_space.h"
#include "core/error.h"

namespace agora {

TopicBandit::TopicBandit(const Json& params, const PolicyContext& ctx)
    : agents_(ctx.agents),
      played_(ctx.agents.size(), -1),
      rng_(make_rng(ctx.seed, "topic_bandit")) {
  const CreatorSpace space = read_creator_space(ctx, "topic_bandit", false);
  if (!space.topics) {
    throw ConfigError(join_path(ctx.path, "type"),
                      "topic_bandit needs a Discrete 'topic' action; role '" + ctx.role->name +
                          "' chooses content directions: use creator_gradient or "
                          "creator_best_response");
  }
  const int arms = space.topic_count;
  const Json& range = params.at("reward_range");
  const bool exp3 = params.at("algorithm").get<std::string>() == "exp3";
  if (exp3) {
    if (range.is_null()) {
      throw ConfigError(join_path(ctx.path, "params.reward_range"),
                        "EXP3 needs the range of the creator's rewards, [low, high]");
    }
    const double gamma = params.at("gamma").is_null() ? Exp3::default_gamma(arms, ctx.horizon)
                                                      : params.at("gamma").get<double>();
    const Exp3 prototype(arms, gamma, range[0].get<double>(), range[1].get<double>());
    for (std::size_t i = 0; i < agents_.size(); ++i) cores_.emplace_back(prototype);
  } else {
    std::optional<std::pair<double, double>> declared;
    if (!range.is_null()) declared = std::make_pair(range[0].get<double>(), range[1].get<double>());
    const Ucb1 prototype(arms, declared);
    for (std::size_t i = 0; i < agents_.size(); ++i) cores_.emplace_back(prototype);
  }
}

void TopicBandit::act(const RowBatch& /*observations*/, const BoolArray& active,
                      RowBatch& actions) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    const int agent = agents_[i];
    played_[i] = -1;
    if (!active(agent)) continue;
    played_[i] = std::visit([this](auto& core) { return core.select(rng_); }, cores_[i]);
    actions(agent, 0) = played_[i];
  }
}

void TopicBandit::learn(const Transition& transition) {
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (played_[i] < 0) continue;
    const double reward = transition.outcome.rewards(agents_[i]);
    if (!std::isfinite(reward)) throw InvariantError("topic_bandit: non-finite reward");
    std::visit([&](auto& core) { core.update(played_[i], reward); }, cores_[i]);
    played_[i] = -1;
  }
}

Json TopicBandit::strategy() const {
  Json agents = Json::array();
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    Json entry = std::visit([](const auto& core) { return core.to_json(); }, cores_[i]);
    entry["agent"] = agents_[i];
    agents.push_back(std::move(entry));
  }
  return {{"algorithm", "topic_bandit"}, {"agents", std::move(agents)}};
}

namespace {

std::unique_ptr<Policy> make(const Json& params, const PolicyContext& ctx) {
  return std::make_unique<TopicBandit>(params, ctx);
}

Json validate_gamma(const Json& value, const std::string& path) {
  if (!value.is_number() || !(value.get<double>() >= 0.0 && value.get<double>() <= 1.0)) {
    throw ConfigError(path, "must be a number in [0, 1] or null, got " + value.dump());
  }
  return value;
}

Json validate_range(const Json& value, const std::string& path) {
  return validate_interval(value, path);
}

const bool registered = AgentRegistry::instance().add(
    {"agent",
     "topic_bandit",
     "Content creator: EXP3 or UCB1 over topics with bandit feedback.",
     "One bandit per creator over the topics of a Discrete 'topic' action, updated with the "
     "creator's own reward: EXP3 (Auer et al. 2002, adversarial) or UCB1 (Auer, Cesa-Bianchi & "
     "Fischer 2002, stochastic).",
     {param::text("algorithm", "exp3", {"exp3", "ucb1"}, "the bandit algorithm"),
      param::custom("gamma", nullptr, "number in [0, 1] or null",
                    "EXP3 exploration rate; null: min(1, sqrt(K ln K / ((e - 1) T)))",
                    &validate_gamma)
          .allow_null(),
      param::custom("reward_range", nullptr, "[low, high] or null",
                    "rewards mapped to [0, 1]; required by EXP3; UCB1 with null: running range",
                    &validate_range)
          .allow_null()}},
    &make);

}  // namespace
}  // namespace agora
