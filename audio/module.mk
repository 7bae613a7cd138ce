LIB_OBJS += audio/file.o audio/mix.o audio/sink.o audio/relay.o
UNIT_TESTS += tests/unit/test_audio
