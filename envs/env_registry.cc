#include "envs/env_registry.h"

#include "core/error.h"

namespace agora {

std::unique_ptr<Env> make_env(const std::string& name, const Json& params, const EnvContext& ctx) {
  const auto& entry = EnvRegistry::instance().get(name, join_path(ctx.path, "name"));
  const Json effective = validate_params(params, entry.info.params, join_path(ctx.path, "params"));
  if (entry.factory.needs_mechanism && !ctx.mechanism) {
    throw ConfigError("mechanism", "env '" + name +
                                       "' needs a mechanism; add \"mechanism\": "
                                       "{\"name\": ..., \"params\": {...}}");
  }
  return entry.factory.create(effective, ctx);
}

}  // namespace agora
