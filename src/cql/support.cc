// Helpers shared by the statement executors (execution.h).
#include <chrono>

#include "cql/execution.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::throw_invalid;

int64_t Services::next_timestamp() {
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int64_t last = last_timestamp.load(std::memory_order_relaxed);
  while (true) {
    int64_t next = now > last ? now : last + 1;
    if (last_timestamp.compare_exchange_weak(last, next, std::memory_order_relaxed)) return next;
  }
}

std::string resolve_keyspace(const std::string& qualifier, const std::string& session_keyspace) {
  if (!qualifier.empty()) return qualifier;
  if (session_keyspace.empty()) {
    throw_invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
  }
  return session_keyspace;
}

std::string resolve_keyspace(const std::string& qualifier, const ExecContext& ctx) {
  return resolve_keyspace(qualifier,
                          ctx.prepared_keyspace.empty() ? ctx.state.keyspace : ctx.prepared_keyspace);
}

std::shared_ptr<const schema::TableDef> find_table(const schema::Schema& s, const std::string& ks,
                                                   const std::string& name) {
  auto k = s.find_keyspace(ks);
  if (!k) throw_invalid("Keyspace " + ks + " does not exist");
  auto t = k->find_table(name);
  if (!t) throw_invalid("unconfigured table " + name);
  return t;
}

Bytes make_partition_key(const std::vector<Bytes>& components) {
  if (components.size() == 1) return components[0];
  Bytes out;
  for (const auto& c : components) {
    common::put_be16(out, static_cast<uint16_t>(c.size()));
    out += c;
    out.push_back('\0');
  }
  return out;
}

std::vector<Bytes> split_partition_key(BytesView key, size_t count) {
  if (count == 1) return {Bytes(key)};
  std::vector<Bytes> out;
  size_t pos = 0;
  while (out.size() < count && pos + 2 <= key.size()) {
    size_t n = common::get_be16(key.data() + pos);
    pos += 2;
    if (pos + n + 1 > key.size()) break;
    out.emplace_back(key.substr(pos, n));
    pos += n + 1;
  }
  out.resize(count);
  return out;
}

}  // namespace krill::cql
