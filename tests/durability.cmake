# Crash test: kill -9 under concurrent writers, every commitlog_sync mode; every
# acknowledged write must be there after the restart (tests/durability/crash_test.py).
# This is the short version (3 crashes per mode, about 30 s); the long one is
#   /usr/bin/python3 tests/durability/crash_test.py --long
# Included from tests/CMakeLists.txt only when the `krill` target exists.
# Run it with:  ctest --test-dir build -L durability --output-on-failure

add_test(NAME durability_crash
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/durability/crash_test.py --crashes 3
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

set_tests_properties(durability_crash PROPERTIES
  LABELS durability
  TIMEOUT 300
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>;PYTHONDONTWRITEBYTECODE=1")

# Memory test: --memory 256M under sustained driver load; peak RSS must stay under the
# budget and oversized excess load must get OVERLOADED. Long version:
#   /usr/bin/python3 tests/durability/memory_test.py --seconds 600
add_test(NAME durability_memory
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/durability/memory_test.py --seconds 30
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(durability_memory PROPERTIES
  LABELS durability
  TIMEOUT 300
  RUN_SERIAL TRUE
  ENVIRONMENT "KRILL_BIN=$<TARGET_FILE:krill>;PYTHONDONTWRITEBYTECODE=1")
