// `krill cql`: an interactive CQL shell in the spirit of cqlsh, with script mode (-e, -f,
// piped stdin) and COPY FROM/TO for CSV files. See docs/shell.md.
//
// run() parses cqlsh-style arguments (everything after "cql"), connects, and returns the
// process exit status: 0 success, 1 connection or usage error, 2 when a statement failed
// in script mode.
#pragma once

namespace krill::tools::shell {

int run(int argc, char** argv);

}  // namespace krill::tools::shell
