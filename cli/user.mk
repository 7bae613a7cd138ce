CLI_OBJS += cli/cmd_user.o
