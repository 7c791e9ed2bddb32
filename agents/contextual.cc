#include "agents/contextual.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "core/error.h"

namespace agora {

namespace {

Json validate_labels(const Json& value, const std::string& path) {
  if (!value.is_array() || value.empty()) {
    throw ConfigError(path, "expected a non-empty list of observation labels, got " + value.dump());
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      throw ConfigError(index_path(path, i), "expected a label (string), got " + value[i].dump());
    }
    if (!seen.insert(value[i].get<std::string>()).second) {
      throw ConfigError(index_path(path, i), "'" + value[i].get<std::string>() + "' repeats");
    }
  }
  return value;
}

}  // namespace

ParamSpecs observation_feature_params(ObservationFeatures::Scale scale) {
  const std::string range = scale == ObservationFeatures::Scale::kUnit ? "[0, 1]" : "[-1, 1]";
  return {
      param::custom("features", nullptr, "list of observation labels or null",
                    "observation dimensions used as context, by label; null = all",
                    &validate_labels)
          .allow_null(),
      param::boolean("normalize", true,
                     "map each feature with finite observation bounds to " + range +
                         " (unbounded features are used as observed)"),
  };
}

ObservationFeatures::ObservationFeatures(const Json& params, const PolicyContext& ctx, bool bias,
                                         Scale scale)
    : normalize_(params.at("normalize").get<bool>()), bias_(bias) {
  const Space& space = ctx.role->observation_space;
  const Json& features = params.at("features");
  if (features.is_null()) {
    for (int j = 0; j < space.dim(); ++j) columns_.push_back(j);
  } else {
    const std::string path = join_path(join_path(ctx.path, "params"), "features");
    for (std::size_t i = 0; i < features.size(); ++i) {
      const std::string label = features[i].get<std::string>();
      const int column = space.index_of(label);
      if (column < 0) {
        std::string message = "role '" + ctx.role->name + "' has no observation '" + label +
                              "' (observations: " + join_names(space.labels()) + ")";
        const std::string suggestion = closest_match(label, space.labels());
        if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
        throw ConfigError(index_path(path, i), message);
      }
      columns_.push_back(column);
    }
  }
  for (const int column : columns_) {
    labels_.push_back(space.labels()[static_cast<std::size_t>(column)]);
    const double low = space.low()(column);
    const double high = space.high()(column);
    if (normalize_ && std::isfinite(low) && std::isfinite(high) && high > low) {
      const double unit = 1.0 / (high - low);
      if (scale == Scale::kUnit) {
        scale_.push_back(unit);
        shift_.push_back(-low * unit);
      } else {
        scale_.push_back(2.0 * unit);
        shift_.push_back(-2.0 * low * unit - 1.0);
      }
    } else {
      scale_.push_back(1.0);
      shift_.push_back(0.0);
    }
  }
}

std::vector<std::string> ObservationFeatures::names() const {
  std::vector<std::string> out = labels_;
  if (bias_) out.push_back("bias");
  return out;
}

ScalarAction::ScalarAction(const PolicyContext& ctx) {
  const Space& space = ctx.role->action_space;
  const std::string path = join_path(ctx.path, "type");
  const int bid = space.index_of("bid");
  const int shade = space.index_of("shade");
  if (space.kind() != Space::Kind::kBox) {
    throw ConfigError(path, "needs a continuous (Box) action, but role '" + ctx.role->name +
                                "' has actions " + space.describe());
  }
  if (bid >= 0 || shade >= 0) {
    column_ = bid >= 0 ? bid : shade;
  } else if (space.dim() == 1) {
    column_ = 0;
  } else {
    throw ConfigError(path,
                      "needs a one-dimensional action or one labelled 'bid' or 'shade', but "
                      "role '" +
                          ctx.role->name + "' has actions " + space.describe());
  }
  label_ = space.labels()[static_cast<std::size_t>(column_)];
  dim_ = space.dim();
  low_ = space.low()(column_);
  high_ = space.high()(column_);
  if (!std::isfinite(low_) || !std::isfinite(high_) || !(high_ > low_)) {
    std::ostringstream bounds;
    bounds << "[" << low_ << ", " << high_ << "]";
    throw ConfigError(
        path, "needs finite bounds low < high on action '" + label_ + "', got " + bounds.str());
  }
  defaults_.resize(dim_);
  for (int d = 0; d < dim_; ++d) {
    const double low = space.low()(d);
    defaults_(d) = std::clamp(std::isfinite(low) ? low : 0.0, low, space.high()(d));
  }
}

}  // namespace agora
