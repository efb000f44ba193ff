#include "tools/load/sorter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <queue>

#include "tools/load/entry_codec.h"

namespace krill::tools::load {

using common::Bytes;
using common::BytesView;
using common::Status;

namespace {

constexpr size_t kReadBuffer = 512 * 1024;

uint64_t key_prefix(BytesView key) {
  uint64_t p = 0;
  for (size_t i = 0; i < 8; ++i) p = (p << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0);
  return p;
}

int slice_of(uint64_t prefix) { return static_cast<int>(prefix >> 60); }

// Reads entries of one run between two offsets.
class RunCursor {
 public:
  RunCursor(int fd, uint64_t begin, uint64_t end) : fd_(fd), pos_(begin), end_(end) {}

  // Advances to the next entry; false at the end (or on error: see status()).
  bool next() {
    while (true) {
      uint64_t klen = 0, vlen = 0;
      const char* p = buf_.data() + head_;
      const char* e = buf_.data() + tail_;
      size_t a = get_varint(p, e, klen);
      if (a != 0 && static_cast<uint64_t>(e - p) >= a + klen) {
        size_t b = get_varint(p + a + klen, e, vlen);
        if (b != 0 && static_cast<uint64_t>(e - p) >= a + klen + b + vlen) {
          key = BytesView(p + a, klen);
          value = BytesView(p + a + klen + b, vlen);
          head_ += a + klen + b + vlen;
          return true;
        }
      }
      if (pos_ >= end_) {
        if (head_ != tail_) status = Status::error("truncated run file");
        return false;
      }
      if (!refill()) return false;
    }
  }

  BytesView key, value;
  Status status = Status::ok();

 private:
  bool refill() {
    // Keep the partial entry, make room (growing for entries bigger than the buffer).
    size_t left = tail_ - head_;
    if (buf_.size() < kReadBuffer) buf_.resize(kReadBuffer);
    if (left * 2 > buf_.size()) buf_.resize(buf_.size() * 2);
    std::memmove(buf_.data(), buf_.data() + head_, left);
    head_ = 0;
    tail_ = left;
    size_t want = std::min<uint64_t>(buf_.size() - tail_, end_ - pos_);
    ssize_t n = ::pread(fd_, buf_.data() + tail_, want, static_cast<off_t>(pos_));
    if (n <= 0) {
      status = Status::error(std::string("reading a run file: ") +
                             (n < 0 ? std::strerror(errno) : "unexpected end"));
      return false;
    }
    tail_ += static_cast<size_t>(n);
    pos_ += static_cast<uint64_t>(n);
    return true;
  }

  int fd_;
  uint64_t pos_, end_;
  std::vector<char> buf_;
  size_t head_ = 0, tail_ = 0;
};

}  // namespace

ExternalSorter::ExternalSorter(std::string temp_dir, uint64_t memory_bytes)
    : temp_dir_(std::move(temp_dir)), memory_bytes_(std::max<uint64_t>(memory_bytes, 1 << 20)) {}

ExternalSorter::~ExternalSorter() {
  for (const Run& r : runs_) ::unlink(r.path.c_str());
}

Status ExternalSorter::add(BytesView key, BytesView value) {
  const uint64_t need = key.size() + value.size() + 20;
  // Data gets 3/4 of the budget, the index 1/4; offsets are 32-bit.
  const uint64_t data_limit = std::min<uint64_t>(memory_bytes_ / 4 * 3, UINT32_MAX);
  if (!index_.empty() &&
      (buffer_.size() + need > data_limit || (index_.size() + 1) * sizeof(Entry) > memory_bytes_ / 4)) {
    auto st = spill();
    if (!st.is_ok()) return st;
  }
  if (buffer_.capacity() == 0) buffer_.reserve(std::min<uint64_t>(data_limit, 64ull << 20));
  Entry e{key_prefix(key), static_cast<uint32_t>(buffer_.size()), static_cast<uint32_t>(index_.size())};
  append_entry(buffer_, key, value);
  index_.push_back(e);
  ++added_;
  return Status::ok();
}

void ExternalSorter::sort_buffer() {
  const char* base = buffer_.data();
  auto key_at = [base](uint32_t off) {
    uint64_t len = 0;
    size_t a = get_varint(base + off, base + off + 10, len);
    return BytesView(base + off + a, len);
  };
  std::sort(index_.begin(), index_.end(), [&](const Entry& x, const Entry& y) {
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    int c = key_at(x.offset).compare(key_at(y.offset));
    if (c != 0) return c < 0;
    return x.ordinal < y.ordinal;
  });
}

Status ExternalSorter::spill() {
  sort_buffer();
  Run run;
  run.path = temp_dir_ + "/run-" + std::to_string(runs_.size());
  FILE* f = std::fopen(run.path.c_str(), "wb");
  if (f == nullptr) return Status::error("cannot create " + run.path + ": " + std::strerror(errno));
  std::vector<char> iobuf(1 << 20);
  std::setvbuf(f, iobuf.data(), _IOFBF, iobuf.size());
  const char* base = buffer_.data();
  uint64_t offset = 0;
  int next_slice = 0;
  for (size_t i = 0; i < index_.size(); ++i) {
    const Entry& e = index_[i];
    // Of equal keys, only the last added (highest ordinal, sorted last) is kept.
    if (i + 1 < index_.size() && index_[i + 1].prefix == e.prefix) {
      uint64_t l1 = 0, l2 = 0;
      size_t a1 = get_varint(base + e.offset, base + e.offset + 10, l1);
      size_t a2 = get_varint(base + index_[i + 1].offset, base + index_[i + 1].offset + 10, l2);
      if (BytesView(base + e.offset + a1, l1) == BytesView(base + index_[i + 1].offset + a2, l2)) continue;
    }
    while (next_slice <= slice_of(e.prefix)) run.slice_start[next_slice++] = offset;
    uint64_t klen = 0, vlen = 0;
    size_t a = get_varint(base + e.offset, base + e.offset + 10, klen);
    size_t b = get_varint(base + e.offset + a + klen, base + e.offset + a + klen + 10, vlen);
    size_t size = a + klen + b + vlen;
    if (std::fwrite(base + e.offset, 1, size, f) != size) break;
    offset += size;
  }
  while (next_slice <= kSlices) run.slice_start[next_slice++] = offset;
  bool ok = std::ferror(f) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    ::unlink(run.path.c_str());
    return Status::error("writing " + run.path + " failed (disk full?)");
  }
  run.bytes = offset;
  spilled_bytes_ += offset;
  runs_.push_back(std::move(run));
  buffer_.clear();
  index_.clear();
  return Status::ok();
}

Status ExternalSorter::finish() {
  finished_ = true;
  if (!runs_.empty() && !index_.empty()) return spill();
  if (runs_.empty()) sort_buffer();
  return Status::ok();
}

Status ExternalSorter::merge(int part, int parts, const Emit& emit) const {
  if (parts < 1 || kSlices % parts != 0 || part < 0 || part >= parts)
    return Status::error("bad merge part " + std::to_string(part) + "/" + std::to_string(parts));
  const int lo = part * (kSlices / parts), hi = (part + 1) * (kSlices / parts);
  if (runs_.empty()) {
    // Everything fits in memory: the sorted index is the only run.
    const char* base = buffer_.data();
    auto entry_at = [base](const Entry& e, BytesView& key, BytesView& value) {
      uint64_t klen = 0, vlen = 0;
      size_t a = get_varint(base + e.offset, base + e.offset + 10, klen);
      size_t b = get_varint(base + e.offset + a + klen, base + e.offset + a + klen + 10, vlen);
      key = BytesView(base + e.offset + a, klen);
      value = BytesView(base + e.offset + a + klen + b, vlen);
    };
    auto first = std::lower_bound(index_.begin(), index_.end(), lo,
                                  [](const Entry& e, int s) { return slice_of(e.prefix) < s; });
    auto last = std::lower_bound(first, index_.end(), hi,
                                 [](const Entry& e, int s) { return slice_of(e.prefix) < s; });
    for (auto it = first; it != last; ++it) {
      BytesView key, value;
      entry_at(*it, key, value);
      if (it + 1 != last) {
        BytesView k2, v2;
        entry_at(*(it + 1), k2, v2);
        if (k2 == key) continue;  // a later duplicate wins
      }
      auto st = emit(key, value);
      if (!st.is_ok()) return st;
    }
    return Status::ok();
  }
  std::vector<int> fds;
  std::vector<std::unique_ptr<RunCursor>> cursors;
  auto close_all = [&fds] {
    for (int fd : fds) ::close(fd);
  };
  for (const Run& r : runs_) {
    int fd = ::open(r.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      close_all();
      return Status::error("cannot open " + r.path + ": " + std::strerror(errno));
    }
    fds.push_back(fd);
    cursors.push_back(std::make_unique<RunCursor>(fd, r.slice_start[lo], r.slice_start[hi]));
  }
  // Min-heap on (key, run): among equal keys the highest run (the latest input) wins.
  auto greater = [&](int a, int b) {
    int c = cursors[static_cast<size_t>(a)]->key.compare(cursors[static_cast<size_t>(b)]->key);
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<int, std::vector<int>, decltype(greater)> heap(greater);
  Status result = Status::ok();
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i]->next()) heap.push(static_cast<int>(i));
    if (!cursors[i]->status.is_ok()) result = cursors[i]->status;
  }
  Bytes key, value;
  while (result.is_ok() && !heap.empty()) {
    int top = heap.top();
    heap.pop();
    key.assign(cursors[static_cast<size_t>(top)]->key);
    value.assign(cursors[static_cast<size_t>(top)]->value);
    std::vector<int> done{top};
    while (!heap.empty() && cursors[static_cast<size_t>(heap.top())]->key == BytesView(key)) {
      int t = heap.top();
      heap.pop();
      value.assign(cursors[static_cast<size_t>(t)]->value);  // later runs pop later
      done.push_back(t);
    }
    result = emit(key, value);
    for (int d : done) {
      RunCursor& c = *cursors[static_cast<size_t>(d)];
      if (c.next()) heap.push(d);
      if (!c.status.is_ok()) result = c.status;
    }
  }
  close_all();
  return result;
}

}  // namespace krill::tools::load
