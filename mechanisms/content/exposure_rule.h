// Exposure allocation rules: how a recommender turns one user's scores over n items into a
// slate of K items (Hron et al. 2023; Ben-Porat & Tennenholtz 2018).
//
// Model. For each user u the recommender has scores x_1..x_n (-inf: item not eligible). A rule
// draws a slate of at most K distinct eligible items in display order. Registered rules
// (parameters: see the registration in each rule's .cc, or `agora describe`):
//   "top_k"            the K highest scores; ties broken uniformly at random
//                      (top_k_exposure.h).
//   "softmax"          Plackett-Luce: K draws without replacement with probability
//                      proportional to exp(x_i / tau) among the items not yet drawn
//                      (sampled by Gumbel-top-K; softmax_exposure.h).
//   "shapley_mediator" Ben-Porat & Tennenholtz (2018): satisfaction levels sigma_i in [0,1]
//                      from the scores, item j shown with probability
//                      sum_{l>=rank(j)} (sigma_(l) - sigma_(l+1)) / l, nothing with
//                      probability 1 - max sigma; a slate of K > 1 is K independent draws,
//                      repeats dropped (shapley_mediator.h documents both choices).
// inclusion_probabilities() is the exact marginal P(item in slate) that counterfactual
// oracles and exposure-game gradients use (softmax with K > 1: a subset recursion for small
// cases, else quadrature with error < 1e-9 at O(n K) per node). Rules are stateless and may
// be shared between threads. Design decisions and costs: docs/content_mechanisms.md.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/params.h"
#include "core/registry.h"
#include "core/rng.h"
#include "mechanisms/mechanism.h"

namespace agora {

// A batch of users' recommender scores over the same items; users x items, row-major floats.
// -infinity marks an item not eligible for that user (never selected).
struct ExposureBatch {
  const float* scores = nullptr;
  int users = 0;
  int items = 0;
  int slate_size = 0;  // K
};

class ExposureRule {
 public:
  virtual ~ExposureRule() = default;
  // slate: resized to users x K; item indices in display order (position 0 first), -1 where
  // fewer than K items are eligible (or the rule shows nothing, e.g. Shapley mediator's
  // "no recommendation"). Uses only `rng` for randomness; allocation-free once warm.
  virtual void select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const = 0;
  // For one user's scores: the probability that each item appears in the slate (marginal
  // inclusion probability), out.size() == scores.size().
  virtual void inclusion_probabilities(std::span<const float> scores, int slate_size,
                                       std::span<double> out) const = 0;
};

using ExposureRuleFactory = std::shared_ptr<const ExposureRule> (*)(const Json& params,
                                                                    const std::string& path);
using ExposureRuleRegistry = Registry<ExposureRuleFactory>;

// Validates params against the registered spec (ConfigError naming path) and builds the rule.
std::shared_ptr<const ExposureRule> make_exposure_rule(const std::string& name, const Json& params,
                                                       const std::string& path);

}  // namespace agora
