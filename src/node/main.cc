// krill: the single binary. Subcommands: serve, version, nodetool, stress.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>

#include "node/config.h"
#include "node/logging_flags.h"
#include "node/serve.h"
#include "tools/load/load.h"
#include "tools/nodetool.h"
#include "tools/shell/shell.h"
#include "tools/stress/stress.h"

extern char** environ;

#ifdef KRILL_JEMALLOC
// jemalloc's settings, read once when it initializes (before main). Freed pages go back to
// the system within a second instead of ten, so RSS follows the memory actually in use
// (the node runs inside a memory budget, often in a small VM); two arenas, as glibc had.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0,narenas:2";
}
static void tune_allocator() {}
#else
// glibc's malloc inside the memory budget: large buffers (frames, values) are mapped and
// unmapped rather than kept in per-thread heaps, and few arenas exist to fragment.
static void tune_allocator() {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1 << 20);
}
#endif

int main(int argc, char** argv) {
  tune_allocator();
  // cassandra-stress's syntax (`write n=1000 -rate threads=50`) is not CLI11's: parsed apart.
  if (argc >= 2 && std::string_view(argv[1]) == "stress")
    return krill::tools::stress::run(argc - 2, argv + 2);
  if (argc >= 2 && std::string_view(argv[1]) == "load") return krill::tools::load::run(argc - 2, argv + 2);
  // cqlsh's flags (`-e`, `-f`, `[host [port]]`) are not CLI11's either.
  if (argc >= 2 && std::string_view(argv[1]) == "cql") return krill::tools::shell::run(argc - 2, argv + 2);
  CLI::App app{"Krill: a Cassandra-compatible database in one binary"};
  app.require_subcommand(1);

  krill::node::Config defaults;
  krill::node::Config flags;
  std::string config_file;
  std::string memory;
  auto* serve_cmd = app.add_subcommand("serve", "Run a node");
  serve_cmd->add_option("--data-dir", flags.data_dir, "Data directory")->default_str(defaults.data_dir);
  serve_cmd->add_option("--listen-address", flags.listen_address, "Address for CQL clients")
      ->default_str(defaults.listen_address);
  serve_cmd->add_option("--native-port", flags.native_port, "CQL native protocol port")->default_val(9042);
  serve_cmd->add_option("--http-port", flags.http_port, "HTTP port (admin API, dashboard, metrics)")
      ->default_val(8000);
  serve_cmd->add_option("--http-address", flags.http_address, "Address for the HTTP API (keep it private)")
      ->default_str(defaults.http_address);
  serve_cmd->add_option("--smp", flags.smp, "Reactor threads (default: number of cores)");
  serve_cmd->add_option("--memory", memory, "Memory budget, e.g. 512M, 2G")->default_str("512M");
  serve_cmd->add_option("--config", config_file, "YAML configuration file (cassandra.yaml key names)");
  serve_cmd->add_option("--cluster-name", flags.cluster_name, "Cluster name")
      ->default_str(defaults.cluster_name);
  krill::node::LoggingFlags logging_flags;
  krill::node::add_logging_flags(*serve_cmd, logging_flags);

  app.add_subcommand("version", "Print the version");
  // Listed for --help only; dispatched above.
  app.add_subcommand("stress", "Load generator with cassandra-stress's syntax (krill stress help)");
  app.add_subcommand("cql", "Interactive CQL shell in the spirit of cqlsh, COPY FROM/TO (krill cql --help)");
  app.add_subcommand("load", "Bulk-load CSV files into a table through SST files (krill load --help)");

  krill::tools::NodetoolOptions nodetool;
  auto* nodetool_cmd = app.add_subcommand(
      "nodetool", "Cassandra's nodetool over the HTTP API (krill nodetool help lists the commands)");
  // -h is the host, as in Cassandra's nodetool.
  nodetool_cmd->set_help_flag("--help", "Print this help message and exit");
  nodetool_cmd->add_option("-h,--host", nodetool.host, "Node hostname or ip address")
      ->default_str("127.0.0.1");
  nodetool_cmd->add_option("-p,--port", nodetool.port, "Node HTTP port (--http-port)")->default_val(8000);
  nodetool_cmd->add_flag("-T,--tokens", nodetool.tokens, "info: print every token");
  nodetool_cmd
      ->add_option("command", nodetool.command, "status, info, tablestats, snapshot, ... (help lists them)")
      ->required();
  // Everything after the command (its own options such as -t, -cf, --all, and its
  // arguments) is left in order for the command to parse: see NodetoolOptions::args.
  nodetool_cmd->prefix_command();

  CLI11_PARSE(app, argc, argv);

  if (app.got_subcommand("version")) {
    std::printf("Krill %s\n", KRILL_VERSION);
    return 0;
  }
  if (app.got_subcommand("nodetool")) {
    nodetool.args = nodetool_cmd->remaining();
    return krill::tools::run_nodetool(nodetool, std::cout, std::cerr);
  }

  // defaults < file < environment < flags
  krill::node::Config config = defaults;
  if (const char* env_file = std::getenv("KRILL_CONFIG"); env_file != nullptr && config_file.empty()) {
    config_file = env_file;
  }
  if (!config_file.empty()) {
    if (auto err = krill::node::apply_yaml_file(config, config_file); !err.empty()) {
      std::fprintf(stderr, "krill: %s\n", err.c_str());
      return 1;
    }
  }
  if (auto err = krill::node::apply_environment(config, environ); !err.empty()) {
    std::fprintf(stderr, "krill: %s\n", err.c_str());
    return 1;
  }
  if (serve_cmd->count("--data-dir")) config.data_dir = flags.data_dir;
  if (serve_cmd->count("--listen-address")) config.listen_address = flags.listen_address;
  if (serve_cmd->count("--native-port")) config.native_port = flags.native_port;
  if (serve_cmd->count("--http-port")) config.http_port = flags.http_port;
  if (serve_cmd->count("--http-address")) config.http_address = flags.http_address;
  if (serve_cmd->count("--smp")) config.smp = flags.smp;
  if (serve_cmd->count("--cluster-name")) config.cluster_name = flags.cluster_name;
  if (serve_cmd->count("--memory") && !krill::node::parse_size(memory, config.memory_bytes)) {
    std::fprintf(stderr, "krill: bad --memory '%s' (examples: 512M, 2G)\n", memory.c_str());
    return 1;
  }
  if (auto err = krill::node::apply_logging_flags(*serve_cmd, logging_flags, config.logging); !err.empty()) {
    std::fprintf(stderr, "krill: %s\n", err.c_str());
    return 1;
  }
  return krill::node::serve(config, config_file, environ);
}
