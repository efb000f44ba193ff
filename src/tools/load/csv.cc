#include "tools/load/csv.h"

#include <algorithm>
#include <cstring>

namespace krill::tools::load {

size_t ChunkSplitter::complete_prefix(std::string_view data) {
  // Inside quotes, a line break is data. A doubled quote flips the state twice, so the
  // parity of quote characters since the record's start is all that matters.
  bool in_quotes = false;
  size_t last = 0;
  const char q = options_.quote;
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == q) {
      in_quotes = !in_quotes;
    } else if (c == '\n' && !in_quotes) {
      last = i + 1;
    }
  }
  return last;
}

uint64_t ChunkSplitter::count_lines(std::string_view data, size_t n) {
  return static_cast<uint64_t>(std::count(data.data(), data.data() + n, '\n'));
}

CsvParser::CsvParser(CsvOptions options, std::string_view chunk, uint64_t first_line)
    : options_(options), data_(chunk), line_(first_line) {}

bool CsvParser::next(std::vector<CsvField>& fields) {
  fields.clear();
  scratch_.clear();
  error_.clear();
  error_field_ = 0;
  const char d = options_.delimiter, q = options_.quote;
  // Skip blank lines.
  while (pos_ < data_.size() && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= data_.size()) return false;
  record_line_ = line_;
  struct Span {
    size_t start, size;
    bool quoted;
  };
  std::vector<Span> spans;
  auto fail = [&](std::string msg) {
    error_ = std::move(msg);
    error_field_ = spans.size() + 1;
    return false;
  };
  while (true) {
    if (pos_ < data_.size() && data_[pos_] == q) {
      // Quoted field: copy into scratch, undoubling quotes.
      size_t start = scratch_.size();
      ++pos_;
      while (true) {
        if (pos_ >= data_.size()) return fail("unterminated quoted field");
        const char* p = static_cast<const char*>(std::memchr(data_.data() + pos_, q, data_.size() - pos_));
        size_t end = p ? static_cast<size_t>(p - data_.data()) : data_.size();
        std::string_view piece = data_.substr(pos_, end - pos_);
        line_ += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
        scratch_.append(piece);
        pos_ = end;
        if (pos_ >= data_.size()) return fail("unterminated quoted field");
        ++pos_;  // the quote
        if (pos_ < data_.size() && data_[pos_] == q) {
          scratch_.push_back(q);
          ++pos_;
          continue;
        }
        break;
      }
      spans.push_back({start, scratch_.size() - start, true});
      if (pos_ < data_.size() && data_[pos_] == '\r') ++pos_;
      if (pos_ >= data_.size() || data_[pos_] == '\n') break;
      if (data_[pos_] != d)
        return fail(std::string("unexpected character '") + data_[pos_] + "' after a closing quote");
      ++pos_;
      continue;
    }
    // Bare field: up to the delimiter or the end of the line.
    size_t start = pos_;
    while (pos_ < data_.size() && data_[pos_] != d && data_[pos_] != '\n') {
      if (data_[pos_] == q) return fail("quote character inside an unquoted field");
      ++pos_;
    }
    size_t end = pos_;
    if ((pos_ >= data_.size() || data_[pos_] == '\n') && end > start && data_[end - 1] == '\r') --end;
    spans.push_back({start, end - start, false});
    if (pos_ >= data_.size() || data_[pos_] == '\n') break;
    ++pos_;  // delimiter
  }
  if (pos_ < data_.size() && data_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  fields.reserve(spans.size());
  for (const Span& s : spans) {
    std::string_view text =
        s.quoted ? std::string_view(scratch_).substr(s.start, s.size) : data_.substr(s.start, s.size);
    fields.push_back(CsvField{text, s.quoted});
  }
  return true;
}

}  // namespace krill::tools::load
