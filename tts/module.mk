# tts/: the normalizer and its lint, the lexicon, the speech engines, the
# synthesis thread, rendering and the render cache.
LIB_OBJS += tts/text.o tts/number.o tts/syllable.o tts/lexicon.o tts/normalize.o tts/lint.o \
	    tts/engine.o tts/engine_espeak.o tts/engine_command.o tts/engine_fake.o \
	    tts/render.o tts/cache.o
UNIT_TESTS += tests/unit/test_normalize tests/unit/test_lint tests/unit/test_lexicon \
	      tests/unit/test_tts_render tests/unit/test_region
FUZZ_TARGETS += tests/fuzz/fuzz_normalize tests/fuzz/fuzz_lexicon

# bench/render.sh: cache miss against cache hit, in process
bench/tts_cache: bench/tts_cache.c libloaxa.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
