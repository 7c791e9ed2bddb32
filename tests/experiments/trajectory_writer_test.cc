#include "experiments/trajectory_writer.h"

#include <doctest/doctest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace fs = std::filesystem;
using agora::Json;
using agora::RowBatch;
using agora::StepResult;
using agora::TrajectoryLayout;
using agora::TrajectoryWriter;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

fs::path temp_dir() {
  const fs::path dir =
      fs::temp_directory_path() / ("agora_trajectory_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// --- Reading back with the HDF5 C API -------------------------------------------------------

class Reader {
 public:
  explicit Reader(const fs::path& path) {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  ~Reader() {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    if (id_ >= 0) H5Fclose(id_);
  }
  bool ok() const { return id_ >= 0; }

  std::vector<hsize_t> shape(const std::string& name) const {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    const hid_t dataset = H5Dopen2(id_, name.c_str(), H5P_DEFAULT);
    REQUIRE(dataset >= 0);
    const hid_t space = H5Dget_space(dataset);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    H5Sclose(space);
    H5Dclose(dataset);
    return dims;
  }

  bool exists(const std::string& name) const {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    return H5Lexists(id_, name.c_str(), H5P_DEFAULT) > 0;
  }

  template <typename T>
  std::vector<T> read(const std::string& name, hid_t memory_type) const {
    std::size_t size = 1;
    for (hsize_t d : shape(name)) size *= d;
    std::vector<T> out(size);
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    const hid_t dataset = H5Dopen2(id_, name.c_str(), H5P_DEFAULT);
    if (size > 0)
      REQUIRE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0);
    H5Dclose(dataset);
    return out;
  }
  std::vector<double> doubles(const std::string& name) const {
    return read<double>(name, H5T_NATIVE_DOUBLE);
  }
  std::vector<std::int64_t> ints(const std::string& name) const {
    return read<std::int64_t>(name, H5T_NATIVE_INT64);
  }
  std::vector<std::uint8_t> bytes(const std::string& name) const {
    return read<std::uint8_t>(name, H5T_NATIVE_UINT8);
  }

  // H5T_class_t of the attribute's type.
  int attribute_class(const std::string& object, const std::string& name) const {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    const hid_t attribute =
        H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(attribute >= 0);
    const hid_t type = H5Aget_type(attribute);
    const int type_class = H5Tget_class(type);
    H5Tclose(type);
    H5Aclose(attribute);
    return type_class;
  }

  template <typename T>
  T scalar(const std::string& name, hid_t memory_type) const {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    const hid_t attribute = H5Aopen(id_, name.c_str(), H5P_DEFAULT);
    REQUIRE(attribute >= 0);
    T value{};
    REQUIRE(H5Aread(attribute, memory_type, &value) >= 0);
    H5Aclose(attribute);
    return value;
  }
  std::int64_t int_attribute(const std::string& name) const {
    return scalar<std::int64_t>(name, H5T_NATIVE_INT64);
  }
  int complete() const { return scalar<std::uint8_t>("complete", H5T_NATIVE_UINT8); }

  std::vector<std::string> strings(const std::string& object, const std::string& name) const {
    std::lock_guard<std::mutex> lock(agora::hdf5_mutex());
    const hid_t attribute =
        H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(attribute >= 0);
    const hid_t space = H5Aget_space(attribute);
    const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    std::vector<char*> pointers(count, nullptr);
    if (count > 0) REQUIRE(H5Aread(attribute, type, pointers.data()) >= 0);
    std::vector<std::string> out(pointers.begin(), pointers.end());
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
    H5Tclose(type);
    H5Sclose(space);
    H5Aclose(attribute);
    return out;
  }
  std::string string_attribute(const std::string& name) const { return strings("/", name)[0]; }

 private:
  hid_t id_ = -1;
};

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// --- A scripted env trajectory -----------------------------------------------------------------
//
// Role "bidder", pool 3, actions (bid, shade): agent 0 always active; agent 1 enters after
// step 2 (acts from step 3); agent 2 leaves in step 5 (acts in steps 1..5). Agent i's action in
// step t is (10 i + t, -t), NaN when inactive; its reward i + t. Role "platform", pool 1, one
// action dimension, reward -t. Metrics: revenue = t, price = t on even steps, NaN on odd ones.

TrajectoryLayout scripted_layout(std::int64_t stride, std::int64_t horizon) {
  TrajectoryLayout layout;
  layout.metric_names = {"revenue", "price"};
  layout.roles = {{"bidder", 3, 2, {"bid", "shade"}, {}}, {"platform", 1, 1, {"reserve"}, {}}};
  layout.stride = stride;
  layout.horizon = horizon;
  return layout;
}

class ScriptedRun {
 public:
  ScriptedRun() {
    result_.roles.resize(2);
    for (int r = 0; r < 2; ++r) {
      const int pool = r == 0 ? 3 : 1;
      agora::RoleState& role = result_.roles[static_cast<std::size_t>(r)];
      role.rewards = Eigen::ArrayXd::Zero(pool);
      role.active = agora::BoolArray::Constant(pool, true);
      role.terminated = agora::BoolArray::Constant(pool, false);
      role.truncated = agora::BoolArray::Constant(pool, false);
    }
    result_.roles[0].active(1) = false;
    result_.metrics = Eigen::ArrayXd::Zero(2);
    actions_ = {RowBatch::Zero(3, 2), RowBatch::Zero(1, 1)};
  }

  const StepResult& initial() const { return result_; }

  // Fills the actions for step t from the current active flags, then the result of step t.
  const StepResult& step(std::int64_t t) {
    const double time = static_cast<double>(t);
    for (int i = 0; i < 3; ++i) {
      const bool acts = result_.roles[0].active(i);
      actions_[0](i, 0) = acts ? 10.0 * i + time : kNaN;
      actions_[0](i, 1) = acts ? -time : kNaN;
    }
    actions_[1](0, 0) = time / 2.0;
    for (int i = 0; i < 3; ++i) result_.roles[0].rewards(i) = i + time;
    result_.roles[1].rewards(0) = -time;
    if (t == 2) result_.roles[0].active(1) = true;
    result_.roles[0].terminated(2) = t == 5;
    if (t == 5) result_.roles[0].active(2) = false;
    result_.metrics(0) = time;
    result_.metrics(1) = t % 2 == 0 ? time : kNaN;
    return result_;
  }

  const std::vector<RowBatch>& actions() const { return actions_; }

 private:
  StepResult result_;
  std::vector<RowBatch> actions_;
};

Json scripted_attributes() {
  return Json{{"config", Json{{"env", {{"name", "auction"}, {"n", 3}}}, {"horizon", 10}}},
              {"agora_version", "0.1.0"},
              {"seed", std::uint64_t{18446744073709551557ULL}},
              {"cell", 3},
              {"ratio", 0.25},
              {"flag", true}};
}

void write_scripted(const fs::path& path, std::int64_t stride, std::int64_t horizon,
                    std::int64_t steps, bool finish, int compression = 0) {
  TrajectoryLayout layout = scripted_layout(stride, horizon);
  layout.compression = compression;
  TrajectoryWriter writer(path.string(), layout, scripted_attributes());
  ScriptedRun run;
  writer.begin(run.initial());
  for (std::int64_t t = 1; t <= steps; ++t) writer.append(t, run.step(t), run.actions());
  if (finish) {
    writer.finish(steps == horizon, {{"strategies", {{"bidder", {1.5, 2.5}}}}});
  }
}

// Per-step metrics only, `value(t)` = t + offset, for long runs.
void write_ramp(const fs::path& path, std::int64_t horizon, std::int64_t steps, double offset,
                bool finish) {
  TrajectoryLayout layout;
  layout.metric_names = {"x"};
  layout.stride = 1;
  layout.horizon = horizon;
  TrajectoryWriter writer(path.string(), layout, Json{{"seed", 1}});
  StepResult result;
  result.metrics = Eigen::ArrayXd::Zero(1);
  writer.begin(result);
  for (std::int64_t t = 1; t <= steps; ++t) {
    result.metrics(0) = static_cast<double>(t) + offset;
    writer.append(t, result, {});
  }
  if (finish) writer.finish(steps == horizon);
}

}  // namespace

TEST_CASE("window means, shapes and attributes with stride 4 over 10 steps") {
  const fs::path path = temp_dir() / "scripted.h5";
  write_scripted(path, 4, 10, 10, true);
  Reader file(path);
  REQUIRE(file.ok());

  CHECK(file.complete() == 1);
  CHECK(file.int_attribute("schema_version") == 1);
  CHECK(file.int_attribute("stride") == 4);
  CHECK(file.int_attribute("horizon") == 10);
  CHECK(file.int_attribute("steps_completed") == 10);
  CHECK(file.int_attribute("cell") == 3);
  CHECK(file.scalar<std::uint64_t>("seed", H5T_NATIVE_UINT64) == 18446744073709551557ULL);
  CHECK(file.scalar<double>("ratio", H5T_NATIVE_DOUBLE) == 0.25);
  CHECK(file.scalar<std::uint8_t>("flag", H5T_NATIVE_UINT8) == 1);
  CHECK(file.string_attribute("agora_version") == "0.1.0");
  CHECK(Json::parse(file.string_attribute("config")) == scripted_attributes()["config"]);
  CHECK(Json::parse(file.string_attribute("strategies"))["bidder"][1] == 2.5);
  CHECK(file.attribute_class("/", "config") == H5T_STRING);

  CHECK(file.ints("/step") == std::vector<std::int64_t>{4, 8, 10});
  CHECK(file.strings("/metrics", "names") == std::vector<std::string>{"revenue", "price"});
  CHECK(file.doubles("/metrics/revenue") == std::vector<double>{2.5, 6.5, 9.5});
  CHECK(file.doubles("/metrics/price") == std::vector<double>{3.0, 7.0, 10.0});

  CHECK(file.strings("/agents", "roles") == std::vector<std::string>{"bidder", "platform"});
  CHECK(file.shape("/agents/bidder/reward") == std::vector<hsize_t>{3, 3});
  CHECK(file.shape("/agents/bidder/action") == std::vector<hsize_t>{3, 3, 2});
  CHECK(file.shape("/agents/bidder/active") == std::vector<hsize_t>{3, 3});
  CHECK(file.shape("/agents/platform/action") == std::vector<hsize_t>{3, 1, 1});
  CHECK(file.strings("/agents/bidder/action", "labels") ==
        std::vector<std::string>{"bid", "shade"});

  // reward(i) = i + mean(t over the window).
  CHECK(file.doubles("/agents/bidder/reward") ==
        std::vector<double>{2.5, 3.5, 4.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5});
  CHECK(file.doubles("/agents/platform/reward") == std::vector<double>{-2.5, -6.5, -9.5});
  const std::vector<double> action = file.doubles("/agents/bidder/action");
  const std::vector<double> expected = {
      2.5, -2.5, 13.5, -3.5, 22.5, -2.5,   // steps 1-4; agent 1 acted in 3, 4
      6.5, -6.5, 16.5, -6.5, 25.0, -5.0,   // steps 5-8; agent 2 acted in 5 only
      9.5, -9.5, 19.5, -9.5, kNaN, kNaN};  // steps 9-10; agent 2 gone
  REQUIRE(action.size() == expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO("element " << k);
    if (std::isnan(expected[k])) {
      CHECK(std::isnan(action[k]));
    } else {
      CHECK(action[k] == doctest::Approx(expected[k]));
    }
  }
  CHECK(file.bytes("/agents/bidder/active") ==
        std::vector<std::uint8_t>{1, 1, 1, 1, 1, 0, 1, 1, 0});
  CHECK(file.doubles("/agents/platform/action") == std::vector<double>{1.25, 3.25, 4.75});
}

TEST_CASE("stride 1 logs every step; long runs span many chunks") {
  const fs::path path = temp_dir() / "ramp.h5";
  write_ramp(path, 5000, 5000, 0.0, true);
  Reader file(path);
  REQUIRE(file.ok());
  CHECK(file.complete() == 1);
  const std::vector<std::int64_t> steps = file.ints("/step");
  const std::vector<double> x = file.doubles("/metrics/x");
  REQUIRE(steps.size() == 5000);
  REQUIRE(x.size() == 5000);
  bool all = true;
  for (std::size_t k = 0; k < 5000; ++k) {
    all = all && steps[k] == static_cast<std::int64_t>(k + 1) && x[k] == static_cast<double>(k + 1);
  }
  CHECK(all);
  CHECK(file.strings("/agents", "roles").empty());
}

TEST_CASE("chunk size is bounded by rows, bytes and the horizon") {
  const fs::path dir = temp_dir();
  TrajectoryLayout layout;
  layout.metric_names = {"x"};
  layout.horizon = 1000000;
  layout.stride = 1;
  CHECK(TrajectoryWriter((dir / "c1.h5").string(), layout, {}).chunk_rows() == 1024);
  layout.horizon = 10;
  layout.stride = 3;
  CHECK(TrajectoryWriter((dir / "c2.h5").string(), layout, {}).chunk_rows() == 4);
  layout.horizon = 1000000;
  layout.roles = {{"user", 100000, 4, {"a", "b", "c", "d"}, {}}};
  CHECK(TrajectoryWriter((dir / "c3.h5").string(), layout, {}).chunk_rows() == 1);
}

TEST_CASE("stride beyond the horizon gives one row at the horizon") {
  const fs::path path = temp_dir() / "one_row.h5";
  write_scripted(path, 100, 10, 10, true);
  Reader file(path);
  CHECK(file.ints("/step") == std::vector<std::int64_t>{10});
  CHECK(file.doubles("/metrics/revenue") == std::vector<double>{5.5});
}

TEST_CASE("finish(false) keeps complete = 0 and writes the partial window") {
  const fs::path path = temp_dir() / "stopped.h5";
  write_scripted(path, 4, 10, 6, true);
  Reader file(path);
  REQUIRE(file.ok());
  CHECK(file.complete() == 0);
  CHECK(file.int_attribute("steps_completed") == 6);
  CHECK(file.ints("/step") == std::vector<std::int64_t>{4, 6});
  CHECK(file.doubles("/metrics/revenue") == std::vector<double>{2.5, 5.5});
  CHECK(file.exists("/agents/bidder/action"));
}

TEST_CASE("a writer destroyed without finish() leaves a readable file with complete = 0") {
  const fs::path path = temp_dir() / "abandoned.h5";
  write_ramp(path, 5000, 2500, 0.0, false);
  Reader file(path);
  REQUIRE(file.ok());
  CHECK(file.complete() == 0);
  CHECK(file.int_attribute("steps_completed") == 2500);
  const std::vector<double> x = file.doubles("/metrics/x");
  REQUIRE(x.size() == 2500);
  CHECK(x.back() == 2500.0);
}

TEST_CASE("a process killed mid-run leaves a readable file with the flushed rows") {
  const fs::path path = temp_dir() / "killed.h5";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      TrajectoryLayout layout;
      layout.metric_names = {"x"};
      layout.horizon = 5000;
      TrajectoryWriter writer(path.string(), layout, {});
      StepResult result;
      result.metrics = Eigen::ArrayXd::Zero(1);
      writer.begin(result);
      for (std::int64_t t = 1; t <= 2100; ++t) {
        result.metrics(0) = static_cast<double>(t);
        writer.append(t, result, {});
      }
      ::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  Reader file(path);
  REQUIRE(file.ok());
  CHECK(file.complete() == 0);
  const std::vector<double> x = file.doubles("/metrics/x");
  CHECK(x.size() == 2048);  // two chunks of 1024 rows were flushed
  CHECK(x.back() == 2048.0);
}

TEST_CASE("identical runs give byte-identical files, alone or interleaved with other writers") {
  const fs::path dir = temp_dir();
  write_scripted(dir / "a.h5", 4, 10, 10, true);
  write_scripted(dir / "b.h5", 4, 10, 10, true);
  const std::string a = file_bytes(dir / "a.h5");
  CHECK(!a.empty());
  CHECK(a == file_bytes(dir / "b.h5"));
  CHECK(std::system(
            ("cmp -s " + (dir / "a.h5").string() + " " + (dir / "b.h5").string()).c_str()) == 0);

  write_ramp(dir / "ramp_alone.h5", 20000, 20000, 0.5, true);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&dir, k] {
      write_ramp(dir / ("ramp_" + std::to_string(k) + ".h5"), 20000, 20000, k == 0 ? 0.5 : k, true);
      write_scripted(dir / ("scripted_" + std::to_string(k) + ".h5"), 4, 10, 10, true);
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(file_bytes(dir / "ramp_0.h5") == file_bytes(dir / "ramp_alone.h5"));
  CHECK(file_bytes(dir / "ramp_1.h5") != file_bytes(dir / "ramp_alone.h5"));
  for (int k = 0; k < 4; ++k) {
    CHECK(file_bytes(dir / ("scripted_" + std::to_string(k) + ".h5")) == a);
  }
}

TEST_CASE("compressed files read back the same values") {
  const fs::path dir = temp_dir();
  write_scripted(dir / "plain.h5", 2, 10, 10, true);
  write_scripted(dir / "deflate.h5", 2, 10, 10, true, 6);
  Reader plain(dir / "plain.h5");
  Reader deflate(dir / "deflate.h5");
  CHECK(deflate.doubles("/metrics/revenue") == plain.doubles("/metrics/revenue"));
  CHECK(deflate.bytes("/agents/bidder/active") == plain.bytes("/agents/bidder/active"));
  const std::vector<double> a = plain.doubles("/agents/bidder/action");
  const std::vector<double> b = deflate.doubles("/agents/bidder/action");
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    CHECK((a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k]))));
  }
}

TEST_CASE("an unwritable path is a ConfigError naming the path and the reason") {
  const std::string path = "/nonexistent-agora-dir/run.h5";
  try {
    TrajectoryWriter writer(path, scripted_layout(1, 10), {});
    FAIL("expected a ConfigError");
  } catch (const agora::ConfigError& e) {
    CHECK(e.path() == path);
    CHECK(std::string(e.what()) ==
          path + ": cannot create trajectory file: No such file or directory");
  }
}

TEST_CASE("misuse is an internal error") {
  const fs::path path = temp_dir() / "misuse.h5";
  TrajectoryWriter writer(path.string(), scripted_layout(1, 3), {});
  ScriptedRun run;
  CHECK_THROWS_AS(writer.append(1, run.step(1), run.actions()), agora::InvariantError);
  writer.begin(run.initial());
  CHECK_THROWS_AS(writer.append(2, run.step(1), run.actions()), agora::InvariantError);
  CHECK_THROWS_AS(TrajectoryWriter(path.string(), scripted_layout(1, 3), {{"complete", 1}}),
                  agora::InvariantError);
  TrajectoryLayout bad = scripted_layout(1, 3);
  bad.metric_names.push_back("a/b");
  CHECK_THROWS_AS(TrajectoryWriter((temp_dir() / "bad.h5").string(), bad, {}),
                  agora::InvariantError);
}

// __FILE__ is relative to the build directory, the parent of the test executable's folder.
fs::path source_file(const fs::path& relative) {
  if (relative.is_absolute() || fs::exists(relative)) return relative;
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / relative;
}

TEST_CASE("h5py reads the file (tests/experiments/read_hdf5.py)") {
  if (std::system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") != 0) {
    MESSAGE("skipped: needs /usr/bin/python3 with h5py");
    return;
  }
  const fs::path script = source_file(fs::path(__FILE__).parent_path() / "read_hdf5.py");
  REQUIRE(fs::exists(script));
  const fs::path dir = temp_dir();
  write_scripted(dir / "h5py_complete.h5", 4, 10, 10, true);
  write_scripted(dir / "h5py_stopped.h5", 4, 10, 6, false);
  const std::string python = "/usr/bin/python3 " + script.string() + " ";
  CHECK(std::system((python + (dir / "h5py_complete.h5").string() +
                     " --expect-complete --expect-rows 3 >/dev/null")
                        .c_str()) == 0);
  CHECK(std::system((python + (dir / "h5py_stopped.h5").string() +
                     " --expect-incomplete --expect-rows 2 >/dev/null")
                        .c_str()) == 0);
}

TEST_CASE("cleanup") {
  if (std::getenv("AGORA_KEEP_TEST_FILES") == nullptr) fs::remove_all(temp_dir());
}
