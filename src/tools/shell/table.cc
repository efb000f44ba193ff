// Result layout (see table.h).
#include "tools/shell/table.h"

#include <algorithm>

namespace krill::tools::shell {

namespace {

using common::TypeKind;

const char* color_of(CellKind k) {
  switch (k) {
    case CellKind::kText:
      return "\x1b[33m";  // yellow
    case CellKind::kNumber:
      return "\x1b[32m";  // green
    case CellKind::kNull:
      return "\x1b[31m";  // red
    case CellKind::kBlob:
      return "\x1b[35m";  // magenta
    case CellKind::kCollection:
      return "\x1b[34m";  // blue
    case CellKind::kOther:
      return "\x1b[32m";
  }
  return "";
}

constexpr const char* kHeaderColor = "\x1b[1;35m";
constexpr const char* kReset = "\x1b[0m";

void pad(std::ostream& out, size_t n) {
  for (size_t i = 0; i < n; ++i) out.put(' ');
}

void put_cell(std::ostream& out, const Cell& c, bool color) {
  if (color) out << color_of(c.kind);
  out << c.text;
  if (color) out << kReset;
}

CellKind kind_of(TypeKind k) {
  if (is_numeric_kind(k) || k == TypeKind::kBoolean) return CellKind::kNumber;
  switch (k) {
    case TypeKind::kText:
    case TypeKind::kAscii:
      return CellKind::kText;
    case TypeKind::kBlob:
    case TypeKind::kCustom:
      return CellKind::kBlob;
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
    case TypeKind::kTuple:
    case TypeKind::kUdt:
      return CellKind::kCollection;
    default:
      return CellKind::kOther;
  }
}

}  // namespace

Cell make_cell(const common::DataType& type, const std::optional<common::Bytes>& value,
               const FormatOptions& options) {
  if (!value) return Cell{"null", CellKind::kNull};
  if (!type.valid()) return Cell{"0x" + common::to_hex(*value), CellKind::kBlob};
  return Cell{format_value(type, *value, options), kind_of(type.kind())};
}

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<Cell>>& rows, bool color) {
  std::vector<size_t> widths;
  for (const auto& h : headers) widths.push_back(display_width(h));
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c].text));
    }
  }
  out << '\n';
  for (size_t c = 0; c < headers.size(); ++c) {
    out << (c == 0 ? " " : " | ");
    if (color) out << kHeaderColor;
    out << headers[c];
    if (color) out << kReset;
    if (c + 1 < headers.size()) pad(out, widths[c] - display_width(headers[c]));
  }
  out << '\n';
  for (size_t c = 0; c < headers.size(); ++c) {
    out << (c == 0 ? "-" : "-+-") << std::string(widths[c], '-');
  }
  out << "-\n";
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      out << (c == 0 ? " " : " | ");
      pad(out, widths[c] - display_width(row[c].text));
      put_cell(out, row[c], color);
    }
    out << '\n';
  }
}

void print_vertical(std::ostream& out, const std::vector<std::string>& headers,
                    const std::vector<std::vector<Cell>>& rows, long first_row_number, bool color) {
  size_t name_width = 0;
  size_t value_width = 0;
  for (const auto& h : headers) name_width = std::max(name_width, display_width(h));
  for (const auto& row : rows) {
    for (const auto& cell : row) value_width = std::max(value_width, display_width(cell.text));
  }
  long n = first_row_number;
  for (const auto& row : rows) {
    out << "\n@ Row " << n++ << '\n';
    out << std::string(name_width + 2, '-') << '+' << std::string(value_width + 2, '-') << '\n';
    for (size_t c = 0; c < row.size() && c < headers.size(); ++c) {
      out << ' ';
      if (color) out << kHeaderColor;
      out << headers[c];
      if (color) out << kReset;
      pad(out, name_width - display_width(headers[c]));
      out << " | ";
      put_cell(out, row[c], color);
      out << '\n';
    }
  }
}

void print_row_count(std::ostream& out, long rows) { out << "\n(" << rows << " rows)\n\n"; }

}  // namespace krill::tools::shell
