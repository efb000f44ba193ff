// `krill stress` entry point (see stress.h).
#include "tools/stress/stress.h"

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "tools/stress/options.h"
#include "tools/stress/runner.h"

namespace krill::tools::stress {

int run(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  Options options;
  if (auto error = parse_options(args, options); !error.empty()) {
    std::cerr << "krill stress: " << error << "\n\n" << usage();
    return 2;
  }
  if (options.help) {
    std::cout << usage();
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);
  return run_workload(options, std::cout, std::cerr);
}

}  // namespace krill::tools::stress
