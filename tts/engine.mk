# tts/: the speech engines, the synthesis thread, rendering and the render cache.
LIB_OBJS += tts/engine.o tts/engine_espeak.o tts/engine_command.o tts/engine_fake.o \
	    tts/render.o tts/cache.o
UNIT_TESTS += tests/unit/test_tts_render

# bench/render.sh: cache miss against cache hit, in process
bench/tts_cache: bench/tts_cache.c libloaxa.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
