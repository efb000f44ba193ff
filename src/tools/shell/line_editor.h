// A small line editor for the interactive shell on a terminal (raw termios), with history.
//
// Keys: printable characters (UTF-8) insert; Left/Right, Home/End (also Ctrl-A/Ctrl-E)
// move; Backspace/Ctrl-H and Delete erase; Up/Down (also Ctrl-P/Ctrl-N) walk the history;
// Ctrl-U erases to the start, Ctrl-K to the end, Ctrl-W the previous word; Ctrl-L clears
// the screen; Ctrl-C abandons the line; Ctrl-D on an empty line is end of input (else it
// deletes under the cursor); Enter accepts. A line longer than the terminal scrolls
// horizontally. The terminal is in raw mode only inside read_line()/read_key() and is
// restored before they return (input typed ahead is kept).
//
// Not thread-safe; one editor per terminal.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace krill::tools::shell {

// Input lines kept for Up/Down, optionally persisted one entry per line in `path`.
class History {
 public:
  // max_entries: entries kept (older ones are dropped), at least 1.
  History(std::string path, size_t max_entries);
  // Loads the file (missing file: empty history).
  void load();
  // Adds an entry unless it is blank or equal to the newest one.
  void add(const std::string& line);
  // Rewrites the file with the newest max_entries entries; false when it cannot be written.
  bool save() const;
  const std::deque<std::string>& entries() const { return entries_; }

 private:
  std::string path_;
  size_t max_entries_;
  std::deque<std::string> entries_;
};

class LineEditor {
 public:
  enum class Result { kLine, kInterrupted, kEof };

  LineEditor(int in_fd, int out_fd, History& history) : in_(in_fd), out_(out_fd), history_(history) {}

  // Shows `prompt` and edits one line. kLine: `line` holds it (the caller adds it to the
  // history); kInterrupted: Ctrl-C; kEof: Ctrl-D on an empty line or input closed.
  Result read_line(const std::string& prompt, std::string& line);

  // Waits for one key press (for ---MORE---); returns the byte read, or -1 at end of input.
  int read_key();

 private:
  void refresh(const std::string& prompt, const std::string& line, size_t cursor);
  void write(const std::string& s);
  int read_byte();
  int terminal_columns() const;

  int in_;
  int out_;
  History& history_;
};

}  // namespace krill::tools::shell
