# cmake -DEXPECTED_EXIT=N -DTIMEOUT_S=S -DCOMMAND="a;b;c" -P run_expect_exit.cmake
# Runs COMMAND and fails unless it exits with EXPECTED_EXIT within TIMEOUT_S seconds.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE result TIMEOUT ${TIMEOUT_S})
if(NOT "${result}" STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "expected exit code ${EXPECTED_EXIT} within ${TIMEOUT_S} s, got: ${result}")
endif()
message(STATUS "exited with ${result} as expected")
