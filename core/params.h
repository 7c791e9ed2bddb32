// Parameter specs and validation. Every unit (env, mechanism, agent) declares its parameters
// once — name, type, default, range, doc — and validate_params() turns the user's JSON into
// the effective parameters: defaults filled in, unknown keys rejected with the closest valid
// name, wrong types and out-of-range values rejected, each error naming the JSON path.
#pragma once

#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace agora {

using Json = nlohmann::json;

enum class ParamType { kBool, kInt, kDouble, kString, kDoubleList, kObject, kCustom };

const char* param_type_name(ParamType type);

struct ParamSpec;
using ParamSpecs = std::vector<ParamSpec>;

// kCustom validators receive the given value and its JSON path and return the effective
// value, or throw ConfigError naming the path.
using CustomValidator = std::function<Json(const Json& value, const std::string& path)>;

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kDouble;
  Json default_value;  // null: the parameter is required
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;  // kString: allowed values (empty: any)
  std::string doc;
  std::string type_doc;    // kCustom: how the value looks, for `agora describe`
  ParamSpecs fields;       // kObject: the nested parameters; kCustom: documented ones, if any
  CustomValidator custom;  // kCustom
  bool nullable = false;   // null is a valid value ("automatic"), kept as null

  ParamSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }
  // A custom parameter whose value, when given, is an object with these parameters: shown by
  // `agora describe` (the validator still decides).
  ParamSpec& document_fields(ParamSpecs nested) {
    fields = std::move(nested);
    return *this;
  }
  ParamSpec& allow_null() {
    nullable = true;
    return *this;
  }
};

namespace param {
ParamSpec boolean(std::string name, bool default_value, std::string doc);
ParamSpec integer(std::string name, Json default_value, std::string doc);
ParamSpec real(std::string name, Json default_value, std::string doc);
ParamSpec text(std::string name, Json default_value, std::vector<std::string> choices,
               std::string doc);
ParamSpec real_list(std::string name, Json default_value, std::string doc);
ParamSpec object(std::string name, ParamSpecs fields, std::string doc);
ParamSpec custom(std::string name, Json default_value, std::string type_doc, std::string doc,
                 CustomValidator validator);
}  // namespace param

// Joins a JSON path and a key: join_path("env.params", "n") == "env.params.n".
std::string join_path(const std::string& path, const std::string& key);
std::string index_path(const std::string& path, std::size_t index);

// Returns `given` (an object, or null meaning {}) with defaults filled in.
Json validate_params(const Json& given, const ParamSpecs& specs, const std::string& path);
// Validates one value against one spec (used for list elements and custom validators).
Json validate_value(const Json& value, const ParamSpec& spec, const std::string& path);

// Throws ConfigError for every key of `object` not in `allowed`, suggesting the closest.
void reject_unknown_keys(const Json& object, const std::vector<std::string>& allowed,
                         const std::string& path);
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" for the closest candidate x, or "" when none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// A non-empty list of distinct names, each one of `known` (`what` names one in messages, e.g.
// "control"); returns it, or throws ConfigError naming the offending element's path.
Json validate_name_list(const Json& value, const std::string& path,
                        const std::vector<std::string>& known, const std::string& what);
// A number as it prints in messages (ostream default formatting).
std::string format_number(double x);
// "a, b, c".
std::string join_names(const std::vector<std::string>& names);
// "[low, high]" as numbers print in messages.
std::string format_range(double low, double high);
// An interval parameter: [low, high] with finite min <= low < high <= max; returns it as a
// two-number array, or throws ConfigError naming `path`.
Json validate_interval(const Json& value, const std::string& path,
                       double min = -std::numeric_limits<double>::infinity(),
                       double max = std::numeric_limits<double>::infinity());
std::string json_type_name(const Json& value);

// A spec rendered for `agora describe` and for docs.
Json describe_params(const ParamSpecs& specs);

}  // namespace agora
