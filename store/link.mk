LIB_OBJS += store/link.o store/province.o
