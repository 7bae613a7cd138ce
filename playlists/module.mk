LIB_OBJS += playlists/check.o
