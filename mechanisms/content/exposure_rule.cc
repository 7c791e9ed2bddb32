#include "mechanisms/content/exposure_rule.h"

namespace agora {

std::shared_ptr<const ExposureRule> make_exposure_rule(const std::string& name, const Json& params,
                                                       const std::string& path) {
  const auto& entry = ExposureRuleRegistry::instance().get(name, join_path(path, "name"));
  const std::string params_path = join_path(path, "params");
  const Json effective = validate_params(params, entry.info.params, params_path);
  return entry.factory(effective, params_path);
}

}  // namespace agora
