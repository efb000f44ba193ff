#include "tools/load/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace krill::tools::load {

using common::Bytes;
using common::Status;

namespace {

struct Chunk {
  uint64_t seq = 0;
  std::string file;
  uint64_t first_line = 1;
  bool skip_first = false;  // the file's header record
  std::string text;
};

struct Done {
  ChunkResult result;
  std::string error;  // non-empty: the first bad row of the chunk
};

// Shared state between the reader, the workers and the consumer.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Chunk> todo;
  std::map<uint64_t, Done> done;
  size_t max_pending = 4;
  bool reading_done = false;
  uint64_t chunks_read = 0;
  std::string read_error;
  std::atomic<bool> stop{false};
};

void convert_chunk(const PipelineOptions& o, const std::vector<std::string>& names, const FieldParser& parse,
                   const RowEncoder& encode, const Chunk& c, Done& d) {
  CsvParser parser(o.csv, c.text, c.first_line);
  std::vector<CsvField> fields;
  std::vector<std::optional<Bytes>> values;
  bool skip = c.skip_first;
  d.result.bytes = c.text.size();
  while (parser.next(fields)) {
    if (skip) {
      skip = false;
      continue;
    }
    auto where = [&](size_t field) {
      std::string s = c.file + ":" + std::to_string(parser.line()) + ": ";
      if (field > 0) {
        s += "field " + std::to_string(field);
        if (field <= names.size()) s += " (" + names[field - 1] + ")";
        s += ": ";
      }
      return s;
    };
    if (fields.size() != o.expected_fields) {
      d.error = where(0) + "expected " + std::to_string(o.expected_fields) + " fields, got " +
                std::to_string(fields.size());
      return;
    }
    values.assign(fields.size(), std::nullopt);
    size_t i = 0;
    try {
      for (i = 0; i < fields.size(); ++i) {
        if (!fields[i].quoted && fields[i].text == o.null_marker) continue;  // null
        values[i] = parse(i, fields[i].text);
      }
      i = 0;
      encode(values, d.result.out);
    } catch (const std::exception& e) {
      d.error = where(i == fields.size() ? 0 : i + 1) + e.what();
      return;
    }
    ++d.result.rows;
  }
  if (!parser.error().empty()) {
    d.error = c.file + ":" + std::to_string(parser.line()) + ": field " +
              std::to_string(parser.error_field()) + ": malformed CSV: " + parser.error();
  }
}

// Reads every file into chunks of whole records.
void read_files(const PipelineOptions& o, Shared& sh) {
  uint64_t seq = 0;
  auto push = [&](Chunk&& c) {
    std::unique_lock lock(sh.mu);
    sh.cv.wait(lock, [&] { return sh.stop || sh.todo.size() + sh.done.size() < sh.max_pending; });
    if (sh.stop) return false;
    c.seq = seq++;
    sh.todo.push_back(std::move(c));
    ++sh.chunks_read;
    sh.cv.notify_all();
    return true;
  };
  auto fail = [&](std::string msg) {
    std::lock_guard lock(sh.mu);
    sh.read_error = std::move(msg);
  };
  for (const std::string& file : o.files) {
    int fd = file == "-" ? 0 : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fail("cannot open " + file + ": " + std::strerror(errno));
      break;
    }
    ChunkSplitter splitter(o.csv);
    std::string pending;  // bytes after the last record boundary
    uint64_t line = 1;
    bool first = true;
    bool eof = false;
    while (!eof && !sh.stop) {
      size_t scanned = pending.size();
      pending.resize(scanned + o.block_bytes);
      ssize_t n = ::read(fd, pending.data() + scanned, o.block_bytes);
      if (n < 0) {
        if (errno == EINTR) {
          pending.resize(scanned);
          continue;
        }
        fail("reading " + file + ": " + std::strerror(errno));
        sh.stop = true;
        break;
      }
      pending.resize(scanned + static_cast<size_t>(n));
      eof = n == 0;
      // The splitter scans from the start of the pending records each time: a record
      // longer than a block is simply rescanned with the next block appended.
      size_t cut = eof ? pending.size() : splitter.complete_prefix(pending);
      if (cut == 0) continue;
      Chunk c;
      c.file = file;
      c.first_line = line;
      c.skip_first = o.header && first;
      c.text = pending.substr(0, cut);
      line += ChunkSplitter::count_lines(pending, cut);
      pending.erase(0, cut);
      first = false;
      if (!push(std::move(c))) break;
    }
    if (fd != 0) ::close(fd);
    if (!sh.read_error.empty()) break;
  }
  std::lock_guard lock(sh.mu);
  sh.reading_done = true;
  sh.cv.notify_all();
}

}  // namespace

Status run_pipeline(const PipelineOptions& o, const std::vector<std::string>& names, const FieldParser& parse,
                    const RowEncoder& encode, const std::function<Status(ChunkResult&)>& consume) {
  Shared sh;
  const int workers = std::max(1, o.threads);
  sh.max_pending = static_cast<size_t>(workers) * 2 + 1;
  std::thread reader([&] { read_files(o, sh); });
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      while (true) {
        Chunk c;
        {
          std::unique_lock lock(sh.mu);
          sh.cv.wait(lock, [&] { return sh.stop || !sh.todo.empty() || sh.reading_done; });
          if (sh.stop || sh.todo.empty()) return;
          c = std::move(sh.todo.front());
          sh.todo.pop_front();
        }
        Done d;
        convert_chunk(o, names, parse, encode, c, d);
        std::lock_guard lock(sh.mu);
        sh.done.emplace(c.seq, std::move(d));
        sh.cv.notify_all();
      }
    });
  }
  Status result = Status::ok();
  uint64_t next = 0;
  while (true) {
    Done d;
    {
      std::unique_lock lock(sh.mu);
      sh.cv.wait(lock, [&] {
        return sh.done.count(next) || (sh.reading_done && next == sh.chunks_read) || !sh.read_error.empty();
      });
      auto it = sh.done.find(next);
      if (it == sh.done.end()) {
        if (!sh.read_error.empty()) result = Status::error(sh.read_error);
        break;
      }
      d = std::move(it->second);
      sh.done.erase(it);
      sh.cv.notify_all();
    }
    ++next;
    if (!d.error.empty()) {
      result = Status::error(d.error);
      break;
    }
    result = consume(d.result);
    if (!result.is_ok()) break;
  }
  {
    std::lock_guard lock(sh.mu);
    sh.stop = true;
    sh.cv.notify_all();
  }
  reader.join();
  for (auto& t : pool) t.join();
  return result;
}

}  // namespace krill::tools::load
