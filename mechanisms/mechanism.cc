#include "mechanisms/mechanism.h"

namespace agora {

std::unique_ptr<Mechanism> make_mechanism(const std::string& name, const Json& params,
                                          const std::string& path) {
  const auto& entry = MechanismRegistry::instance().get(name, join_path(path, "name"));
  const Json effective = validate_params(params, entry.info.params, join_path(path, "params"));
  return entry.factory(effective);
}

}  // namespace agora
