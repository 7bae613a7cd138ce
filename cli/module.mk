CLI_OBJS += cli/main.o cli/util.o cli/cmd_bulletin.o cli/cmd_clip.o \
            cli/cmd_config.o cli/cmd_normalize.o cli/cmd_queue.o cli/cmd_schedule.o \
            cli/cmd_daemon.o cli/cmd_audio.o cli/cmd_log.o cli/cmd_report.o \
            cli/cmd_import.o cli/cmd_user.o cli/cmd_live.o
