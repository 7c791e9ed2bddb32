#include "mechanisms/content/top_k_exposure.h"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace agora {

namespace {

// Fills positions [0, K) of `row` with the top K of `scores`; `order` is scratch.
void top_k_row(const float* scores, int items, int k, std::int32_t* row,
               std::vector<std::int32_t>& order, Rng& rng) {
  order.clear();
  for (int i = 0; i < items; ++i) {
    if (scores[i] > -INFINITY) order.push_back(i);
  }
  const int eligible = static_cast<int>(order.size());
  const int shown = std::min(k, eligible);
  const auto higher = [scores](std::int32_t a, std::int32_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  };
  if (shown < eligible) {
    std::partial_sort(order.begin(), order.begin() + shown, order.end(), higher);
  } else {
    std::sort(order.begin(), order.end(), higher);
  }
  int begin = 0;
  while (begin < shown) {
    const float s = scores[order[begin]];
    int end = begin + 1;
    while (end < shown && scores[order[end]] == s) ++end;
    if (end == shown && shown < eligible) {
      // The tied group at the boundary: gather every item with score s behind it.
      int group_end = end;
      for (int j = shown; j < eligible; ++j) {
        if (scores[order[j]] == s) std::swap(order[j], order[group_end++]);
      }
      end = group_end;
    }
    if (end - begin > 1) {
      const int picks = std::min(end, shown) - begin;
      for (int p = 0; p < picks; ++p) {
        const int j = boost::random::uniform_int_distribution<int>(begin + p, end - 1)(rng);
        std::swap(order[begin + p], order[j]);
      }
    }
    begin = end;
  }
  for (int p = 0; p < k; ++p) row[p] = p < shown ? order[p] : -1;
}

}  // namespace

void TopKExposure::select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const {
  AGORA_CHECK_GE(batch.slate_size, 0);
  slate.resize(batch.users, batch.slate_size);
  thread_local std::vector<std::int32_t> order;
  order.reserve(static_cast<std::size_t>(batch.items));
  for (int u = 0; u < batch.users; ++u) {
    top_k_row(batch.scores + static_cast<std::ptrdiff_t>(u) * batch.items, batch.items,
              batch.slate_size, slate.data() + static_cast<std::ptrdiff_t>(u) * batch.slate_size,
              order, rng);
  }
}

void TopKExposure::inclusion_probabilities(std::span<const float> scores, int slate_size,
                                           std::span<double> out) const {
  AGORA_CHECK_EQ(out.size(), scores.size());
  AGORA_CHECK_GE(slate_size, 0);
  std::fill(out.begin(), out.end(), 0.0);
  int eligible = 0;
  for (float s : scores) eligible += s > -INFINITY;
  if (slate_size == 0 || eligible == 0) return;
  if (eligible <= slate_size) {
    for (std::size_t i = 0; i < scores.size(); ++i) out[i] = scores[i] > -INFINITY ? 1.0 : 0.0;
    return;
  }
  thread_local std::vector<float> sorted;
  sorted.clear();
  for (float s : scores) {
    if (s > -INFINITY) sorted.push_back(s);
  }
  std::nth_element(sorted.begin(), sorted.begin() + (slate_size - 1), sorted.end(),
                   std::greater<>());
  const float kth = sorted[static_cast<std::size_t>(slate_size - 1)];
  int above = 0;
  int tied = 0;
  for (float s : scores) {
    above += s > kth;
    tied += s == kth;
  }
  const double tied_share = static_cast<double>(slate_size - above) / tied;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    out[i] = scores[i] > kth ? 1.0 : (scores[i] == kth ? tied_share : 0.0);
  }
}

namespace {

std::shared_ptr<const ExposureRule> make(const Json& /*params*/, const std::string& /*path*/) {
  return std::make_shared<TopKExposure>();
}

const bool registered = ExposureRuleRegistry::instance().add(
    {"exposure_rule",
     "top_k",
     "The K highest-scoring eligible items, ties ordered uniformly at random.",
     "A ranking recommender: each user sees the K eligible items with the highest scores in "
     "decreasing order; ties are broken uniformly at random (Hron et al. 2023, the tau -> 0 "
     "limit of softmax; Yao et al. 2023).",
     {}},
    &make);

}  // namespace
}  // namespace agora
