# ops: the operations both front ends (loaxa, loaxa-web) call; see ops/ops.h.
LIB_OBJS += ops/ops.o ops/bulletin.o ops/clip.o ops/queue.o ops/schedule.o ops/daemon.o \
            ops/config.o ops/log.o ops/users.o
