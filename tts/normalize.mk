LIB_OBJS += tts/text.o tts/number.o tts/lexicon.o tts/normalize.o tts/lint.o
UNIT_TESTS += tests/unit/test_normalize tests/unit/test_lint
FUZZ_TARGETS += tests/fuzz/fuzz_normalize
