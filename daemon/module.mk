DAEMON_OBJS += daemon/main.o daemon/loop.o daemon/workers.o daemon/control.o
