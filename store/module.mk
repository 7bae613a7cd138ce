LIB_OBJS += store/store.o
UNIT_TESTS += tests/unit/test_store
