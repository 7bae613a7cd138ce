# Tests: one cmocka binary per module (tests/unit/test_MODULE.c, added to
# UNIT_TESTS by the module's module.mk), shell tests of the CLI (tests/cli/),
# system tests through the real sound path (tests/system/), fuzz targets.

CMOCKA_LIBS := $(shell pkg-config --libs cmocka)

tests/unit/%: tests/unit/%.o libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# Unit tests run from the tree; CLI tests run the built programs.  cmocka's
# summary lines ([  PASSED  ] / [  FAILED  ]) are printed for every binary.
check: all $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; $(TEST_WRAP) ./$$t || fail=1; \
	done; \
	echo "== tests/cli"; TEST_WRAP="$(TEST_WRAP)" sh tests/cli/run.sh || fail=1; \
	echo "== tests/badinput"; TEST_WRAP="$(TEST_WRAP)" sh tests/badinput/run.sh || fail=1; \
	exit $$fail

valgrind:
	$(MAKE) check CASE_TIMEOUT=120 TEST_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"

# libFuzzer targets, built with clang: make fuzz FUZZ_SECONDS=600.  The
# modules add theirs (normalizer, calendar); these are the control-socket
# request parser, the configuration loader and the log writers (CSV).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -I. $(PKG_CFLAGS)
FUZZ_TARGETS += tests/fuzz/fuzz_control tests/fuzz/fuzz_config tests/fuzz/fuzz_csv
fuzz-build: $(FUZZ_TARGETS)
tests/fuzz/%: tests/fuzz/%.c $(LIB_OBJS:.o=.c)
	clang $(FUZZ_CFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' -DLOAXA_VERSION='"$(VERSION)"' \
		-DSYSCONFDIR='"$(SYSCONFDIR)"' -o $@ $^ $(LDLIBS)
tests/fuzz/fuzz_control: tests/fuzz/fuzz_control.c daemon/request.c $(LIB_OBJS:.o=.c)
	clang $(FUZZ_CFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' -DLOAXA_VERSION='"$(VERSION)"' \
		-DSYSCONFDIR='"$(SYSCONFDIR)"' -o $@ $^ $(LDLIBS)
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $$t.corpus; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		mkdir -p tests/fuzz/findings; \
		./$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=tests/fuzz/findings/ \
			$$t.corpus tests/fuzz/corpus/$$(basename $$t) || exit 1; \
	done

# The system tests' comparison tool (libsndfile).
tests/system/wavcmp: tests/system/wavcmp.c
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs sndfile) -lm
check-system: all tests/system/wavcmp tests/system/clockshift.so tests/system/iofault.so
	sh tests/system/run.sh

# bench/ programs (run by bench/*.sh)
bench/fill: bench/fill.c libloaxa.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# make soak SOAK_KILLS=200: kill -9 the daemon at random moments, then check the log
SOAK_KILLS ?= 200
soak: all tests/system/wavcmp
	SOAK_KILLS=$(SOAK_KILLS) sh tests/system/soak.sh

# Test-only LD_PRELOAD that steps the wall clock of the daemon (tests/system/test_clock.sh).
tests/system/clockshift.so: tests/system/clockshift.c
	$(CC) -O2 -g -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl -lpthread
# Test-only LD_PRELOAD: the state directory turns read-only (tests/system/test_storage.sh).
tests/system/iofault.so: tests/system/iofault.c
	$(CC) -O2 -g -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

# bench/sinkrec: when the null sink played each onset, by PulseAudio's timing (bench/airtime.sh)
bench/sinkrec: bench/sinkrec.c
	$(CC) $(CFLAGS) $(shell pkg-config --cflags libpulse) -o $@ $< $(shell pkg-config --libs libpulse)
