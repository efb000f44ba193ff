// Raw-terminal line editing and history (see line_editor.h).
#include "tools/shell/line_editor.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <vector>

#include "tools/shell/format.h"

namespace krill::tools::shell {

namespace {

// Raw mode for the lifetime of the object; restores the previous settings.
class RawMode {
 public:
  explicit RawMode(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_cflag |= CS8;
    raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(fd_, TCSANOW, &raw) == 0;  // TCSANOW keeps typed-ahead input
  }
  ~RawMode() {
    if (active_) tcsetattr(fd_, TCSANOW, &saved_);
  }
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t prev_char(const std::string& s, size_t pos) {
  if (pos == 0) return 0;
  --pos;
  while (pos > 0 && is_continuation(s[pos])) --pos;
  return pos;
}

size_t next_char(const std::string& s, size_t pos) {
  if (pos >= s.size()) return s.size();
  ++pos;
  while (pos < s.size() && is_continuation(s[pos])) ++pos;
  return pos;
}

}  // namespace

History::History(std::string path, size_t max_entries)
    : path_(std::move(path)), max_entries_(max_entries == 0 ? 1 : max_entries) {}

void History::load() {
  if (path_.empty()) return;
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) add(line);
}

void History::add(const std::string& line) {
  if (line.find_first_not_of(" \t\r\n") == std::string::npos) return;
  if (!entries_.empty() && entries_.back() == line) return;
  entries_.push_back(line);
  while (entries_.size() > max_entries_) entries_.pop_front();
}

bool History::save() const {
  if (path_.empty()) return false;
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    for (const auto& e : entries_) out << e << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path_.c_str()) == 0;
}

void LineEditor::write(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(out_, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

int LineEditor::read_byte() {
  for (;;) {
    unsigned char c = 0;
    const ssize_t n = ::read(in_, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return -1;
  }
}

int LineEditor::terminal_columns() const {
  winsize ws{};
  if (ioctl(out_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void LineEditor::refresh(const std::string& prompt, const std::string& line, size_t cursor) {
  const size_t columns = static_cast<size_t>(terminal_columns());
  const size_t prompt_width = display_width(prompt);
  const size_t avail = columns > prompt_width + 2 ? columns - prompt_width - 1 : 1;
  // Scroll so the cursor stays visible: drop characters from the left as needed.
  size_t start = 0;
  while (display_width(std::string_view(line).substr(start, cursor - start)) > avail) {
    start = next_char(line, start);
  }
  size_t end = start;
  while (end < line.size() &&
         display_width(std::string_view(line).substr(start, next_char(line, end) - start)) <= avail) {
    end = next_char(line, end);
  }
  std::string out = "\r" + prompt + line.substr(start, end - start) + "\x1b[K\r";
  const size_t cursor_col =
      prompt_width + display_width(std::string_view(line).substr(start, cursor - start));
  if (cursor_col > 0) out += "\x1b[" + std::to_string(cursor_col) + "C";
  write(out);
}

LineEditor::Result LineEditor::read_line(const std::string& prompt, std::string& line) {
  RawMode raw(in_);
  line.clear();
  size_t cursor = 0;
  size_t history_index = history_.entries().size();
  std::string scratch;  // the line being typed while browsing the history
  refresh(prompt, line, cursor);
  auto recall = [&](size_t index) {
    if (history_index == history_.entries().size()) scratch = line;
    history_index = index;
    line = index == history_.entries().size() ? scratch : history_.entries()[index];
    cursor = line.size();
  };
  for (;;) {
    const int c = read_byte();
    if (c < 0) {
      write("\r\n");
      return Result::kEof;
    }
    switch (c) {
      case '\r':
      case '\n':
        refresh(prompt, line, line.size());
        write("\r\n");
        return Result::kLine;
      case 3:  // Ctrl-C
        write("^C\r\n");
        line.clear();
        return Result::kInterrupted;
      case 4:  // Ctrl-D
        if (line.empty()) {
          write("\r\n");
          return Result::kEof;
        }
        if (cursor < line.size()) line.erase(cursor, next_char(line, cursor) - cursor);
        break;
      case 1:  // Ctrl-A
        cursor = 0;
        break;
      case 5:  // Ctrl-E
        cursor = line.size();
        break;
      case 2:  // Ctrl-B
        cursor = prev_char(line, cursor);
        break;
      case 6:  // Ctrl-F
        cursor = next_char(line, cursor);
        break;
      case 8:
      case 127:  // Backspace
        if (cursor > 0) {
          const size_t p = prev_char(line, cursor);
          line.erase(p, cursor - p);
          cursor = p;
        }
        break;
      case 11:  // Ctrl-K
        line.erase(cursor);
        break;
      case 21:  // Ctrl-U
        line.erase(0, cursor);
        cursor = 0;
        break;
      case 23: {  // Ctrl-W
        size_t p = cursor;
        while (p > 0 && line[p - 1] == ' ') --p;
        while (p > 0 && line[p - 1] != ' ') --p;
        line.erase(p, cursor - p);
        cursor = p;
        break;
      }
      case 12:  // Ctrl-L
        write("\x1b[H\x1b[2J");
        break;
      case 16:  // Ctrl-P
        if (history_index > 0) recall(history_index - 1);
        break;
      case 14:  // Ctrl-N
        if (history_index < history_.entries().size()) recall(history_index + 1);
        break;
      case 27: {  // escape sequences
        const int a = read_byte();
        if (a != '[' && a != 'O') break;
        int b = read_byte();
        std::string params;
        while ((b >= '0' && b <= '9') || b == ';') {
          params.push_back(static_cast<char>(b));
          b = read_byte();
        }
        if (b == 'A' && history_index > 0) recall(history_index - 1);
        if (b == 'B' && history_index < history_.entries().size()) recall(history_index + 1);
        if (b == 'C') cursor = next_char(line, cursor);
        if (b == 'D') cursor = prev_char(line, cursor);
        if (b == 'H' || (b == '~' && (params == "1" || params == "7"))) cursor = 0;
        if (b == 'F' || (b == '~' && (params == "4" || params == "8"))) cursor = line.size();
        if (b == '~' && params == "3" && cursor < line.size()) {
          line.erase(cursor, next_char(line, cursor) - cursor);
        }
        break;
      }
      case '\t':
        line.insert(cursor, "  ");
        cursor += 2;
        break;
      default:
        if (c >= 32) {
          line.insert(line.begin() + static_cast<std::ptrdiff_t>(cursor), static_cast<char>(c));
          ++cursor;
        }
        break;
    }
    refresh(prompt, line, cursor);
  }
}

int LineEditor::read_key() {
  RawMode raw(in_);
  return read_byte();
}

}  // namespace krill::tools::shell
