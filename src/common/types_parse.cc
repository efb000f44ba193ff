// DataType::parse: a small recursive-descent parser over CQL type syntax.
#include <cctype>

#include "common/error.h"
#include "common/types.h"

namespace krill::common {
namespace {

enum class Tok { kIdent, kQuotedIdent, kString, kLt, kGt, kComma, kDot, kEnd };

struct Token {
  Tok kind;
  std::string text;  // identifier (as written), or the unquoted content of a quoted token
  size_t pos;
};

class TypeParser {
 public:
  TypeParser(std::string_view text, const DataType::UdtLookup& lookup) : text_(text), lookup_(lookup) {}

  DataType parse_all() {
    DataType t = parse_type(false);
    Token end = next();
    if (end.kind != Tok::kEnd) fail("unexpected '" + end.text + "'", end.pos);
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& what, size_t pos) const {
    throw_syntax("Invalid type '" + std::string(text_) + "': " + what + " at character " +
                 std::to_string(pos));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // Reads a quoted token; a doubled quote stands for one quote character.
  std::string read_quoted(char q) {
    const size_t start = pos_;
    std::string out;
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated quoted name", start);
      char c = text_[pos_++];
      if (c == q) {
        if (pos_ < text_.size() && text_[pos_] == q) {
          out.push_back(q);
          ++pos_;
          continue;
        }
        return out;
      }
      out.push_back(c);
    }
  }

  Token next() {
    skip_space();
    const size_t start = pos_;
    if (pos_ >= text_.size()) return {Tok::kEnd, "end of input", start};
    const char c = text_[pos_];
    switch (c) {
      case '<':
        ++pos_;
        return {Tok::kLt, "<", start};
      case '>':
        ++pos_;
        return {Tok::kGt, ">", start};
      case ',':
        ++pos_;
        return {Tok::kComma, ",", start};
      case '.':
        ++pos_;
        return {Tok::kDot, ".", start};
      case '\'':
        return {Tok::kString, read_quoted('\''), start};
      case '"':
        return {Tok::kQuotedIdent, read_quoted('"'), start};
      default:
        break;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      return {Tok::kIdent, std::string(text_.substr(start, pos_ - start)), start};
    }
    fail(std::string("unexpected character '") + c + "'", start);
  }

  void expect(Tok kind, const char* what) {
    Token t = next();
    if (t.kind != kind) fail(std::string("expected '") + what + "' but found '" + t.text + "'", t.pos);
  }

  DataType lookup_udt(const std::string& name, bool in_frozen) {
    std::optional<DataType> found;
    if (lookup_) found = lookup_(name);
    if (!found || !found->valid()) throw_invalid("Unknown type " + name);
    return in_frozen ? found->frozen() : *found;
  }

  // `first` (a keyspace name, normalised) followed by `.name` gives "ks.name"; without a dot,
  // `first` unchanged.
  std::string maybe_qualified(const std::string& first) {
    const size_t saved = pos_;
    if (next().kind != Tok::kDot) {
      pos_ = saved;
      return first;
    }
    Token t = next();
    if (t.kind == Tok::kQuotedIdent) return first + "." + t.text;
    if (t.kind != Tok::kIdent) fail("expected a type name but found '" + t.text + "'", t.pos);
    std::string lower = t.text;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return first + "." + lower;
  }

  // Parses one type. `in_frozen`: the type sits inside frozen<> (or a tuple), so nested
  // collections and UDTs are frozen too.
  DataType parse_type(bool in_frozen) {
    Token t = next();
    switch (t.kind) {
      case Tok::kString:
        return DataType::custom(t.text);
      case Tok::kQuotedIdent:
        return lookup_udt(maybe_qualified(t.text), in_frozen);
      case Tok::kIdent:
        break;
      default:
        fail("expected a type but found '" + t.text + "'", t.pos);
    }
    std::string lower = t.text;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::string q = maybe_qualified(lower); q != lower) return lookup_udt(q, in_frozen);
    if (lower == "frozen") {
      expect(Tok::kLt, "<");
      DataType inner = parse_type(true);
      expect(Tok::kGt, ">");
      const TypeKind k = inner.kind();
      if (!inner.is_collection() && k != TypeKind::kUdt && k != TypeKind::kTuple) {
        throw_invalid("frozen<> is only allowed on collections, tuples, and user-defined types (got " +
                      inner.cql_name() + ")");
      }
      return inner.frozen();
    }
    if (lower == "list" || lower == "set") {
      expect(Tok::kLt, "<");
      DataType element = parse_type(in_frozen);
      expect(Tok::kGt, ">");
      return lower == "list" ? DataType::list(std::move(element), in_frozen)
                             : DataType::set(std::move(element), in_frozen);
    }
    if (lower == "map") {
      expect(Tok::kLt, "<");
      DataType key = parse_type(in_frozen);
      expect(Tok::kComma, ",");
      DataType value = parse_type(in_frozen);
      expect(Tok::kGt, ">");
      return DataType::map(std::move(key), std::move(value), in_frozen);
    }
    if (lower == "tuple") {
      expect(Tok::kLt, "<");
      std::vector<DataType> elements;
      while (true) {
        elements.push_back(parse_type(true));
        Token sep = next();
        if (sep.kind == Tok::kGt) break;
        if (sep.kind != Tok::kComma) fail("expected ',' or '>' but found '" + sep.text + "'", sep.pos);
      }
      return DataType::tuple(std::move(elements));
    }
    if (auto kind = DataType::native_kind_from_name(lower)) return DataType::native(*kind);
    return lookup_udt(lower, in_frozen);
  }

  std::string_view text_;
  const DataType::UdtLookup& lookup_;
  size_t pos_ = 0;
};

}  // namespace

DataType DataType::parse(std::string_view text, const UdtLookup& udt_lookup) {
  return TypeParser(text, udt_lookup).parse_all();
}

}  // namespace krill::common
