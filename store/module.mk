LIB_OBJS += store/store.o store/report_queries.o store/users.o \
            store/link.o store/province.o store/requests.o
UNIT_TESTS += tests/unit/test_store
