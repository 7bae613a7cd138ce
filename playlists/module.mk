LIB_OBJS += playlists/check.o playlists/build.o playlists/render.o
