# web: loaxa-web, the operator's web console (libmicrohttpd; see web/web.h).
# Its pages are web/static/, installed to $(DATADIR)/loaxa/web.
WEB_OBJS += web/main.o web/server.o web/session.o web/decode.o web/api.o \
            web/api_bulletins.o web/api_clips.o web/api_air.o web/api_reports.o \
            web/api_admin.o web/strings.o
WEB_LIBS := $(shell pkg-config --libs libmicrohttpd)
WEBDIR ?= $(DATADIR)/loaxa/web
web/server.o: CFLAGS += -DWEBDIR='"$(WEBDIR)"'

loaxa-web: $(WEB_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(LDLIBS) $(WEB_LIBS)

all: loaxa-web

# API tests: loaxa-web and loaxad started by the test, libcurl as the client.
UNIT_TESTS += tests/unit/test_web
tests/unit/test_web: LDLIBS += $(shell pkg-config --libs libcurl)
tests/unit/test_web: | loaxa-web loaxad loaxa

# The browser test's tool: is the recorded microphone audio in what the sink received?
tests/web/wavfind: tests/web/wavfind.c
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs sndfile) -lm

# The fuzz target of what loaxa-web decodes (make fuzz).
FUZZ_TARGETS += tests/fuzz/fuzz_web
tests/fuzz/fuzz_web: tests/fuzz/fuzz_web.c web/decode.c $(LIB_OBJS:.o=.c)
	clang $(FUZZ_CFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' -DLOAXA_VERSION='"$(VERSION)"' \
		-DSYSCONFDIR='"$(SYSCONFDIR)"' -o $@ $^ $(LDLIBS)
