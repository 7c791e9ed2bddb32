#include "core/params.h"

#include <doctest/doctest.h>

#include "core/error.h"

using agora::ConfigError;
using agora::Json;
namespace param = agora::param;

TEST_CASE("validate_params fills defaults and rejects unknown keys with a suggestion") {
  agora::ParamSpecs specs = {param::integer("n_bidders", 2, "bidders").range(1, 100),
                             param::real("reserve", 0.0, "reserve").range(0.0, std::nullopt)};
  const Json out = agora::validate_params(Json::parse(R"({"n_bidders": 5})"), specs, "env.params");
  CHECK(out["n_bidders"] == 5);
  CHECK(out["reserve"] == 0.0);
  try {
    agora::validate_params(Json::parse(R"({"n_bidder": 5})"), specs, "env.params");
    FAIL("expected an error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "env.params.n_bidder: unknown key; did you mean 'n_bidders'?");
  }
  CHECK_THROWS_WITH_AS(agora::validate_params(Json::parse(R"({"n_bidders": "5"})"), specs, "p"),
                       "p.n_bidders: expected an integer, got a string (\"5\")", ConfigError);
  CHECK_THROWS_WITH_AS(agora::validate_params(Json::parse(R"({"n_bidders": 0})"), specs, "p"),
                       "p.n_bidders: must be at least 1, got 0", ConfigError);
  CHECK_THROWS_WITH_AS(agora::validate_params(Json::parse(R"({"reserve": -1})"), specs, "p"),
                       "p.reserve: must be at least 0, got -1", ConfigError);
}

TEST_CASE("string choices and required keys") {
  agora::ParamSpecs specs = {param::text("feedback", "own", {"own", "full"}, "feedback"),
                             param::real("rate", nullptr, "a required rate")};
  CHECK_THROWS_WITH_AS(
      agora::validate_params(Json::parse(R"({"feedback": "ful", "rate": 1})"), specs, "x"),
      "x.feedback: 'ful' is not one of: own, full; did you mean 'full'?", ConfigError);
  CHECK_THROWS_WITH_AS(agora::validate_params(Json::object(), specs, "x"),
                       "x.rate: missing required key (a required rate)", ConfigError);
}
