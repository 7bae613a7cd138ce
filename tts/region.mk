# tts/: the regions (tts/number.c tables, tts.region): their own unit test.
UNIT_TESTS += tests/unit/test_region
