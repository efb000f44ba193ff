// The "booted and awake" line logged once CQL accepts connections: version, where CQL and
// HTTP listen, the data directory, the host id and every interface address (getifaddrs),
// so that a node that only emits logs (a unikernel, a container) says where it is.
#pragma once

#include <string>

namespace krill::node {

struct BootInfo {
  std::string version;
  std::string cql;   // "127.0.0.1:9042"
  std::string http;  // "127.0.0.1:8000"
  std::string data_dir;
  std::string host_id;
};

// "Krill 0.1.0 booted and awake: CQL on ..., HTTP on ..., data in ..., host id ...,
// addresses: lo 127.0.0.1, eth0 10.0.0.5, ..."
std::string boot_line(const BootInfo& info);
// "lo 127.0.0.1, lo ::1, eth0 10.0.0.5" (interfaces that are up); "none" if there are none.
std::string interface_addresses();

}  // namespace krill::node
