LIB_OBJS += store/report_queries.o
