CLI_OBJS += cli/main.o
