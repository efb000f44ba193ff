# The CQL native protocol codec: frame header, body primitives, compression, and the request
# decoders / response encoders. Included from src/transport/CMakeLists.txt.
add_library(krill_transport_codec STATIC
  ${CMAKE_CURRENT_LIST_DIR}/frame.cc
  ${CMAKE_CURRENT_LIST_DIR}/messages.cc)
target_include_directories(krill_transport_codec PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(krill_transport_codec PUBLIC krill_common lz4 snappy)

krill_add_unit_test(transport_codec_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/frame_test.cc ${CMAKE_CURRENT_LIST_DIR}/messages_test.cc
  LIBS krill_transport_codec)
