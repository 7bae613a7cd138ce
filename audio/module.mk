LIB_OBJS += audio/file.o audio/mix.o audio/sink.o audio/relay.o audio/zones.o audio/icecast.o audio/record.o
UNIT_TESTS += tests/unit/test_audio tests/unit/test_relay
