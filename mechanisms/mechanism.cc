#include "mechanisms/mechanism.h"

namespace agora {

std::unique_ptr<Mechanism> make_mechanism(const std::string& name, const Json& params,
                                          const std::string& path) {
  const auto& entry = MechanismRegistry::instance().get(name, join_path(path, "name"));
  const Json effective = validate_params(params, entry.info.params, join_path(path, "params"));
  return entry.factory(effective);
}

void Mechanism::deviations(std::span<const double> others_desc, std::span<const double> bids,
                           std::span<const double> ctr, std::span<double> clicks,
                           std::span<double> payments) const {
  for (std::size_t c = 0; c < bids.size(); ++c) {
    const DeviationOutcome outcome = deviation(others_desc, bids[c], ctr);
    clicks[c] = outcome.clicks;
    payments[c] = outcome.payment;
  }
}

}  // namespace agora
