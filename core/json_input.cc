#include "core/json_input.h"

#include "core/error.h"

namespace agora {

namespace {

// Accepts everything and remembers where parsing stopped: the SAX events of nlohmann's parser
// carry the position that its out_of_range exception lacks.
class ErrorLocator : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception&) override {
    found = true;
    end = position;
    token = last_token;
    return false;
  }

  bool found = false;
  std::size_t end = 0;  // bytes read, up to and including the offending token
  std::string token;
};

std::string trimmed(const std::string& text) {
  const char* space = " \t\r\n";
  const std::size_t first = text.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

[[noreturn]] void throw_overflow(const std::string& text, const std::string& source) {
  ErrorLocator locator;
  Json::sax_parse(text, &locator);
  if (!locator.found || locator.token.empty() || locator.end < locator.token.size()) {
    throw ConfigError(source, "a number is too large for a double (JSON has no infinity)");
  }
  std::string where;
  if (trimmed(text) != locator.token) {
    where = " at " + line_column(text, locator.end - locator.token.size());
  }
  const std::string number =
      locator.token.size() <= 24 ? locator.token : locator.token.substr(0, 20) + "...";
  throw ConfigError(
      source, "number " + number + where + " is too large for a double (largest about 1.8e308)");
}

std::string malformed_message(const std::string& text, const Json::parse_error& e) {
  const std::string what = e.what();
  const std::size_t detail = what.find("parse error");
  const std::size_t colon = what.find(": ", detail == std::string::npos ? 0 : detail);
  const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
  const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
  return "malformed JSON at " + line_column(text, at) + ": " + reason;
}

}  // namespace

std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Json parse_json(const std::string& text, const std::string& source) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw ConfigError(source, malformed_message(text, e));
  } catch (const Json::out_of_range&) {
    throw_overflow(text, source);
  }
}

std::optional<Json> try_parse_json(const std::string& text, const std::string& source) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error&) {
    return std::nullopt;
  } catch (const Json::out_of_range&) {
    throw_overflow(text, source);
  }
}

}  // namespace agora
