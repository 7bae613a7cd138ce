LIB_OBJS += scheduler/calendar.o scheduler/plan.o scheduler/pool.o
UNIT_TESTS += tests/unit/test_calendar tests/unit/test_plan
FUZZ_TARGETS += tests/fuzz/fuzz_calendar
