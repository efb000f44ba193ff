// `krill serve`: sets up logging (named loggers, syslog, crash reporter) and systemd
// notification, runs a Node until SIGTERM/SIGINT, then drains. Returns the exit code.
#pragma once

#include <string>

#include "node/config.h"

namespace krill::node {

int serve(const Config& config, const std::string& config_file, char** envp);

}  // namespace krill::node
