// The registry of environments. An env registers its UnitInfo (name, summary, model, params)
// and a factory; make_env() validates the params and builds it with the run's context.
#pragma once

#include <memory>
#include <string>

#include "core/registry.h"
#include "envs/env.h"
#include "mechanisms/mechanism.h"

namespace agora {

struct EnvContext {
  std::int64_t horizon = 1;
  std::shared_ptr<const Mechanism> mechanism;  // null when the config names none
  std::string path = "env";                    // JSON path of the env's config, for errors
};

struct EnvFactory {
  std::unique_ptr<Env> (*create)(const Json& params, const EnvContext& ctx) = nullptr;
  bool needs_mechanism = false;
};

using EnvRegistry = Registry<EnvFactory>;

std::unique_ptr<Env> make_env(const std::string& name, const Json& params, const EnvContext& ctx);

}  // namespace agora
