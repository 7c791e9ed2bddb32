// Parsing JSON that comes from a user — config files, `--set` values, solver files, run
// directories read back by `agora compare` — so that every problem is a ConfigError naming its
// source, never a library exception that surfaces as an internal error:
//   - malformed text: "malformed JSON at line L, column C: <nlohmann's reason>";
//   - a number too large for a double (1e999, or a 400-digit integer; JSON has no infinity and
//     nlohmann reports out_of_range.406 without a position): "number 1e999 at line L, column C
//     is too large for a double". The position is found by a second, SAX pass over the text.
// Lines and columns count from 1, columns in bytes. The position is left out when the number
// is the whole text (a `--set` value such as reserve=1e999).
#pragma once

#include <optional>
#include <string>

#include "core/params.h"

namespace agora {

// ConfigError(source, ...) for malformed JSON or an overflowing number.
Json parse_json(const std::string& text, const std::string& source);

// std::nullopt when `text` is not JSON at all (a `--set` value that is a bare string); still a
// ConfigError(source, ...) when it is JSON with a number too large for a double.
std::optional<Json> try_parse_json(const std::string& text, const std::string& source);

// "line L, column C" of the 0-based byte offset `byte` in `text`.
std::string line_column(const std::string& text, std::size_t byte);

}  // namespace agora
