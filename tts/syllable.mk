# tts/: the syllable check, public (import/ repairs PDF text with it).
LIB_OBJS += tts/syllable.o
