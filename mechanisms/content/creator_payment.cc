#include "mechanisms/content/creator_payment.h"

namespace agora {

std::shared_ptr<const CreatorPayment> make_creator_payment(const std::string& name,
                                                           const Json& params,
                                                           const std::string& path) {
  const auto& entry = CreatorPaymentRegistry::instance().get(name, join_path(path, "name"));
  const std::string params_path = join_path(path, "params");
  const Json effective = validate_params(params, entry.info.params, params_path);
  return entry.factory(effective, params_path);
}

}  // namespace agora
