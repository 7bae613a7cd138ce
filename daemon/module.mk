DAEMON_OBJS += daemon/main.o
