// `krill stress`: a cassandra-stress compatible load generator (see options.h for the syntax).
#pragma once

namespace krill::tools::stress {

// Runs `krill stress ARGS...`; argv[0..argc) are the arguments after "stress". Prints progress
// and the final report to stdout, problems to stderr. Returns the process exit code: 0 done
// without errors, 1 operations failed or the run could not start, 2 bad arguments.
int run(int argc, char** argv);

}  // namespace krill::tools::stress
