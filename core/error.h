// Errors. Bad input from a user (config, CLI, files, a policy's NaN action) is a
// ConfigError: the CLI prints one line and exits 2. A broken internal invariant is an
// InvariantError raised by AGORA_CHECK*: the CLI prints both sides and exits 1.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace agora {

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message);
  // `path` names where the problem is: a JSON path such as "env.params.n_bidders",
  // a file name or a CLI option.
  ConfigError(const std::string& path, const std::string& message);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void fail_check(const char* expression, const char* file, int line,
                             const std::string& detail);

}  // namespace agora

#define AGORA_CHECK(condition)                                 \
  do {                                                         \
    if (!(condition)) {                                        \
      ::agora::fail_check(#condition, __FILE__, __LINE__, ""); \
    }                                                          \
  } while (false)

#define AGORA_CHECK_OP(a, op, b)                                                            \
  do {                                                                                      \
    const auto& agora_check_a = (a);                                                        \
    const auto& agora_check_b = (b);                                                        \
    if (!(agora_check_a op agora_check_b)) {                                                \
      std::ostringstream agora_check_detail;                                                \
      agora_check_detail << agora_check_a << " vs " << agora_check_b;                       \
      ::agora::fail_check(#a " " #op " " #b, __FILE__, __LINE__, agora_check_detail.str()); \
    }                                                                                       \
  } while (false)

#define AGORA_CHECK_EQ(a, b) AGORA_CHECK_OP(a, ==, b)
#define AGORA_CHECK_LT(a, b) AGORA_CHECK_OP(a, <, b)
#define AGORA_CHECK_LE(a, b) AGORA_CHECK_OP(a, <=, b)
#define AGORA_CHECK_GE(a, b) AGORA_CHECK_OP(a, >=, b)
