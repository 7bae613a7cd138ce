LIB_OBJS += store/link.o store/province.o store/sql.o
