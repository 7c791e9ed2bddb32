#include "core/params.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace agora {

const char* param_type_name(ParamType type) {
  switch (type) {
    case ParamType::kBool:
      return "bool";
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "number";
    case ParamType::kString:
      return "string";
    case ParamType::kDoubleList:
      return "list of numbers";
    case ParamType::kObject:
      return "object";
    case ParamType::kCustom:
      return "custom";
  }
  return "?";
}

namespace param {
ParamSpec boolean(std::string name, bool default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kBool;
  s.default_value = default_value;
  s.doc = std::move(doc);
  return s;
}
ParamSpec integer(std::string name, Json default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kInt;
  s.default_value = std::move(default_value);
  s.doc = std::move(doc);
  return s;
}
ParamSpec real(std::string name, Json default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kDouble;
  s.default_value = std::move(default_value);
  s.doc = std::move(doc);
  return s;
}
ParamSpec text(std::string name, Json default_value, std::vector<std::string> choices,
               std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kString;
  s.default_value = std::move(default_value);
  s.choices = std::move(choices);
  s.doc = std::move(doc);
  return s;
}
ParamSpec real_list(std::string name, Json default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kDoubleList;
  s.default_value = std::move(default_value);
  s.doc = std::move(doc);
  return s;
}
ParamSpec object(std::string name, ParamSpecs fields, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kObject;
  s.default_value = Json::object();
  s.fields = std::move(fields);
  s.doc = std::move(doc);
  return s;
}
ParamSpec custom(std::string name, Json default_value, std::string type_doc, std::string doc,
                 CustomValidator validator) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kCustom;
  s.default_value = std::move(default_value);
  s.type_doc = std::move(type_doc);
  s.doc = std::move(doc);
  s.custom = std::move(validator);
  return s;
}
}  // namespace param

std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string json_type_name(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a bool";
  if (value.is_number_integer() || value.is_number_unsigned()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "a list";
  return "an object";
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void check_range(double x, const ParamSpec& spec, const std::string& path) {
  if (!std::isfinite(x))
    throw ConfigError(path, "must be a finite number, got " + format_number(x));
  if (spec.min && x < *spec.min) {
    throw ConfigError(path,
                      "must be at least " + format_number(*spec.min) + ", got " + format_number(x));
  }
  if (spec.max && x > *spec.max) {
    throw ConfigError(path,
                      "must be at most " + format_number(*spec.max) + ", got " + format_number(x));
  }
}

[[noreturn]] void wrong_type(const Json& value, const char* expected, const std::string& path) {
  throw ConfigError(path, std::string("expected ") + expected + ", got " + json_type_name(value) +
                              " (" + value.dump() + ")");
}

}  // namespace

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string format_range(double low, double high) {
  std::ostringstream out;
  out << "[" << low << ", " << high << "]";
  return out.str();
}

Json validate_interval(const Json& value, const std::string& path, double min, double max) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number()) {
    throw ConfigError(path, "expected [low, high], got " + value.dump());
  }
  const double low = value[0].get<double>();
  const double high = value[1].get<double>();
  if (!std::isfinite(low) || !std::isfinite(high) || !(low < high)) {
    throw ConfigError(path, "expected finite low < high, got " + format_range(low, high));
  }
  if (low < min || high > max) {
    throw ConfigError(
        path, "must lie within " + format_range(min, max) + ", got " + format_range(low, high));
  }
  return Json::array({low, high});
}

Json validate_name_list(const Json& value, const std::string& path,
                        const std::vector<std::string>& known, const std::string& what) {
  if (!value.is_array() || value.empty()) {
    throw ConfigError(path, "expected a non-empty list of " + what + "s (" + join_names(known) +
                                "), got " + value.dump());
  }
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string where = index_path(path, i);
    if (!value[i].is_string()) throw ConfigError(where, "expected a name, got " + value[i].dump());
    const auto name = value[i].get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message =
          "unknown " + what + " '" + name + "' (known: " + join_names(known) + ")";
      message += did_you_mean(name, known);
      throw ConfigError(where, message);
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      throw ConfigError(where, "'" + name + "' is listed twice");
    }
    seen.push_back(name);
  }
  return value;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string suggestion = closest_match(word, candidates);
  return suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?";
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  const std::size_t tolerance = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= tolerance ? best : std::string();
}

void reject_unknown_keys(const Json& object, const std::vector<std::string>& allowed,
                         const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key";
    const std::string suggestion = closest_match(key, allowed);
    if (!suggestion.empty()) {
      message += "; did you mean '" + suggestion + "'?";
    } else {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      message += " (valid keys: " + list + ")";
    }
    throw ConfigError(join_path(path, key), message);
  }
}

Json validate_value(const Json& value, const ParamSpec& spec, const std::string& path) {
  if (value.is_null() && spec.nullable) return value;
  switch (spec.type) {
    case ParamType::kBool:
      if (!value.is_boolean()) wrong_type(value, "a bool", path);
      return value;
    case ParamType::kInt: {
      if (value.is_number_float()) {
        const double x = value.get<double>();
        if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) {
          check_range(x, spec, path);
          return Json(static_cast<std::int64_t>(x));
        }
        wrong_type(value, "an integer", path);
      }
      if (!value.is_number_integer()) wrong_type(value, "an integer", path);
      check_range(value.get<double>(), spec, path);
      return value;
    }
    case ParamType::kDouble:
      if (!value.is_number()) wrong_type(value, "a number", path);
      check_range(value.get<double>(), spec, path);
      return Json(value.get<double>());
    case ParamType::kString: {
      if (!value.is_string()) wrong_type(value, "a string", path);
      const auto text = value.get<std::string>();
      if (!spec.choices.empty() &&
          std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        std::string message = "'" + text + "' is not one of: " + list;
        message += did_you_mean(text, spec.choices);
        throw ConfigError(path, message);
      }
      return value;
    }
    case ParamType::kDoubleList: {
      if (!value.is_array()) wrong_type(value, "a list of numbers", path);
      Json out = Json::array();
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_number()) wrong_type(value[i], "a number", index_path(path, i));
        check_range(value[i].get<double>(), spec, index_path(path, i));
        out.push_back(value[i].get<double>());
      }
      return out;
    }
    case ParamType::kObject:
      if (!value.is_object()) wrong_type(value, "an object", path);
      return validate_params(value, spec.fields, path);
    case ParamType::kCustom:
      return spec.custom(value, path);
  }
  return value;
}

Json validate_params(const Json& given, const ParamSpecs& specs, const std::string& path) {
  if (!given.is_null() && !given.is_object()) wrong_type(given, "an object", path);
  const Json object = given.is_null() ? Json::object() : given;
  std::vector<std::string> names;
  names.reserve(specs.size());
  for (const auto& spec : specs) names.push_back(spec.name);
  reject_unknown_keys(object, names, path);

  Json out = Json::object();
  for (const auto& spec : specs) {
    const std::string key_path = join_path(path, spec.name);
    auto it = object.find(spec.name);
    if (it != object.end()) {
      out[spec.name] = validate_value(*it, spec, key_path);
    } else if (spec.type == ParamType::kObject) {
      out[spec.name] = validate_params(Json::object(), spec.fields, key_path);
    } else if (spec.default_value.is_null() && !spec.nullable) {
      throw ConfigError(key_path, "missing required key (" + spec.doc + ")");
    } else if (spec.default_value.is_null()) {
      out[spec.name] = nullptr;
    } else {
      out[spec.name] = validate_value(spec.default_value, spec, key_path);
    }
  }
  return out;
}

Json describe_params(const ParamSpecs& specs) {
  Json out = Json::array();
  for (const auto& spec : specs) {
    Json entry = {
        {"name", spec.name},
        {"type", spec.type == ParamType::kCustom ? spec.type_doc : param_type_name(spec.type)},
        {"doc", spec.doc}};
    if (spec.type == ParamType::kObject) {
      entry["fields"] = describe_params(spec.fields);
    } else {
      entry["default"] =
          spec.default_value.is_null() && !spec.nullable ? Json("(required)") : spec.default_value;
      if (!spec.fields.empty()) entry["fields"] = describe_params(spec.fields);
    }
    if (spec.min || spec.max) {
      auto bound = [&spec](std::optional<double> b, const char* none) {
        if (!b) return Json(none);
        if (spec.type == ParamType::kInt) return Json(static_cast<std::int64_t>(*b));
        return Json(*b);
      };
      entry["range"] = {bound(spec.min, "-inf"), bound(spec.max, "inf")};
    }
    if (!spec.choices.empty()) entry["choices"] = spec.choices;
    out.push_back(entry);
  }
  return out;
}

}  // namespace agora
