# scheduler/: calendar expressions (systemd.time(7): the parser and the
# next-instant walk, compared with systemd-analyze by their unit test, and a
# fuzz target), planning (what is due, missed, next; the catch-up rule) and
# the pool the picker reads from the store.
LIB_OBJS += scheduler/calendar.o scheduler/plan.o scheduler/pool.o
UNIT_TESTS += tests/unit/test_calendar tests/unit/test_plan
FUZZ_TARGETS += tests/fuzz/fuzz_calendar
