LIB_OBJS += reports/reports.o reports/write.o reports/log.o reports/docx.o
UNIT_TESTS += tests/unit/test_reports
