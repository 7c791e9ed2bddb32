// Registries of units (envs, mechanisms, agents). Each unit registers itself from an anonymous
// namespace in its .cc with a name, a one-line summary, its parameter spec and a factory,
// following OpenSpiel's REGISTER_SPIEL_GAME / GameType descriptor. Lookups of unknown names
// throw ConfigError naming the JSON path and suggesting the closest registered name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/params.h"

namespace agora {

struct UnitInfo {
  std::string kind;  // "env", "mechanism", "agent"
  std::string name;
  std::string summary;  // one line
  std::string model;    // a paragraph: the model, its assumptions and citations
  ParamSpecs params;
};

template <typename Factory>
class Registry {
 public:
  struct Entry {
    UnitInfo info;
    Factory factory;
  };

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  bool add(UnitInfo info, Factory factory) {
    const std::string name = info.name;
    AGORA_CHECK(entries_.find(name) == entries_.end());
    entries_.emplace(name, Entry{std::move(info), std::move(factory)});
    return true;
  }

  bool contains(const std::string& name) const { return entries_.count(name) > 0; }

  const Entry& get(const std::string& name, const std::string& path) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string message = "unknown " + kind_name() + " '" + name + "'";
      const std::string suggestion = closest_match(name, names());
      if (!suggestion.empty()) {
        message += "; did you mean '" + suggestion + "'?";
      } else {
        message += " (known: " + joined_names() + ")";
      }
      throw ConfigError(path, message);
    }
    return it->second;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }

  std::vector<UnitInfo> infos() const {
    std::vector<UnitInfo> out;
    for (const auto& [name, entry] : entries_) out.push_back(entry.info);
    return out;
  }

 private:
  std::string kind_name() const {
    return entries_.empty() ? std::string("unit") : entries_.begin()->second.info.kind;
  }
  std::string joined_names() const {
    std::string out;
    for (const auto& [name, entry] : entries_) out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  std::map<std::string, Entry> entries_;
};

}  // namespace agora
