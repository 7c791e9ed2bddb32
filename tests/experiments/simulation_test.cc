#include "experiments/simulation.h"

#include <doctest/doctest.h>

#include <limits>

#include "agents/policy.h"
#include "core/error.h"
#include "experiments/experiment_config.h"

namespace {

// A policy that bids NaN from step `nan_from` on, to check how the runner reports it.
class NanBidder final : public agora::Policy {
 public:
  explicit NanBidder(const agora::PolicyContext& ctx) : agents_(ctx.agents) {}
  void act(const agora::RowBatch& observations, const agora::BoolArray&,
           agora::RowBatch& actions) override {
    ++steps_;
    for (int i : agents_) {
      actions(i, 0) = steps_ >= 3 ? std::numeric_limits<double>::quiet_NaN() : observations(i, 0);
    }
  }

 private:
  std::vector<int> agents_;
  int steps_ = 0;
};

std::unique_ptr<agora::Policy> make_nan_bidder(const agora::Json&,
                                               const agora::PolicyContext& ctx) {
  return std::make_unique<NanBidder>(ctx);
}

const bool registered = agora::AgentRegistry::instance().add(
    {"agent", "test_nan_bidder", "test only: bids NaN from step 3", "", {}}, &make_nan_bidder);

agora::ExperimentConfig config_with(const std::string& second_group) {
  return agora::validate_experiment(
      agora::Json::parse(R"({"env": {"name": "auction", "params": {"n_bidders": 3}},
        "mechanism": {"name": "second_price"},
        "agents": {"bidder": [{"type": "truthful", "count": 2}, {"type": ")" +
                         second_group + R"("}]}, "horizon": 10})"),
      "test", "(inline)");
}

}  // namespace

TEST_CASE("a policy's NaN action is a ConfigError naming its agent group and type") {
  const auto config = config_with("test_nan_bidder");
  agora::Simulation simulation(config.cells[0], 5);
  CHECK(simulation.step());
  CHECK(simulation.step());
  CHECK_THROWS_WITH_AS(simulation.step(),
                       doctest::Contains("agents.bidder[1]: agent type 'test_nan_bidder' "
                                         "produced an invalid action"),
                       agora::ConfigError);
}

TEST_CASE("the same cell and seed give the same trajectory; another seed a different one") {
  const auto config = config_with("truthful");
  agora::Simulation a(config.cells[0], 1), b(config.cells[0], 1), c(config.cells[0], 2);
  bool differs = false;
  while (a.step()) {
    b.step();
    c.step();
    CHECK((a.last().metrics == b.last().metrics).all());
    CHECK((a.last().roles[0].rewards == b.last().roles[0].rewards).all());
    differs = differs || (a.last().metrics != c.last().metrics).any();
  }
  CHECK(differs);
  CHECK(a.steps() == 10);
  CHECK_FALSE(a.step());
}

TEST_CASE("sweeps expand to the cartesian product with the last axis fastest") {
  const auto config = agora::validate_experiment(
      agora::Json::parse(R"({"env": {"name": "auction"}, "mechanism": {"name": "first_price"},
        "agents": {"bidder": [{"type": "truthful"}]}, "horizon": 5,
        "seeds": {"first": 3, "count": 2},
        "sweep": {"mechanism.name": ["first_price", "second_price"],
                  "mechanism.params.reserve": [0.0, 0.5, 0.9]}})"),
      "sweep", "(inline)");
  REQUIRE(config.cells.size() == 6);
  CHECK(config.cells[1].mechanism_name == "first_price");
  CHECK(config.cells[1].mechanism_params["reserve"] == 0.5);
  CHECK(config.cells[3].mechanism_name == "second_price");
  CHECK(config.cells[3].mechanism_params["reserve"] == 0.0);
  CHECK(config.cells[5].label == "mechanism.name=second_price, mechanism.params.reserve=0.9");
  CHECK(config.seeds == std::vector<std::uint64_t>{3, 4});
  CHECK(config.cells[0].env_params["rounds_per_step"] == 1);
}

TEST_CASE("sweep_labels name a path's values in the cell labels") {
  const auto config = agora::validate_experiment(
      agora::Json::parse(R"({"env": {"name": "auction"}, "mechanism": {"name": "first_price"},
        "agents": {"bidder": [{"type": "truthful"}]}, "horizon": 5,
        "sweep": {"mechanism.name": ["first_price", "second_price"],
                  "mechanism.params.reserve": [0.0, 0.5]},
        "sweep_labels": {"mechanism.name": ["FP", "SP"]}})"),
      "labels", "(inline)");
  REQUIRE(config.cells.size() == 4);
  CHECK(config.cells[3].label == "mechanism.name=SP, mechanism.params.reserve=0.5");
  CHECK(config.cells[3].sweep_labels == agora::Json{{"mechanism.name", "SP"}});
  CHECK(config.cells[3].sweep_values["mechanism.name"] == "second_price");
  CHECK(config.effective["sweep_labels"]["mechanism.name"][0] == "FP");
}

TEST_CASE("--set overrides are validated like the file") {
  agora::Json raw = agora::Json::parse(R"({"horizon": 5})");
  agora::apply_override(raw, "env.params.n_bidders=4");
  agora::apply_override(raw, "mechanism.name=second_price");
  CHECK(raw["env"]["params"]["n_bidders"] == 4);
  CHECK(raw["mechanism"]["name"] == "second_price");
  CHECK_THROWS_AS(agora::apply_override(raw, "novalue"), agora::ConfigError);
}
