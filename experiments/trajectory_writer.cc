#include "experiments/trajectory_writer.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/error.h"

namespace agora {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>);
static_assert(std::is_same_v<hsize_t, unsigned long long>);

constexpr std::int64_t kMaxChunkRows = 1024;
constexpr std::int64_t kTargetChunkBytes = std::int64_t{1} << 20;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class ScopedId {
 public:
  ScopedId(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~ScopedId() {
    if (id_ >= 0) close_(id_);
  }
  ScopedId(const ScopedId&) = delete;
  ScopedId& operator=(const ScopedId&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

herr_t keep_innermost(unsigned /*n*/, const H5E_error2_t* error, void* text) {
  if (error->desc != nullptr && error->desc[0] != '\0') {
    *static_cast<std::string*>(text) = error->desc;
  }
  return 0;
}

// The innermost message on the HDF5 error stack (the OS reason when HDF5 quotes one). Read it
// right after the failing call: the next API call clears the stack.
std::string hdf5_error() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &text);
  const std::string marker = "error message = '";
  const auto at = text.find(marker);
  if (at != std::string::npos) {
    const auto begin = at + marker.size();
    return text.substr(begin, text.find('\'', begin) - begin);
  }
  return text.empty() ? "unknown HDF5 error" : text;
}

struct Hdf5Failure {
  std::string what;
  std::string reason;
};

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Hdf5Failure{what, hdf5_error()};
  return id;
}

herr_t check(herr_t status, const std::string& what) {
  if (status < 0) throw Hdf5Failure{what, hdf5_error()};
  return status;
}

ConfigError write_error(const std::string& path, const Hdf5Failure& failure) {
  return ConfigError(path,
                     "cannot write trajectory file (" + failure.what + "): " + failure.reason);
}

void silence_hdf5_errors() {
  static bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

void delete_attribute(hid_t object, const std::string& name) {
  if (check(H5Aexists(object, name.c_str()), "reading attribute " + name) > 0) {
    check(H5Adelete(object, name.c_str()), "replacing attribute " + name);
  }
}

void write_strings(hid_t object, const std::string& name, const std::vector<std::string>& values,
                   bool scalar) {
  const std::string what = "writing attribute " + name;
  delete_attribute(object, name);
  std::vector<const char*> pointers;
  pointers.reserve(values.size() + 1);
  for (const std::string& value : values) pointers.push_back(value.c_str());
  pointers.push_back(nullptr);
  const hsize_t dims[1] = {values.size()};
  ScopedId space(check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), what),
                 H5Sclose);
  ScopedId type(check(H5Tcopy(H5T_C_S1), what), H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), what);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), what);
  ScopedId attribute(
      check(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            what),
      H5Aclose);
  if (!values.empty() || scalar)
    check(H5Awrite(attribute.get(), type.get(), pointers.data()), what);
}

void write_scalar(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                  const void* value) {
  const std::string what = "writing attribute " + name;
  if (check(H5Aexists(object, name.c_str()), what) > 0) {
    ScopedId attribute(check(H5Aopen(object, name.c_str(), H5P_DEFAULT), what), H5Aclose);
    check(H5Awrite(attribute.get(), memory_type, value), what);
    return;
  }
  ScopedId space(check(H5Screate(H5S_SCALAR), what), H5Sclose);
  ScopedId attribute(
      check(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            what),
      H5Aclose);
  check(H5Awrite(attribute.get(), memory_type, value), what);
}

void write_int(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_json_attribute(hid_t object, const std::string& name, const Json& value) {
  delete_attribute(object, name);
  switch (value.type()) {
    case Json::value_t::string:
      return write_strings(object, name, {value.get<std::string>()}, true);
    case Json::value_t::boolean: {
      const std::uint8_t flag = value.get<bool>() ? 1 : 0;
      return write_scalar(object, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, &flag);
    }
    case Json::value_t::number_integer:
      return write_int(object, name, value.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      const auto number = value.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return write_int(object, name, static_cast<std::int64_t>(number));
      }
      return write_scalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &number);
    }
    case Json::value_t::number_float: {
      const double number = value.get<double>();
      return write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &number);
    }
    default:
      return write_strings(object, name, {value.dump()}, true);
  }
}

void check_name(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    fail_check("valid HDF5 link name", __FILE__, __LINE__, std::string(what) + " '" + name + "'");
  }
}

}  // namespace

std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

TrajectoryLayout trajectory_layout(const Env& env, std::int64_t stride, int compression) {
  TrajectoryLayout layout;
  layout.metric_names = env.metric_names();
  for (const RoleSpec& role : env.roles()) {
    layout.roles.push_back(
        {role.name, role.pool_size, role.action_space.dim(), role.action_space.labels(), {}});
  }
  layout.stride = stride;
  layout.horizon = env.horizon();
  layout.compression = compression;
  return layout;
}

TrajectoryWriter::TrajectoryWriter(const std::string& path, const TrajectoryLayout& layout,
                                   const Json& attributes)
    : path_(path),
      stride_(layout.stride),
      horizon_(layout.horizon),
      compression_(layout.compression),
      metric_count_(layout.metric_names.size()) {
  AGORA_CHECK_GE(stride_, 1);
  AGORA_CHECK_GE(horizon_, 1);
  AGORA_CHECK(compression_ >= 0 && compression_ <= 9);
  AGORA_CHECK(attributes.is_object() || attributes.is_null());
  AGORA_CHECK(!attributes.contains("complete"));
  for (const std::string& name : layout.metric_names) check_name(name, "metric");

  std::int64_t max_row_bytes = 8;
  for (const TrajectoryLayout::Role& role : layout.roles) {
    check_name(role.name, "role");
    AGORA_CHECK_GE(role.pool_size, 1);
    AGORA_CHECK_GE(role.action_dim, 0);
    max_row_bytes = std::max<std::int64_t>(
        max_row_bytes, std::int64_t{8} * role.pool_size * std::max(role.action_dim, 1));
  }
  const std::int64_t expected_rows = (horizon_ + stride_ - 1) / stride_;
  chunk_rows_ = std::max<std::int64_t>(
      1, std::min({kMaxChunkRows, kTargetChunkBytes / max_row_bytes, expected_rows}));

  const auto rows = static_cast<std::size_t>(chunk_rows_);
  step_rows_.assign(rows, 0);
  metric_rows_.assign(rows * metric_count_, kNaN);
  metric_sum_ = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(metric_count_));
  metric_count_in_window_ = Eigen::ArrayXi::Zero(static_cast<Eigen::Index>(metric_count_));
  roles_.resize(layout.roles.size());
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    const TrajectoryLayout::Role& spec = layout.roles[r];
    RoleLog& role = roles_[r];
    role.pool_size = spec.pool_size;
    role.action_dim = spec.action_dim;
    role.reward_sum = Eigen::ArrayXd::Zero(spec.pool_size);
    role.action_sum = RowBatch::Zero(spec.pool_size, spec.action_dim);
    role.action_count = Eigen::ArrayXi::Zero(spec.pool_size);
    role.active = BoolArray::Constant(spec.pool_size, false);
    const auto pool = static_cast<std::size_t>(spec.pool_size);
    role.reward_rows.assign(rows * pool, kNaN);
    role.action_rows.assign(rows * pool * static_cast<std::size_t>(spec.action_dim), kNaN);
    role.active_rows.assign(rows * pool, 0);
    role.series_now = Eigen::ArrayXXd::Constant(
        spec.pool_size, static_cast<Eigen::Index>(spec.series.size()), kNaN);
    role.series_rows.assign(spec.series.size(), std::vector<double>(rows * pool, kNaN));
    for (const std::string& name : spec.series) check_name(name, "series");
  }

  std::lock_guard<std::mutex> lock(hdf5_mutex());
  silence_hdf5_errors();
  try {
    const std::string what = "creating the file";
    ScopedId fcpl(check(H5Pcreate(H5P_FILE_CREATE), what), H5Pclose);
    ScopedId fapl(check(H5Pcreate(H5P_FILE_ACCESS), what), H5Pclose);
    check(H5Pset_obj_track_times(fcpl.get(), 0), what);
    check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), what);
    file_ = check(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), what);
  } catch (const Hdf5Failure& failure) {
    throw ConfigError(path_, "cannot create trajectory file: " + failure.reason);
  }
  try {
    const std::uint8_t incomplete = 0;
    write_scalar(file_, "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &incomplete);
    write_int(file_, "schema_version", kTrajectorySchemaVersion);
    write_int(file_, "stride", stride_);
    write_int(file_, "horizon", horizon_);
    write_int(file_, "steps_completed", 0);
    if (attributes.is_object()) {
      for (const auto& [key, value] : attributes.items()) write_json_attribute(file_, key, value);
    }
    create_datasets(layout);
    check(H5Fflush(file_, H5F_SCOPE_LOCAL), "flushing");
  } catch (const Hdf5Failure& failure) {
    close_all();
    throw write_error(path_, failure);
  } catch (...) {
    close_all();
    throw;
  }
}

void TrajectoryWriter::create_datasets(const TrajectoryLayout& layout) {
  ScopedId gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "creating groups"), H5Pclose);
  check(H5Pset_obj_track_times(gcpl.get(), 0), "creating groups");
  const auto make_group = [&](hid_t parent, const std::string& name) {
    const hid_t group =
        check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
              "creating group " + name);
    groups_.push_back(group);
    return group;
  };
  const std::int64_t zero = 0;
  const std::uint8_t zero_byte = 0;
  add_dataset(file_, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, {}, &zero, step_rows_.data());

  const hid_t metrics = make_group(file_, "metrics");
  write_strings(metrics, "names", layout.metric_names, false);
  for (std::size_t m = 0; m < metric_count_; ++m) {
    add_dataset(metrics, layout.metric_names[m], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, &kNaN,
                metric_rows_.data() + m * static_cast<std::size_t>(chunk_rows_));
  }

  const hid_t agents = make_group(file_, "agents");
  std::vector<std::string> role_names;
  for (const TrajectoryLayout::Role& role : layout.roles) role_names.push_back(role.name);
  write_strings(agents, "roles", role_names, false);
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    const TrajectoryLayout::Role& spec = layout.roles[r];
    RoleLog& role = roles_[r];
    const auto pool = static_cast<hsize_t>(spec.pool_size);
    const hid_t group = make_group(agents, spec.name);
    add_dataset(group, "reward", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {pool}, &kNaN,
                role.reward_rows.data());
    if (spec.action_dim > 0) {
      add_dataset(group, "action", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                  {pool, static_cast<hsize_t>(spec.action_dim)}, &kNaN, role.action_rows.data());
      write_strings(datasets_.back().id, "labels", spec.action_labels, false);
    }
    add_dataset(group, "active", H5T_STD_U8LE, H5T_NATIVE_UINT8, {pool}, &zero_byte,
                role.active_rows.data());
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
      add_dataset(group, spec.series[k], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {pool}, &kNaN,
                  role.series_rows[k].data());
    }
  }
}

void TrajectoryWriter::add_dataset(Hid group, const std::string& name, Hid file_type,
                                   Hid memory_type, std::vector<unsigned long long> row_shape,
                                   const void* fill, const void* buffer) {
  std::vector<hsize_t> dims = {0};
  std::vector<hsize_t> max_dims = {H5S_UNLIMITED};
  std::vector<hsize_t> chunk = {static_cast<hsize_t>(chunk_rows_)};
  for (hsize_t extent : row_shape) {
    dims.push_back(extent);
    max_dims.push_back(extent);
    chunk.push_back(extent);
  }
  const int rank = static_cast<int>(dims.size());
  const std::string what = "creating dataset " + name;
  ScopedId space(check(H5Screate_simple(rank, dims.data(), max_dims.data()), what), H5Sclose);
  ScopedId dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what), H5Pclose);
  ScopedId dapl(check(H5Pcreate(H5P_DATASET_ACCESS), what), H5Pclose);
  check(H5Pset_chunk(dcpl.get(), rank, chunk.data()), what);
  check(H5Pset_obj_track_times(dcpl.get(), 0), what);
  check(H5Pset_fill_value(dcpl.get(), memory_type, fill), what);
  check(
      H5Pset_chunk_cache(dapl.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
      what);
  if (compression_ > 0) {
    if (check(H5Zfilter_avail(H5Z_FILTER_DEFLATE), what) <= 0) {
      throw Hdf5Failure{what, "this HDF5 library has no deflate filter"};
    }
    check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(compression_)), what);
  }
  const hid_t id = check(
      H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), dapl.get()),
      what);
  datasets_.push_back({id, memory_type, std::move(row_shape), buffer});
}

void TrajectoryWriter::begin(const StepResult& initial) {
  AGORA_CHECK(!begun_);
  begun_ = true;
  if (roles_.empty()) return;
  AGORA_CHECK_EQ(initial.roles.size(), roles_.size());
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    AGORA_CHECK_EQ(initial.roles[r].active.size(), roles_[r].active.size());
    roles_[r].active = initial.roles[r].active;
  }
}

void TrajectoryWriter::append(std::int64_t step, const StepResult& result,
                              const std::vector<RowBatch>& actions) {
  AGORA_CHECK(begun_ && !finished_);
  AGORA_CHECK_EQ(step, steps_ + 1);
  AGORA_CHECK_LE(step, horizon_);
  AGORA_CHECK_EQ(result.metrics.size(), metric_sum_.size());
  for (Eigen::Index m = 0; m < metric_sum_.size(); ++m) {
    const double x = result.metrics(m);
    if (std::isnan(x)) continue;
    metric_sum_(m) += x;
    ++metric_count_in_window_(m);
  }
  if (!roles_.empty()) {
    AGORA_CHECK_EQ(result.roles.size(), roles_.size());
    AGORA_CHECK_EQ(actions.size(), roles_.size());
  }
  for (std::size_t r = 0; r < roles_.size(); ++r) {
    RoleLog& role = roles_[r];
    const RoleState& state = result.roles[r];
    AGORA_CHECK_EQ(state.rewards.size(), role.reward_sum.size());
    AGORA_CHECK_EQ(state.active.size(), role.active.size());
    role.reward_sum += state.rewards;
    if (role.action_dim > 0) {
      AGORA_CHECK_EQ(actions[r].rows(), role.pool_size);
      AGORA_CHECK_EQ(actions[r].cols(), role.action_dim);
      for (int i = 0; i < role.pool_size; ++i) {
        if (!role.active(i)) continue;
        role.action_sum.row(i) += actions[r].row(i);
        ++role.action_count(i);
      }
    }
    role.active = state.active;
  }
  steps_ = step;
  ++window_steps_;
  if (step % stride_ == 0 || step == horizon_) end_window();
}

void TrajectoryWriter::record_series(std::size_t role, std::size_t series,
                                     const Eigen::ArrayXd& values) {
  AGORA_CHECK_LT(role, roles_.size());
  RoleLog& log = roles_[role];
  AGORA_CHECK_LT(series, log.series_rows.size());
  AGORA_CHECK_EQ(values.size(), log.pool_size);
  log.series_now.col(static_cast<Eigen::Index>(series)) = values;
}

void TrajectoryWriter::end_window() {
  const auto row = static_cast<std::size_t>(buffered_rows_);
  const auto chunk = static_cast<std::size_t>(chunk_rows_);
  step_rows_[row] = steps_;
  for (std::size_t m = 0; m < metric_count_; ++m) {
    const auto i = static_cast<Eigen::Index>(m);
    const int count = metric_count_in_window_(i);
    metric_rows_[m * chunk + row] = count > 0 ? metric_sum_(i) / count : kNaN;
  }
  metric_sum_.setZero();
  metric_count_in_window_.setZero();
  const auto window = static_cast<double>(window_steps_);
  for (RoleLog& role : roles_) {
    const auto pool = static_cast<std::size_t>(role.pool_size);
    const auto dim = static_cast<std::size_t>(role.action_dim);
    for (std::size_t i = 0; i < pool; ++i) {
      const auto agent = static_cast<Eigen::Index>(i);
      role.reward_rows[row * pool + i] = role.reward_sum(agent) / window;
      role.active_rows[row * pool + i] = role.active(agent) ? 1 : 0;
      for (std::size_t k = 0; k < role.series_rows.size(); ++k) {
        role.series_rows[k][row * pool + i] = role.series_now(agent, static_cast<Eigen::Index>(k));
      }
      const int count = role.action_count(agent);
      for (std::size_t d = 0; d < dim; ++d) {
        role.action_rows[(row * pool + i) * dim + d] =
            count > 0 ? role.action_sum(agent, static_cast<Eigen::Index>(d)) / count : kNaN;
      }
    }
    role.reward_sum.setZero();
    role.action_sum.setZero();
    role.action_count.setZero();
  }
  window_steps_ = 0;
  if (++buffered_rows_ == chunk_rows_) write_rows();
}

void TrajectoryWriter::write_rows() {
  const auto rows = static_cast<hsize_t>(buffered_rows_);
  const auto first = static_cast<hsize_t>(rows_written_);
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  try {
    const std::string what = "writing rows";
    for (const Dataset& dataset : datasets_) {
      std::vector<hsize_t> extent = {first + rows};
      std::vector<hsize_t> start = {first};
      std::vector<hsize_t> count = {rows};
      for (hsize_t dim : dataset.row_shape) {
        extent.push_back(dim);
        start.push_back(0);
        count.push_back(dim);
      }
      const int rank = static_cast<int>(extent.size());
      check(H5Dset_extent(dataset.id, extent.data()), what);
      ScopedId file_space(check(H5Dget_space(dataset.id), what), H5Sclose);
      ScopedId memory_space(check(H5Screate_simple(rank, count.data(), nullptr), what), H5Sclose);
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                count.data(), nullptr),
            what);
      check(H5Dwrite(dataset.id, dataset.memory_type, memory_space.get(), file_space.get(),
                     H5P_DEFAULT, dataset.buffer),
            what);
    }
    check(H5Fflush(file_, H5F_SCOPE_LOCAL), "flushing");
  } catch (const Hdf5Failure& failure) {
    throw write_error(path_, failure);
  }
  rows_written_ += buffered_rows_;
  buffered_rows_ = 0;
}

void TrajectoryWriter::finish(bool complete, const Json& extra_attributes) {
  AGORA_CHECK(!finished_);
  AGORA_CHECK(extra_attributes.is_object() || extra_attributes.is_null());
  AGORA_CHECK(!extra_attributes.contains("complete"));
  finished_ = true;
  if (window_steps_ > 0) end_window();
  if (buffered_rows_ > 0) write_rows();
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  try {
    write_int(file_, "steps_completed", steps_);
    if (extra_attributes.is_object()) {
      for (const auto& [key, value] : extra_attributes.items()) {
        write_json_attribute(file_, key, value);
      }
    }
    check(H5Fflush(file_, H5F_SCOPE_LOCAL), "flushing");
    const std::uint8_t flag = complete ? 1 : 0;
    write_scalar(file_, "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &flag);
  } catch (const Hdf5Failure& failure) {
    throw write_error(path_, failure);
  }
  if (!close_all()) throw write_error(path_, {"closing", hdf5_error()});
}

TrajectoryWriter::~TrajectoryWriter() {
  if (!finished_ && file_ >= 0) {
    try {
      finish(false);
    } catch (...) {
    }
  }
  if (file_ >= 0) {
    std::lock_guard<std::mutex> lock(hdf5_mutex());
    close_all();
  }
}

bool TrajectoryWriter::close_all() {
  for (Dataset& dataset : datasets_) {
    if (dataset.id >= 0) H5Dclose(dataset.id);
    dataset.id = -1;
  }
  for (hid_t& group : groups_) {
    if (group >= 0) H5Gclose(group);
    group = -1;
  }
  bool ok = true;
  if (file_ >= 0) {
    ok = H5Fclose(file_) >= 0;
    file_ = -1;
  }
  return ok;
}

}  // namespace agora
