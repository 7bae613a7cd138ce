DAEMON_OBJS += daemon/main.o daemon/loop.o daemon/plan.o daemon/airlog.o daemon/control.o \
               daemon/request.o daemon/workers.o daemon/zones.o
