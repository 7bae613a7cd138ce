LIB_OBJS += scheduler/plan.o scheduler/pool.o
UNIT_TESTS += tests/unit/test_plan
