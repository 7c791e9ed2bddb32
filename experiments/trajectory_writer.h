// Trajectory log: one HDF5 file per run, streamed in fixed-size chunks, so memory does not grow
// with the horizon. Schema version 1 (docs/hdf5_schema.md has the full description):
//
//   /                      attributes: complete (uint8, 0 until finish(true) writes 1, last),
//                          schema_version, stride, horizon, steps_completed, and the caller's
//                          (config as JSON text, agora_version, seed, cell, ...)
//   /step                  int64   [rows]                    last env step of each window
//   /metrics/<metric>      float64 [rows]                    window mean of the per-step metric
//   /agents/<role>/reward  float64 [rows, pool]              window mean of the reward per step
//   /agents/<role>/action  float64 [rows, pool, action_dim]  window mean over steps it acted
//   /agents/<role>/active  uint8   [rows, pool]              active at the end of the window
//   /agents/<role>/<series> float64 [rows, pool]             a per-agent quantity the caller
//                                                            tracks (e.g. external_regret), its
//                                                            value at the end of the window
//
// A window is `stride` consecutive steps ending at a multiple of the stride or at the horizon;
// a run that stops early ends with a partial window. Metric means skip NaN steps; a mean with
// no values (an agent that never acted, a metric never defined) is NaN. Rows are buffered and
// written one chunk at a time, then the file is flushed: a run killed between chunks leaves a
// readable file holding every flushed row, with complete = 0. Files are byte-identical for the
// same layout, attributes and data (no timestamps), whatever else the process is doing.
//
// Threads: Debian's HDF5 is not thread-safe, so every HDF5 call in the process, here or in any
// other unit, must hold hdf5_mutex(). Writers of different files may run on different threads;
// one writer is used by one thread. The lock is only taken when a chunk is written.
//
// Signals: a signal handler must not call HDF5; it sets a flag, the run loop stops and calls
// finish(false, ...) (or lets the writer be destroyed), which leaves complete = 0.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/params.h"
#include "envs/env.h"

namespace agora {

inline constexpr int kTrajectorySchemaVersion = 1;

// The process-wide lock around the HDF5 library.
std::mutex& hdf5_mutex();

struct TrajectoryLayout {
  struct Role {
    std::string name;
    int pool_size = 0;
    int action_dim = 0;  // 0: no /action dataset
    std::vector<std::string> action_labels;
    std::vector<std::string> series;  // per-agent datasets recorded with record_series()
  };
  std::vector<std::string> metric_names;
  std::vector<Role> roles;  // empty: no per-agent arrays
  std::int64_t stride = 1;
  std::int64_t horizon = 0;
  int compression = 0;  // deflate level 0 (none) to 9, with the shuffle filter
};

// The layout of `env`'s metrics and roles, logged every `stride` steps.
TrajectoryLayout trajectory_layout(const Env& env, std::int64_t stride, int compression = 0);

class TrajectoryWriter {
 public:
  // Creates (truncates) `path` and writes the datasets, complete = 0 and the attributes: each
  // key of the `attributes` object becomes a root attribute (string -> UTF-8 string, integer
  // -> int64 (uint64 above its range), real -> float64, bool -> uint8, anything else -> its
  // JSON text). Throws ConfigError(path, "cannot create trajectory file: <reason>").
  TrajectoryWriter(const std::string& path, const TrajectoryLayout& layout, const Json& attributes);
  // Without finish(): writes what was logged, steps_completed and complete = 0, never throws.
  ~TrajectoryWriter();
  TrajectoryWriter(const TrajectoryWriter&) = delete;
  TrajectoryWriter& operator=(const TrajectoryWriter&) = delete;

  // The state after env.reset(): records which agents act in step 1.
  void begin(const StepResult& initial);
  // After each env step: `step` is env.steps_taken() (1, 2, ...), `result` what step()
  // returned and `actions` the actions it was given (those of inactive agents are ignored).
  void append(std::int64_t step, const StepResult& result, const std::vector<RowBatch>& actions);
  // The current value (pool entries) of the layout's series `series` of role `role`: rows take
  // the last value recorded before their window ends (NaN until one is).
  void record_series(std::size_t role, std::size_t series, const Eigen::ArrayXd& values);
  // Writes the rows left (a partial window too), steps_completed, `extra_attributes` (as in the
  // constructor; existing keys are replaced), flushes, writes `complete` last and closes.
  // Throws ConfigError(path, "cannot write trajectory file: <reason>") on an I/O error.
  void finish(bool complete, const Json& extra_attributes = Json::object());

  const std::string& path() const { return path_; }
  std::int64_t steps() const { return steps_; }
  std::int64_t rows_written() const { return rows_written_; }
  std::int64_t chunk_rows() const { return chunk_rows_; }

 private:
  using Hid = std::int64_t;  // hid_t
  struct Dataset {
    Hid id = -1;
    Hid memory_type = -1;
    std::vector<unsigned long long> row_shape;  // dims after the first (hsize_t)
    const void* buffer = nullptr;
  };
  struct RoleLog {
    int pool_size = 0;
    int action_dim = 0;
    Eigen::ArrayXd reward_sum;
    RowBatch action_sum;
    Eigen::ArrayXi action_count;
    BoolArray active;            // after the last step, i.e. acts in the next one
    Eigen::ArrayXXd series_now;  // pool x series
    std::vector<std::vector<double>> series_rows;
    std::vector<double> reward_rows;
    std::vector<double> action_rows;
    std::vector<std::uint8_t> active_rows;
  };

  void create_datasets(const TrajectoryLayout& layout);
  void add_dataset(Hid group, const std::string& name, Hid file_type, Hid memory_type,
                   std::vector<unsigned long long> row_shape, const void* fill, const void* buffer);
  void end_window();
  void write_rows();
  bool close_all();  // false when closing the file failed

  std::string path_;
  std::int64_t stride_;
  std::int64_t horizon_;
  int compression_;
  std::int64_t chunk_rows_ = 1;
  std::size_t metric_count_ = 0;

  Hid file_ = -1;
  std::vector<Hid> groups_;
  std::vector<Dataset> datasets_;

  std::vector<std::int64_t> step_rows_;
  std::vector<double> metric_rows_;  // metric-major: metric * chunk_rows + row
  Eigen::ArrayXd metric_sum_;
  Eigen::ArrayXi metric_count_in_window_;
  std::vector<RoleLog> roles_;

  std::int64_t steps_ = 0;
  std::int64_t window_steps_ = 0;
  std::int64_t buffered_rows_ = 0;
  std::int64_t rows_written_ = 0;
  bool begun_ = false;
  bool finished_ = false;
};

}  // namespace agora
