LIB_OBJS += reports/reports.o
UNIT_TESTS += tests/unit/test_reports
