LIB_OBJS += base/base.o base/utf8.o
UNIT_TESTS += tests/unit/test_base
