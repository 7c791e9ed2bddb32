// User-supplied JSON (core/json_input.h): malformed text and numbers too large for a double are
// ConfigErrors naming the source and, unless the number is the whole text, its line and column
// (1-based; columns count bytes). Positions below are counted by hand in the comments.
#include "core/json_input.h"

#include <doctest/doctest.h>

#include <string>

#include "core/error.h"

namespace agora {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json(text, "config.json");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "config.json");
    return e.what();
  }
  FAIL("expected a ConfigError");
  return "";
}

TEST_CASE("json_input: well-formed text parses, large but finite numbers included") {
  CHECK(parse_json(R"({"a": [1, 2.5]})", "f") == Json::parse(R"({"a": [1, 2.5]})"));
  CHECK(parse_json("1.7e308", "f").get<double>() == 1.7e308);
  CHECK(parse_json("1e-999", "f").get<double>() == 0.0);  // underflow is not an error
  CHECK(try_parse_json("[1, 2]", "f") == Json::array({1, 2}));
}

TEST_CASE("json_input: a number too large for a double is located") {
  // Line 3 is `  "mechanism": {"reserve": 1e999}`: two spaces, "mechanism" in columns 3-13,
  // ':' 14, ' ' 15, '{' 16, "reserve" 17-25, ':' 26, ' ' 27, so the number starts at column 28.
  const std::string text = "{\n  \"horizon\": 10,\n  \"mechanism\": {\"reserve\": 1e999}\n}";
  CHECK(error_of(text) ==
        "config.json: number 1e999 at line 3, column 28 is too large for a double (largest about "
        "1.8e308)");
  // Negative, upper-case exponent, inside a list: '[' 1, '1' 2, ',' 3, ' ' 4, '-' 5.
  CHECK(error_of("[1, -2E+400]").find("number -2E+400 at line 1, column 5 is too large") !=
        std::string::npos);
  // An integer literal with 400 digits overflows too; the message shortens it.
  const std::string huge = "{\"x\": 1" + std::string(400, '0') + "}";
  CHECK(error_of(huge).find("number 10000000000000000000... at line 1, column 7 is too large") !=
        std::string::npos);
}

TEST_CASE("json_input: a bare number has no position; try_parse_json keeps the overflow") {
  CHECK(error_of(" 1e999\n") ==
        "config.json: number 1e999 is too large for a double (largest about 1.8e308)");
  try {
    try_parse_json("1e999", "--set mechanism.params.reserve");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "--set mechanism.params.reserve");
    CHECK(std::string(e.what()).find("number 1e999 is too large for a double") !=
          std::string::npos);
  }
  // Text that is not JSON at all is no error for try_parse_json (a bare string value).
  CHECK_FALSE(try_parse_json("second_price", "--set x").has_value());
}

TEST_CASE("json_input: malformed text reports line and column") {
  // `{"a": 1,,}`: the second ',' (column 9) is where the parser fails.
  CHECK(error_of("{\"a\": 1,,}").find("malformed JSON at line 1, column 9:") != std::string::npos);
  CHECK(line_column("ab\ncd", 4) == "line 2, column 2");
  CHECK(line_column("ab\ncd", 0) == "line 1, column 1");
}

}  // namespace
}  // namespace agora
