LIB_OBJS += playlists/check.o playlists/build.o playlists/render.o
UNIT_TESTS += tests/unit/test_playlists
