add_library(krill_cql STATIC
  query_processor.cc prepare.cc support.cc terms.cc properties.cc ddl.cc modification.cc where.cc
  selection.cc select.cc select_read.cc slices.cc functions.cc casts.cc aggregates.cc
  numeric.cc json.cc row_view.cc collections.cc insert_rows.cc lwt.cc ddl_alter.cc ddl_types.cc describe.cc
  index_ddl.cc index_read.cc index_write.cc view_ddl.cc view_write.cc derived_writes.cc write_group.cc)
target_include_directories(krill_cql PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(krill_cql PUBLIC krill_cql_parser krill_schema krill_coordinator krill_common)

krill_add_unit_test(cql_numeric_test
  SOURCES numeric_test.cc numeric.cc
  LIBS krill_common)
