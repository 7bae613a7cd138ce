LIB_OBJS += store/store.o store/report_queries.o
UNIT_TESTS += tests/unit/test_store
