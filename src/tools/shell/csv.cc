// CSV reader and writer (see csv.h).
#include "tools/shell/csv.h"

namespace krill::tools::shell {

bool CsvReader::get(char& c) {
  if (pos_ == end_) {
    if (!in_) return false;
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    end_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (end_ == 0) return false;
  }
  c = buf_[pos_++];
  if (c == '\n') ++line_;
  return true;
}

void CsvReader::unget() {
  --pos_;
  if (buf_[pos_] == '\n') --line_;
}

bool CsvReader::next(std::vector<CsvField>& fields) {
  error_.clear();
  fields.clear();
  char c = 0;
  for (;;) {  // blank lines are skipped
    record_line_ = line_;
    if (!get(c)) return false;
    if (c == '\n') continue;
    if (c == '\r') {
      if (!get(c)) return false;
      if (c == '\n') continue;
    }
    unget();
    break;
  }
  size_t bytes = 0;
  auto fail = [&](const std::string& message) {
    error_ = message;
    while (c != '\n' && get(c)) {
    }
    return false;
  };
  for (;;) {  // one field per iteration
    CsvField& f = fields.emplace_back();
    if (!get(c)) return true;  // an empty last field after a delimiter
    if (c == dialect_.quote) {
      f.quoted = true;
      for (;;) {
        if (!get(c)) {
          error_ = "unterminated quoted field";
          return false;
        }
        if (dialect_.escape != '\0' && c == dialect_.escape && c != dialect_.quote) {
          if (get(c)) f.text.push_back(c);
          continue;
        }
        if (c == dialect_.quote) {
          if (!get(c)) return true;  // closing quote at the end of the input
          if (c == dialect_.quote) {
            f.text.push_back(c);
            continue;
          }
          break;  // closing quote; `c` is the character after it
        }
        f.text.push_back(c);
        if (++bytes > dialect_.max_record_bytes) return fail("record longer than the maximum record size");
      }
      if (c == dialect_.delimiter) continue;
      if (c == '\n') return true;
      if (c == '\r') {
        if (!get(c) || c == '\n') return true;
        unget();
        c = '\r';
      }
      return fail(std::string("unexpected character '") + c + "' after a closing quote");
    }
    for (;;) {  // an unquoted field
      if (c == dialect_.delimiter) break;
      if (c == '\n') return true;
      if (c == '\r') {
        if (!get(c) || c == '\n') return true;
        unget();
        c = '\r';
      }
      f.text.push_back(c);
      if (++bytes > dialect_.max_record_bytes) return fail("record longer than the maximum record size");
      if (!get(c)) return true;
    }
  }
}

void append_csv_field(std::string& out, std::string_view text, const CsvDialect& dialect, bool force_quote) {
  bool quote = force_quote;
  for (char c : text) {
    if (c == dialect.delimiter || c == dialect.quote || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back(dialect.quote);
  for (char c : text) {
    if (c == dialect.quote) out.push_back(dialect.quote);
    out.push_back(c);
  }
  out.push_back(dialect.quote);
}

}  // namespace krill::tools::shell
