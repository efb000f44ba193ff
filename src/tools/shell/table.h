// Tabular and vertical (EXPAND ON) output of result rows, laid out as cqlsh lays them out:
//
//    k | v              @ Row 1
//   ---+-----           ---+-----
//    1 |   a             k | 1
//                        v | a
//
// Headers are left-aligned, values right-aligned, widths counted in display columns.
// Colour (ANSI) is applied after the layout so widths stay right. Pure output functions.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"
#include "tools/shell/format.h"

namespace krill::tools::shell {

enum class CellKind { kText, kNumber, kNull, kBlob, kCollection, kOther };

struct Cell {
  std::string text;
  CellKind kind = CellKind::kOther;
};

// A formatted cell for a value (null -> "null").
Cell make_cell(const common::DataType& type, const std::optional<common::Bytes>& value,
               const FormatOptions& options);

// Prints a blank line, the header, the separator and the rows (no footer).
void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<Cell>>& rows, bool color);

// Prints each row as "@ Row n" followed by one "name | value" line per column;
// n starts at first_row_number.
void print_vertical(std::ostream& out, const std::vector<std::string>& headers,
                    const std::vector<std::vector<Cell>>& rows, long first_row_number, bool color);

// Prints "(N rows)" between blank lines.
void print_row_count(std::ostream& out, long rows);

}  // namespace krill::tools::shell
