#include "mechanisms/content/top_k_exposure.h"

#include <Eigen/Core>
#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace agora {

namespace {

struct TopKScratch {
  std::vector<float> best;          // the K best scores seen, decreasing
  std::vector<std::int32_t> above;  // items scoring above the K-th score
  std::vector<std::int32_t> tied;   // items scoring exactly the K-th score
};

constexpr int kBlock = 16;  // scores compared with the running threshold at once
using Block = Eigen::Array<float, kBlock, 1>;

// Puts the items [first, last) in a uniformly random order.
void shuffle_group(std::int32_t* first, std::int32_t* last, Rng& rng) {
  const int n = static_cast<int>(last - first);
  for (int p = 0; p + 1 < n; ++p) {
    const int j = boost::random::uniform_int_distribution<int>(p, n - 1)(rng);
    std::swap(first[p], first[j]);
  }
}

// The K-th highest eligible score (counting ties) and how many eligible items there are, up
// to K: a sorted buffer of the K best scores, touched only by scores above its last one, which
// most blocks of scores are not (one vectorised max per block).
float kth_score(const float* scores, int items, int k, float* best, int& count) {
  float threshold = -INFINITY;
  count = 0;
  const auto visit = [&](float s) {
    if (!(s > threshold)) return;
    int j = count < k ? count++ : k - 1;
    for (; j > 0 && best[j - 1] < s; --j) best[j] = best[j - 1];
    best[j] = s;
    if (count == k) threshold = best[k - 1];
  };
  int i = 0;
  for (; i + kBlock <= items; i += kBlock) {
    if (!(Eigen::Map<const Block>(scores + i).maxCoeff() > threshold)) continue;
    for (int j = i; j < i + kBlock; ++j) visit(scores[j]);
  }
  for (; i < items; ++i) visit(scores[i]);
  return count > 0 ? best[count - 1] : -INFINITY;
}

// Fills positions [0, K) of `row` with the top K of `scores`: the K-th score first, then the
// items above it (sorted, equal scores in random order) and the tied group at the boundary
// competing uniformly for the remaining positions.
void top_k_row(const float* scores, int items, int k, std::int32_t* row, TopKScratch& scratch,
               Rng& rng) {
  int shown = 0;
  const float kth = kth_score(scores, items, k, scratch.best.data(), shown);
  if (shown > 0) {
    scratch.above.clear();
    scratch.tied.clear();
    int i = 0;
    const auto collect = [&](int item) {
      if (scores[item] > kth) {
        scratch.above.push_back(item);
      } else if (scores[item] == kth) {
        scratch.tied.push_back(item);
      }
    };
    for (; i + kBlock <= items; i += kBlock) {
      if (!(Eigen::Map<const Block>(scores + i).maxCoeff() >= kth)) continue;
      for (int j = i; j < i + kBlock; ++j) collect(j);
    }
    for (; i < items; ++i) collect(i);
    std::int32_t* above = scratch.above.data();
    const int n_above = static_cast<int>(scratch.above.size());
    std::sort(above, above + n_above, [scores](std::int32_t a, std::int32_t b) {
      return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    });
    for (int begin = 0; begin < n_above;) {
      int end = begin + 1;
      while (end < n_above && scores[above[end]] == scores[above[begin]]) ++end;
      if (end - begin > 1) shuffle_group(above + begin, above + end, rng);
      begin = end;
    }
    std::copy(above, above + n_above, row);
    std::int32_t* tied = scratch.tied.data();
    const int n_tied = static_cast<int>(scratch.tied.size());
    const int picks = shown - n_above;
    for (int p = 0; p < picks && p + 1 < n_tied; ++p) {
      const int j = boost::random::uniform_int_distribution<int>(p, n_tied - 1)(rng);
      std::swap(tied[p], tied[j]);
    }
    std::copy(tied, tied + picks, row + n_above);
  }
  for (int p = shown; p < k; ++p) row[p] = -1;
}

}  // namespace

void TopKExposure::select(const ExposureBatch& batch, IndexBatch& slate, Rng& rng) const {
  AGORA_CHECK_GE(batch.slate_size, 0);
  slate.resize(batch.users, batch.slate_size);
  thread_local TopKScratch scratch;
  scratch.best.resize(static_cast<std::size_t>(batch.slate_size));
  scratch.above.reserve(static_cast<std::size_t>(batch.slate_size));
  scratch.tied.reserve(static_cast<std::size_t>(batch.items));
  for (int u = 0; u < batch.users; ++u) {
    top_k_row(batch.scores + static_cast<std::ptrdiff_t>(u) * batch.items, batch.items,
              batch.slate_size, slate.data() + static_cast<std::ptrdiff_t>(u) * batch.slate_size,
              scratch, rng);
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
