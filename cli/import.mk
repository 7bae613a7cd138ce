# cli/: bulletin import-check and the bridge from `bulletin add/check --file` to import/.
CLI_OBJS += cli/cmd_import.o
