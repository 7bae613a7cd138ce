# Calendar expressions (systemd.time(7)): the parser and next-instant walk,
# their unit test (compares with systemd-analyze) and fuzz target.
LIB_OBJS += scheduler/calendar.o
UNIT_TESTS += tests/unit/test_calendar
FUZZ_TARGETS += tests/fuzz/fuzz_calendar
