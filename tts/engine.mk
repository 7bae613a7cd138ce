LIB_OBJS += tts/engine.o tts/render.o
UNIT_TESTS += tests/unit/test_tts_render
