LIB_OBJS += store/users.o
