LIB_OBJS += config/config.o config/diag.o
UNIT_TESTS += tests/unit/test_config
