#include "tools/load/csv.h"

#include <gtest/gtest.h>

namespace krill::tools::load {
namespace {

std::vector<std::vector<std::string>> parse_all(std::string_view text, std::string* error = nullptr,
                                                uint64_t* error_line = nullptr, CsvOptions o = {}) {
  CsvParser p(o, text, 1);
  std::vector<CsvField> fields;
  std::vector<std::vector<std::string>> out;
  while (p.next(fields)) {
    std::vector<std::string> row;
    for (auto& f : fields) row.emplace_back(std::string(f.quoted ? "Q:" : "") + std::string(f.text));
    out.push_back(row);
  }
  if (error) *error = p.error();
  if (error_line) *error_line = p.line();
  return out;
}

TEST(Csv, BareQuotedAndEmptyFields) {
  auto rows = parse_all("a,b,c\n1,,\"x,y\"\n\"\",2,\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "", "Q:x,y"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Q:", "2", "Q:say \"hi\""}));
}

TEST(Csv, CrlfQuotedLineBreaksAndNoFinalNewline) {
  auto rows = parse_all("a,\"line1\r\nline2\"\r\nb,c");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "Q:line1\r\nline2"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"b", "c"}));
}

TEST(Csv, OtherDelimiterAndBlankLines) {
  CsvOptions o;
  o.delimiter = '\t';
  auto rows = parse_all("x\ty\n\n\nz\t,\n", nullptr, nullptr, o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"z", ","}));
}

TEST(Csv, MalformedInputNamesTheLine) {
  std::string error;
  uint64_t line = 0;
  auto rows = parse_all("1,2\n\"multi\nline\",3\n4,x\"y\n5,6\n", &error, &line);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(line, 4u);  // the record starting on physical line 4
  EXPECT_NE(error.find("quote"), std::string::npos) << error;

  rows = parse_all("1,\"open\n2,3\n", &error, &line);
  EXPECT_EQ(rows.size(), 0u);
  EXPECT_NE(error.find("unterminated"), std::string::npos) << error;

  rows = parse_all("\"a\"b,2\n", &error, &line);
  EXPECT_NE(error.find("after a closing quote"), std::string::npos) << error;
}

TEST(Csv, SplitterCutsOnlyOutsideQuotes) {
  ChunkSplitter s({});
  EXPECT_EQ(s.complete_prefix("a,b\nc,\"d\ne"), 4u);
  EXPECT_EQ(s.complete_prefix("\"x\ny\"\nz"), 6u);
  EXPECT_EQ(s.complete_prefix("no newline"), 0u);
  EXPECT_EQ(ChunkSplitter::count_lines("a\nb\"\n\"\nc", 7), 3u);
}

}  // namespace
}  // namespace krill::tools::load
