LIB_OBJS += config/config.o
UNIT_TESTS += tests/unit/test_config
