# Black-box tests: start the real krill binary on free ports of 127.0.0.1 in temporary
# directories and drive it with unmodified drivers (Python, Node.js, Go).
# Included from tests/CMakeLists.txt only when the `krill` target exists.
# Run them with:  ctest --test-dir build -L blackbox --output-on-failure

# Debian's python3-cassandra and python3-pytest live under /usr/bin/python3; a pyenv python3
# earlier on PATH has neither, so the interpreter is named explicitly.
add_test(NAME python_driver
  COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/tests/python
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

# npm cassandra-driver 4.10.0 is installed into tests/node/node_modules by scripts/install-deps.sh.
add_test(NAME node_driver
  COMMAND node --test ${PROJECT_SOURCE_DIR}/tests/node/
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/node)

# The web dashboard in Debian's headless chromium (playwright-core, tests/browser/package.json).
add_test(NAME dashboard_browser
  COMMAND node --test ${PROJECT_SOURCE_DIR}/tests/browser/
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/browser)
set_tests_properties(dashboard_browser PROPERTIES
  LABELS blackbox
  TIMEOUT 300
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>")

# gocql from Debian (/usr/share/gocode), built offline in GOPATH mode by run.sh.
add_test(NAME go_driver
  COMMAND bash ${PROJECT_SOURCE_DIR}/tests/go/run.sh
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/go)

set_tests_properties(python_driver node_driver go_driver PROPERTIES
  LABELS blackbox
  TIMEOUT 600)
set_tests_properties(python_driver PROPERTIES
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>;PYTHONDONTWRITEBYTECODE=1")
set_tests_properties(node_driver PROPERTIES
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>")
set_tests_properties(go_driver PROPERTIES
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>;GOCACHE=${CMAKE_BINARY_DIR}/go-cache")
