// Errors visible to CQL clients, and the small Result type used below the CQL layer.
//
// CqlError is the one error type a client can see. Its code enum mirrors the native
// protocol's error table (spec section 9), so `code` is exactly the wire code. Only
// transport/ turns a CqlError into an ERROR frame. Code that ends a query throws it;
// storage returns Status/Result instead of throwing.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace krill::common {

enum class ErrorCode : int32_t {
  kServerError = 0x0000,
  kProtocolError = 0x000A,
  kBadCredentials = 0x0100,
  kUnavailable = 0x1000,
  kOverloaded = 0x1001,
  kIsBootstrapping = 0x1002,
  kTruncateError = 0x1003,
  kWriteTimeout = 0x1100,
  kReadTimeout = 0x1200,
  kReadFailure = 0x1300,
  kFunctionFailure = 0x1400,
  kWriteFailure = 0x1500,
  kCdcWriteFailure = 0x1600,
  kCasWriteUnknown = 0x1700,
  kSyntaxError = 0x2000,
  kUnauthorized = 0x2100,
  kInvalid = 0x2200,
  kConfigError = 0x2300,
  kAlreadyExists = 0x2400,
  kUnprepared = 0x2500,
};

// Extra body fields for the codes that carry them (spec 9). Unused fields stay default.
struct ErrorDetail {
  // kAlreadyExists: keyspace and table ("" when a keyspace already exists).
  std::string keyspace;
  std::string table;
  // kUnprepared: the unknown statement id.
  std::string prepared_id;
  // kUnavailable / timeouts / failures.
  uint16_t consistency = 0;
  int32_t required = 0;  // required (unavailable) or block_for (timeouts)
  int32_t received = 0;  // alive (unavailable) or received (timeouts)
  bool data_present = false;
  std::string write_type;  // "SIMPLE", "BATCH", ...
};

class CqlError : public std::runtime_error {
 public:
  CqlError(ErrorCode code, std::string message, ErrorDetail detail = {})
      : std::runtime_error(std::move(message)), code_(code), detail_(std::move(detail)) {}

  ErrorCode code() const { return code_; }
  const ErrorDetail& detail() const { return detail_; }

 private:
  ErrorCode code_;
  ErrorDetail detail_;
};

// Shorthands for the common cases.
[[noreturn]] inline void throw_invalid(std::string msg) {
  throw CqlError(ErrorCode::kInvalid, std::move(msg));
}
[[noreturn]] inline void throw_syntax(std::string msg) {
  throw CqlError(ErrorCode::kSyntaxError, std::move(msg));
}

// Status of an operation that can fail without ending the process (storage, config, I/O).
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status error(std::string msg) {
    Status s;
    s.ok_ = false;
    s.msg_ = std::move(msg);
    return s;
  }
  // The storage device is full: writes fail until space is freed; reads still work.
  static Status no_space(std::string msg) {
    Status s = error(std::move(msg));
    s.no_space_ = true;
    return s;
  }
  // The operation was asked not to wait (a cache-only read, a write that may not stall)
  // and would have had to: nothing was changed; it can be run again where waiting is fine.
  static Status would_block(std::string msg) {
    Status s = error(std::move(msg));
    s.would_block_ = true;
    return s;
  }
  bool is_ok() const { return ok_; }
  bool is_no_space() const { return no_space_; }
  bool is_would_block() const { return would_block_; }
  explicit operator bool() const { return ok_; }
  const std::string& message() const { return msg_; }

 private:
  bool ok_ = true;
  bool no_space_ = false;
  bool would_block_ = false;
  std::string msg_;
};

// Thrown above storage when an operation started on a reactor thread (reads from memtables
// and the block cache only, writes that may not stall) would have to wait on the disk.
// Nothing was changed; the request is run again on the request pool. Deliberately not a
// std::exception, so handlers that turn exceptions into client errors let it through.
struct WouldBlock {};

// A value or an error Status. REQUIRES for value(): is_ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  Result(Status error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace krill::common
