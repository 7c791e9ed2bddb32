#include "core/error.h"

namespace agora {

ConfigError::ConfigError(const std::string& message) : std::runtime_error(message) {}

ConfigError::ConfigError(const std::string& path, const std::string& message)
    : std::runtime_error(path.empty() ? message : path + ": " + message), path_(path) {}

void fail_check(const char* expression, const char* file, int line, const std::string& detail) {
  std::ostringstream out;
  out << "internal check failed at " << file << ":" << line << ": " << expression;
  if (!detail.empty()) out << " (" << detail << ")";
  throw InvariantError(out.str());
}

}  // namespace agora
