#include "agents/policy.h"

namespace agora {

std::unique_ptr<Policy> make_policy(const std::string& name, const Json& params,
                                    const PolicyContext& ctx) {
  const auto& entry = AgentRegistry::instance().get(name, join_path(ctx.path, "type"));
  const Json effective = validate_params(params, entry.info.params, join_path(ctx.path, "params"));
  return entry.factory(effective, ctx);
}

}  // namespace agora
