// Unit tests of the shell's pure parts: statement splitting, CSV, value formatting and
// conversion, COPY parsing, options.
#include <gtest/gtest.h>

#include <sstream>

#include "common/types.h"
#include "common/values.h"
#include "tools/shell/convert.h"
#include "tools/shell/copy.h"
#include "tools/shell/csv.h"
#include "tools/shell/format.h"
#include "tools/shell/options.h"
#include "tools/shell/splitter.h"
#include "tools/shell/table.h"

namespace krill::tools::shell {
namespace {

using common::DataType;
using common::TypeKind;

std::vector<Statement> split(const std::string& input) {
  StatementSplitter s;
  std::vector<Statement> out;
  std::istringstream in(input);
  std::string line;
  while (std::getline(in, line)) s.feed_line(line, out);
  Statement last;
  if (s.finish(last)) out.push_back(last);
  return out;
}

std::vector<std::string> texts(const std::vector<Statement>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(s.text);
  return out;
}

TEST(Splitter, SemicolonsEndStatements) {
  auto v = split("SELECT 1 FROM t; SELECT 2 FROM t;\nINSERT INTO t (a) VALUES (1);");
  EXPECT_EQ(texts(v),
            (std::vector<std::string>{"SELECT 1 FROM t", "SELECT 2 FROM t", "INSERT INTO t (a) VALUES (1)"}));
  EXPECT_EQ(v[2].line, 2);
}

TEST(Splitter, MultiLineStatementStartsOnItsFirstLine) {
  auto v = split("\n\nSELECT *\n  FROM t\n  WHERE k = 1;\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].text, "SELECT *\n  FROM t\n  WHERE k = 1");
  EXPECT_EQ(v[0].line, 3);
}

TEST(Splitter, SemicolonsInsideStringsQuotedNamesAndDollarBlocks) {
  auto v = split(
      "INSERT INTO t (k, v) VALUES (1, 'a;b''c;');\nSELECT \"we;ird\" FROM t;\n"
      "INSERT INTO t (k, v) VALUES (2, $$x;\ny;$$);");
  EXPECT_EQ(texts(v), (std::vector<std::string>{"INSERT INTO t (k, v) VALUES (1, 'a;b''c;')",
                                                "SELECT \"we;ird\" FROM t",
                                                "INSERT INTO t (k, v) VALUES (2, $$x;\ny;$$)"}));
}

TEST(Splitter, CommentsAreDroppedAndHideSemicolons) {
  auto v = split(
      "-- a comment; with a semicolon\nSELECT 1 -- trailing; comment\nFROM t; // another;\n"
      "/* block;\n comment; */ SELECT 2 FROM t;");
  EXPECT_EQ(texts(v), (std::vector<std::string>{"SELECT 1 \nFROM t", "SELECT 2 FROM t"}));
}

TEST(Splitter, ShellCommandsNeedNoSemicolon) {
  auto v = split("CONSISTENCY QUORUM\nexpand on\nSELECT *\nFROM t;\nDESCRIBE KEYSPACES;\n");
  EXPECT_EQ(texts(v), (std::vector<std::string>{"CONSISTENCY QUORUM", "expand on", "SELECT *\nFROM t",
                                                "DESCRIBE KEYSPACES"}));
}

TEST(Splitter, PendingAndResetAndUnterminatedLastStatement) {
  StatementSplitter s;
  std::vector<Statement> out;
  s.feed_line("SELECT * FROM t", out);
  EXPECT_TRUE(s.pending());
  EXPECT_TRUE(out.empty());
  s.reset();
  EXPECT_FALSE(s.pending());
  s.feed_line("INSERT INTO t (k) VALUES ('open", out);
  EXPECT_TRUE(s.pending());
  Statement last;
  ASSERT_TRUE(s.finish(last));
  EXPECT_EQ(last.text, "INSERT INTO t (k) VALUES ('open");
  EXPECT_FALSE(split(";;  ;\n").size());
}

TEST(Splitter, FirstWord) {
  EXPECT_EQ(first_word("  select * from t"), "SELECT");
  EXPECT_EQ(first_word("desc tables"), "DESC");
  EXPECT_EQ(first_word(""), "");
  EXPECT_TRUE(is_shell_command("COPY"));
  EXPECT_FALSE(is_shell_command("SELECT"));
}

std::vector<std::vector<CsvField>> read_all(const std::string& text, CsvDialect d,
                                            std::vector<std::string>* errors,
                                            std::vector<long>* lines = nullptr) {
  std::istringstream in(text);
  CsvReader r(in, d);
  std::vector<std::vector<CsvField>> out;
  std::vector<CsvField> f;
  for (int guard = 0; guard < 1000; ++guard) {
    const bool ok = r.next(f);
    if (!ok && r.error().empty()) break;
    if (!ok) {
      errors->push_back(std::to_string(r.record_line()) + ": " + r.error());
      continue;
    }
    out.push_back(f);
    if (lines) lines->push_back(r.record_line());
  }
  return out;
}

TEST(Csv, QuotedFieldsWithDelimitersNewlinesAndQuotes) {
  std::vector<std::string> errors;
  std::vector<long> lines;
  auto rows = read_all("1,\"a,b\",x\r\n2,\"line1\nline2\",\"say \"\"hi\"\"\"\n\n3,,\"\"\n", CsvDialect{},
                       &errors, &lines);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1].text, "a,b");
  EXPECT_TRUE(rows[0][1].quoted);
  EXPECT_EQ(rows[0][2].text, "x");
  EXPECT_EQ(rows[1][1].text, "line1\nline2");
  EXPECT_EQ(rows[1][2].text, "say \"hi\"");
  EXPECT_EQ(rows[2].size(), 3u);
  EXPECT_EQ(rows[2][1].text, "");
  EXPECT_FALSE(rows[2][1].quoted);
  EXPECT_TRUE(rows[2][2].quoted);
  EXPECT_EQ(lines, (std::vector<long>{1, 2, 5}));
}

TEST(Csv, CustomDelimiterQuoteAndEscape) {
  std::vector<std::string> errors;
  CsvDialect d;
  d.delimiter = '|';
  d.quote = '\'';
  d.escape = '\\';
  auto rows = read_all("a|'b|c'|'it\\'s'\n", d, &errors);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1].text, "b|c");
  EXPECT_EQ(rows[0][2].text, "it's");
}

TEST(Csv, ErrorsNameTheRecordLineAndReadingContinues) {
  std::vector<std::string> errors;
  auto rows = read_all("1,ok\n2,\"bad\"x,3\n3,fine\n4,\"never closed\n", CsvDialect{}, &errors);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1].text, "fine");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "2: unexpected character 'x' after a closing quote");
  EXPECT_EQ(errors[1], "4: unterminated quoted field");
}

TEST(Csv, RecordSizeLimit) {
  std::vector<std::string> errors;
  CsvDialect d;
  d.max_record_bytes = 8;
  auto rows = read_all("0123456789abc\nok\n", d, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("maximum record size"), std::string::npos);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].text, "ok");
}

TEST(Csv, WriterQuotesOnlyWhenNeededAndRoundTrips) {
  CsvDialect d;
  std::string line;
  const std::vector<std::string> values = {"plain", "a,b", "q\"uote", "multi\nline", ""};
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) line.push_back(',');
    append_csv_field(line, values[i], d, values[i].empty());
  }
  EXPECT_EQ(line, "plain,\"a,b\",\"q\"\"uote\",\"multi\nline\",\"\"");
  std::vector<std::string> errors;
  auto rows = read_all(line + "\n", d, &errors);
  ASSERT_EQ(rows.size(), 1u);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(rows[0][i].text, values[i]);
  EXPECT_TRUE(rows[0][4].quoted);
}

std::string fmt(const DataType& t, const common::Bytes& v) { return format_value(t, v, FormatOptions{}); }
DataType T(const char* name) { return DataType::parse(name); }

TEST(Format, ScalarsAsCqlshShowsThem) {
  EXPECT_EQ(fmt(T("text"), "it's"), "it's");
  EXPECT_EQ(fmt(T("text"), "a\nb\\"), "a\\nb\\\\");
  EXPECT_EQ(fmt(T("int"), common::encode_int(-42)), "-42");
  EXPECT_EQ(fmt(T("boolean"), common::encode_boolean(true)), "True");
  EXPECT_EQ(fmt(T("blob"), std::string("\xca\xfe", 2)), "0xcafe");
  EXPECT_EQ(fmt(T("timestamp"), common::encode_bigint(1704164645123)), "2024-01-02 03:04:05.123000+0000");
  EXPECT_EQ(fmt(T("date"), parse_field(T("date"), "2024-01-02")), "2024-01-02");
  EXPECT_EQ(fmt(T("time"), parse_field(T("time"), "03:04:05.5")), "03:04:05.500000000");
  EXPECT_EQ(fmt(T("float"), common::encode_float(3.14159265f)), "3.14159");
  EXPECT_EQ(fmt(T("double"), common::encode_double(1.0)), "1");
  EXPECT_EQ(fmt(T("double"), common::encode_double(0.1)), "0.1");
  EXPECT_EQ(fmt(T("double"), common::encode_double(1e20)), "1e+20");
  EXPECT_EQ(fmt(T("uuid"), parse_field(T("uuid"), "5b6962dd-3f90-4c93-8f61-eabfa4a803e2")),
            "5b6962dd-3f90-4c93-8f61-eabfa4a803e2");
  EXPECT_EQ(fmt(T("inet"), parse_field(T("inet"), "10.0.0.1")), "10.0.0.1");
  EXPECT_EQ(fmt(T("varint"), parse_field(T("varint"), "123456789012345678901234567890")),
            "123456789012345678901234567890");
  EXPECT_EQ(fmt(T("decimal"), parse_field(T("decimal"), "1.50")), "1.50");
  EXPECT_EQ(fmt(T("duration"), parse_field(T("duration"), "1mo2d3h")), "1mo2d3h");
  EXPECT_EQ(fmt(T("int"), ""), "");             // an empty value
  EXPECT_EQ(fmt(T("int"), "abc"), "0x616263");  // undecodable: raw bytes
}

TEST(Format, CollectionsQuoteStrings) {
  EXPECT_EQ(fmt(T("list<int>"), parse_field(T("list<int>"), "[1, 2]")), "[1, 2]");
  EXPECT_EQ(fmt(T("map<text, int>"), parse_field(T("map<text, int>"), "{'a': 1, 'b''s': 2}")),
            "{'a': 1, 'b''s': 2}");
  EXPECT_EQ(fmt(T("set<text>"), parse_field(T("set<text>"), "{'y', 'x'}")), "{'x', 'y'}");
  EXPECT_EQ(fmt(T("tuple<int, text>"), parse_field(T("tuple<int, text>"), "(1, null)")), "(1, null)");
  EXPECT_EQ(fmt(T("list<timestamp>"), parse_field(T("list<timestamp>"), "[2024-01-02 03:04:05.000000+0000]")),
            "[2024-01-02 03:04:05.000000+0000]");
  const DataType udt = DataType::udt("ks", "addr", {"street", "Zip"}, {T("text"), T("int")}, true);
  EXPECT_EQ(fmt(udt, parse_field(udt, "{street: 'Main', \"Zip\": 12345}")),
            "{street: 'Main', \"Zip\": 12345}");
}

TEST(Format, RoundTripFloatsForCopy) {
  FormatOptions o;
  o.round_trip = true;
  o.escape_control = false;
  EXPECT_EQ(format_value(T("double"), common::encode_double(0.1 + 0.2), o), "0.30000000000000004");
  EXPECT_EQ(format_value(T("text"), "a\nb", o), "a\nb");
}

TEST(Convert, ScalarsAndErrors) {
  EXPECT_EQ(parse_field(T("int"), " 42 "), common::encode_int(42));
  EXPECT_EQ(parse_field(T("boolean"), "FALSE"), common::encode_boolean(false));
  EXPECT_EQ(parse_field(T("blob"), "0xCAFE"), std::string("\xca\xfe", 2));
  EXPECT_EQ(parse_field(T("blob"), "cafe"), std::string("\xca\xfe", 2));
  EXPECT_EQ(parse_field(T("timestamp"), "2024-01-02 03:04:05.123000+0000"),
            common::encode_bigint(1704164645123));
  EXPECT_EQ(parse_field(T("text"), " keep spaces "), " keep spaces ");
  EXPECT_THROW(parse_field(T("int"), "abc"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("int"), "3000000000"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("boolean"), "maybe"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("uuid"), "not-a-uuid"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("list<int>"), "[1, 2"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("list<int>"), "[1, 2] x"), std::invalid_argument);
  EXPECT_THROW(parse_field(T("list<int>"), "[1, null]"), std::invalid_argument);
  try {
    parse_field(T("int"), "abc");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'abc'"), std::string::npos);
  }
}

TEST(Copy, ParsesStatementAndOptions) {
  CopyStatement st;
  ASSERT_EQ(
      parse_copy("COPY Ks.\"MyTable\" (a, \"B\") FROM '/tmp/x.csv' WITH HEADER = true AND DELIMITER = '|' "
                 "AND NULL = 'NULL' AND MAXBATCHSIZE = 50;",
                 st),
      "");
  EXPECT_EQ(st.keyspace, "ks");
  EXPECT_EQ(st.table, "MyTable");
  EXPECT_EQ(st.columns, (std::vector<std::string>{"a", "B"}));
  EXPECT_TRUE(st.from);
  EXPECT_EQ(st.path, "/tmp/x.csv");
  CopyOptions o;
  ASSERT_EQ(parse_copy_options(st, o), "");
  EXPECT_TRUE(o.header);
  EXPECT_EQ(o.dialect.delimiter, '|');
  EXPECT_EQ(o.null_text, "NULL");
  EXPECT_EQ(o.max_batch_size, 50);

  CopyStatement to;
  ASSERT_EQ(parse_copy("copy t to STDOUT with pagesize = 10", to), "");
  EXPECT_FALSE(to.from);
  EXPECT_TRUE(to.stdio);
  EXPECT_EQ(to.keyspace, "");
  CopyOptions o2;
  ASSERT_EQ(parse_copy_options(to, o2), "");
  EXPECT_EQ(o2.page_size, 10);
}

TEST(Copy, RejectsBadStatementsAndOptions) {
  CopyStatement st;
  EXPECT_NE(parse_copy("COPY t FROM", st), "");
  EXPECT_NE(parse_copy("COPY t INTO 'x'", st), "");
  EXPECT_NE(parse_copy("COPY t FROM 'x' WITH HEADER", st), "");
  EXPECT_NE(parse_copy("COPY t FROM STDOUT", st), "");
  CopyStatement a;
  ASSERT_EQ(parse_copy("COPY t FROM 'x' WITH PAGESIZE = 5 AND BOGUS = 1", a), "");
  CopyOptions o;
  EXPECT_EQ(parse_copy_options(a, o), "Unrecognized COPY FROM options: PAGESIZE, BOGUS");
  CopyStatement b;
  ASSERT_EQ(parse_copy("COPY t FROM 'x' WITH DELIMITER = ';;'", b), "");
  EXPECT_NE(parse_copy_options(b, o).find("single character"), std::string::npos);
  CopyStatement c;
  ASSERT_EQ(parse_copy("COPY t FROM 'x' WITH MAXBATCHSIZE = 0", c), "");
  EXPECT_NE(parse_copy_options(c, o), "");
  CopyStatement d;
  ASSERT_EQ(parse_copy("COPY t FROM 'x' WITH MAXRECORDSIZE = 10 AND MAXPARSEERRORS = -1", d), "");
  CopyOptions od;
  ASSERT_EQ(parse_copy_options(d, od), "");
  EXPECT_EQ(od.dialect.max_record_bytes, 10u);
  EXPECT_EQ(od.max_parse_errors, -1);
  CopyStatement e;
  ASSERT_EQ(parse_copy("COPY t TO 'x' WITH CHUNKSIZE = 10", e), "");
  EXPECT_EQ(parse_copy_options(e, od), "Unrecognized COPY TO options: CHUNKSIZE");
}

TEST(Options, CqlshFlags) {
  ShellOptions o;
  ASSERT_EQ(parse_shell_options({"10.0.0.5", "9043", "-e", "SELECT 1", "-k", "ks", "--request-timeout", "3",
                                 "--no-color", "-u", "me", "-p", "pw"},
                                nullptr, nullptr, o),
            "");
  EXPECT_EQ(o.host, "10.0.0.5");
  EXPECT_EQ(o.port, 9043);
  EXPECT_TRUE(o.has_execute);
  EXPECT_EQ(o.execute, "SELECT 1");
  EXPECT_EQ(o.keyspace, "ks");
  EXPECT_DOUBLE_EQ(o.request_timeout, 3.0);
  EXPECT_TRUE(o.no_color);
  ShellOptions env;
  ASSERT_EQ(parse_shell_options({}, "127.0.0.2", "9999", env), "");
  EXPECT_EQ(env.host, "127.0.0.2");
  EXPECT_EQ(env.port, 9999);
  ShellOptions bad;
  EXPECT_NE(parse_shell_options({"--bogus"}, nullptr, nullptr, bad), "");
  EXPECT_NE(parse_shell_options({"h", "70000"}, nullptr, nullptr, bad), "");
  EXPECT_NE(parse_shell_options({"-e"}, nullptr, nullptr, bad), "");
  EXPECT_NE(parse_shell_options({"--connect-timeout", "-1"}, nullptr, nullptr, bad), "");
  EXPECT_NE(parse_shell_options({"-e", "x", "-f", "y"}, nullptr, nullptr, bad), "");
}

TEST(Table, LayoutLikeCqlsh) {
  std::ostringstream out;
  print_table(out, {"k", "value"}, {{Cell{"1", CellKind::kNumber}, Cell{"ab", CellKind::kText}}}, false);
  print_row_count(out, 1);
  EXPECT_EQ(out.str(), "\n k | value\n---+-------\n 1 |    ab\n\n(1 rows)\n\n");
  std::ostringstream v;
  print_vertical(v, {"k", "value"}, {{Cell{"1", CellKind::kNumber}, Cell{"ab", CellKind::kText}}}, 1, false);
  EXPECT_EQ(v.str(), "\n@ Row 1\n-------+----\n k     | 1\n value | ab\n");
}

}  // namespace
}  // namespace krill::tools::shell
