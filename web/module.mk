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
UNIT_TESTS += tests/unit/test_web tests/unit/test_web_session
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

# make install / uninstall: the program, its pages, its man page and unit.
install: install-web
uninstall: uninstall-web
install-web: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(WEBDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	install -m 755 loaxa-web $(DESTDIR)$(SBINDIR)/loaxa-web
	install -m 644 web/static/index.html web/static/app.js web/static/recorder.js \
		web/static/style.css web/static/favicon.svg $(DESTDIR)$(WEBDIR)/
	install -m 644 man/loaxa-web.8 $(DESTDIR)$(MANDIR)/man8/loaxa-web.8
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@WEBDIR@|$(WEBDIR)|g' systemd/loaxa-web.service.in > $(DESTDIR)$(UNITDIR)/loaxa-web.service
	chmod 644 $(DESTDIR)$(UNITDIR)/loaxa-web.service
uninstall-web:
	rm -f $(DESTDIR)$(SBINDIR)/loaxa-web $(DESTDIR)$(MANDIR)/man8/loaxa-web.8 \
		$(DESTDIR)$(UNITDIR)/loaxa-web.service
	rm -rf $(DESTDIR)$(WEBDIR)
.PHONY: install-web uninstall-web
