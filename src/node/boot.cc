#include "node/boot.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace krill::node {

std::string interface_addresses() {
  std::string out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "unknown";
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || (a->ifa_flags & IFF_UP) == 0) continue;
    char text[INET6_ADDRSTRLEN] = {};
    int family = a->ifa_addr->sa_family;
    const void* addr = nullptr;
    if (family == AF_INET) {
      addr = &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
    } else if (family == AF_INET6) {
      addr = &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr;
    } else {
      continue;
    }
    if (inet_ntop(family, addr, text, sizeof text) == nullptr) continue;
    if (!out.empty()) out += ", ";
    out += std::string(a->ifa_name) + " " + text;
  }
  freeifaddrs(list);
  return out.empty() ? "none" : out;
}

std::string boot_line(const BootInfo& i) {
  return "Krill " + i.version + " booted and awake: CQL on " + i.cql + ", HTTP on " + i.http + ", data in " +
         i.data_dir + ", host id " + i.host_id + ", addresses: " + interface_addresses();
}

}  // namespace krill::node
