// Benchmark: the `content_ecosystem` env at platform scale, on one core.
//   A. The scoring stage (Recommender::score_block): 100,000 users x 10,000 items, d = 16, in
//      blocks of 512 users, MMR off: one float GEMM of inner dimension d + 1 per block with
//      the per-item terms folded in.
//      Reference, in the same process: the plain Eigen float product of the same size, U_block
//      (512 x 16) times C^T (16 x 10,000) into a row-major block. Target: A >= 0.5 x reference.
//   B. One env period through the env API: 100,000 users, 10,000 active creators, slates of
//      K = 20, d = 16, top_k exposure rule, engagement-share payment, creators keep their
//      directions: scoring, slate selection, logit choices, payments, metrics. Target: a few
//      seconds per period. With the argument "softmax" also the same period with the softmax
//      rule (Plackett-Luce sampling by Gumbel-top-K: one Gumbel draw per user and item, so
//      much slower; timed once per repetition).
// The measurements are interleaved (bench/measurement.h): median rates and median per-round
// ratios.
//
// Usage: content_ecosystem_bench [total seconds per measurement, default 14] [softmax]
#include <Eigen/Core>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/measurement.h"
#include "core/rng.h"
#include "envs/content_ecosystem/recommender.h"
#include "envs/env_registry.h"

namespace {

using agora::bench::kRepetitions;
using agora::bench::measure;
using agora::bench::Measurement;
using agora::bench::median;
using agora::bench::median_ratio;

constexpr int kUsers = 100000;
constexpr int kItems = 10000;
constexpr int kDim = 16;
constexpr int kBlock = 512;
constexpr int kSlate = 20;

volatile double sink = 0.0;

agora::Json period_params(const std::string& rule) {
  return {{"n_users", kUsers},
          {"n_creators", kItems},
          {"initial_creators", kItems},
          {"dim", kDim},
          {"n_topics", 16},
          {"slate_size", kSlate},
          {"score_block", kBlock},
          {"arrival_rate", 0.0},
          {"exposure_rule", {{"name", rule}, {"params", agora::Json::object()}}},
          {"payment", {{"name", "engagement_share"}, {"params", agora::Json::object()}}}};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 14.0;
  const double slice = seconds / kRepetitions;
  const bool with_softmax = argc > 2 && std::string(argv[2]) == "softmax";

  agora::FloatRows users = agora::FloatRows::Random(kUsers, kDim);
  agora::FloatRows items = agora::FloatRows::Random(kItems, kDim);
  users.rowwise().normalize();
  items.rowwise().normalize();

  // A. Scoring stage vs the same-size Eigen GEMM.
  agora::RecommenderWeights weights;
  agora::Recommender recommender(weights, kDim, kItems);
  std::vector<float> terms(kItems);
  for (int j = 0; j < kItems; ++j) terms[j] = recommender.item_term(0.5, 0.9, 0.1, true);
  recommender.prepare(items, terms);
  agora::FloatRows scores;
  constexpr int kBlocksPerChunk = 20;
  int next_block = 0;
  Measurement scoring{"scoring (Recommender::score_block)",
                      double(kBlocksPerChunk) * kBlock * kItems, [&] {
                        for (int b = 0; b < kBlocksPerChunk; ++b) {
                          const int first = (next_block++ % (kUsers / kBlock)) * kBlock;
                          recommender.score_block(users, first, kBlock, scores);
                          sink = sink + scores(7, 11);
                        }
                      }};
  const Eigen::MatrixXf items_t = items.transpose();
  agora::FloatRows product(kBlock, kItems);
  int next_gemm = 0;
  Measurement gemm{"reference: Eigen float GEMM", double(kBlocksPerChunk) * kBlock * kItems, [&] {
                     for (int b = 0; b < kBlocksPerChunk; ++b) {
                       const int first = (next_gemm++ % (kUsers / kBlock)) * kBlock;
                       product.noalias() = users.middleRows(first, kBlock) * items_t;
                       sink = sink + product(7, 11);
                     }
                   }};

  // B. One period through the env API.
  agora::EnvContext ctx;
  ctx.horizon = std::int64_t{1} << 40;
  auto top_k = agora::make_env("content_ecosystem", period_params("top_k"), ctx);
  auto softmax = agora::make_env("content_ecosystem", period_params("softmax"), ctx);
  top_k->reset(1);
  if (with_softmax) softmax->reset(1);
  const std::vector<agora::RowBatch> keep = {agora::RowBatch::Zero(kItems, kDim)};
  Measurement period_top_k{"one period, top_k", 1.0,
                           [&] { sink = sink + top_k->step(keep).metrics(0); }};
  Measurement period_softmax{"one period, softmax", 1.0,
                             [&] { sink = sink + softmax->step(keep).metrics(0); }};

  std::vector<Measurement*> all = {&scoring, &gemm, &period_top_k};
  if (with_softmax) all.push_back(&period_softmax);
  for (int rep = 0; rep < kRepetitions; ++rep) {
    for (Measurement* m : all) measure(*m, slice);
  }

  std::printf(
      "content_ecosystem_bench: %d users x %d items, d = %d, blocks of %d, K = %d "
      "(median of %d interleaved repetitions)\n",
      kUsers, kItems, kDim, kBlock, kSlate, kRepetitions);
  std::printf("  %-36s %10.3e scores/s\n", scoring.name.c_str(), median(scoring.rates));
  std::printf("  %-36s %10.3e scores/s\n", gemm.name.c_str(), median(gemm.rates));
  std::printf("  ratio scoring / GEMM                 %10.3f   (target >= 0.5)\n",
              median_ratio(scoring, gemm));
  std::printf("  %-36s %10.3f s per period   (target: a few seconds)\n", period_top_k.name.c_str(),
              1.0 / median(period_top_k.rates));
  if (with_softmax) {
    std::printf("  %-36s %10.3f s per period\n", period_softmax.name.c_str(),
                1.0 / median(period_softmax.rates));
  }
  return 0;
}
