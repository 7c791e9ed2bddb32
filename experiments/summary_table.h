// The comparison table printed after a run: one row per sweep cell, one column per metric,
// each entry the mean over seeds of the runs' tail means (converged behaviour) with its 95%
// t interval half-width; below each cell, what theory predicts where the env knows it.
#pragma once

#include <string>
#include <vector>

#include "core/params.h"

namespace agora {

std::string format_summary_table(const Json& summary, const std::vector<std::string>& metrics);

}  // namespace agora
