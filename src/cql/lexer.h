// The CQL lexer: turns statement text into a flat vector of tokens.
//
// Internal to the cql layer (the parser is its only user). Keywords are not a token kind
// of their own: every bare word is a kIdent and the parser decides, by position, whether
// it is a keyword or a name (CQL has many "unreserved" keywords usable as names).
// Negative numbers are not lexed as one token: '-' is kMinus and the parser joins it to the
// following number in term position. Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace krill::cql {

enum class TokenKind : uint8_t {
  kEnd,          // end of input (always the last token)
  kIdent,        // bare word: [A-Za-z][A-Za-z0-9_]*; `text` as written
  kQuotedIdent,  // "Name" with "" unescaped; `text` holds the name
  kString,       // 'text' ('' unescaped) or $$text$$; `text` holds the contents
  kInteger,      // digits, no sign
  kFloat,        // 1.5, 1., 2e10, 1.5E-3; no sign
  kUuid,         // 8-4-4-4-12 hex digits
  kHex,          // 0xCAFE; `text` holds the digits without 0x (possibly empty)
  kDuration,     // 1h30m, 12mo, P1Y2M, PT5S, P2W, P0001-02-03T04:05:06
  kLParen,       // (
  kRParen,       // )
  kLBracket,     // [
  kRBracket,     // ]
  kLBrace,       // {
  kRBrace,       // }
  kComma,        // ,
  kSemicolon,    // ;
  kDot,          // .
  kStar,         // *
  kEq,           // =
  kNeq,          // !=
  kLt,           // <
  kLe,           // <=
  kGt,           // >
  kGe,           // >=
  kPlus,         // +
  kMinus,        // -
  kPlusEq,       // +=
  kMinusEq,      // -=
  kQMark,        // ?
  kColon,        // :
  kSlash,        // /
  kPercent,      // %
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // see TokenKind; punctuation: the symbol
  size_t offset = 0;  // byte offset of the first character in the input
  size_t length = 0;  // byte length of the token as written (with quotes etc.)
  int line = 1;       // 1-based
  int column = 0;     // 0-based byte column within the line
};

// Splits `input` into tokens, skipping whitespace and comments (-- and // to end of line,
// /* ... */). The result always ends with one kEnd token positioned at the end of input.
// Throws common::CqlError(kSyntaxError) "line L:C ..." on an unterminated string, quoted
// name, $$ string or block comment, an empty quoted name, or a character that starts no
// token.
std::vector<Token> tokenize(std::string_view input);

// A short printable name for a token kind ("'('", "identifier", "string", ...), used in
// error messages.
std::string_view token_kind_name(TokenKind kind);

// Returns true if `word` (any case) is a reserved CQL keyword, i.e. must be "quoted" to be
// used as a name. Unreserved keywords (key, type, ttl, count, ...) return false.
bool is_reserved_keyword(std::string_view word);

// ASCII lower-casing (CQL identifiers and keywords are ASCII).
std::string to_lower_ascii(std::string_view s);

// ASCII upper-casing (used to print keywords in error messages).
std::string to_upper_ascii(std::string_view s);

// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);

}  // namespace krill::cql
