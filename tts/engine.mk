LIB_OBJS += tts/engine.o tts/render.o
