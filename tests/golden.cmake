# Golden CQL tests: tests/cql/*.cql scripts with recorded expected output, run against the
# real krill binary through Debian's Python driver by tests/cql/run_golden.py (one CTest
# test; the runner reports each file and ends with "N passed, M failed").
# Included from tests/CMakeLists.txt only when the `krill` target exists.
# Run them with:  ctest --test-dir build -L golden --output-on-failure
# The format is described in tests/cql/README.md.

# Debian's python3-cassandra lives under /usr/bin/python3 (a pyenv python3 earlier on PATH
# has no driver), so the interpreter is named explicitly.
add_test(NAME golden_cql
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/cql/run_golden.py ${PROJECT_SOURCE_DIR}/tests/cql
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

set_tests_properties(golden_cql PROPERTIES
  LABELS golden
  TIMEOUT 600
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>;PYTHONDONTWRITEBYTECODE=1")
