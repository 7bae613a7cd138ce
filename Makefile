# loaxa — plain GNU make.  Each module folder adds its objects in its own
# module.mk; this file holds the rules that apply to all of them.
#
#   make                 build loaxa and loaxad
#   make check           unit tests (cmocka) and CLI tests
#   make check SANITIZE=address,undefined
#   make valgrind        unit and CLI tests under valgrind
#   make install PREFIX=/usr DESTDIR=...   /  make uninstall

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
LOCALEDIR ?= $(DATADIR)/locale
SYSCONFDIR ?= /etc
UNITDIR   ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
VERSION   := 0.1.0

CC      ?= cc
PKGS    := sqlite3 libconfig libutf8proc jansson libcrypto espeak-ng portaudio-2.0 \
           sndfile soxr libebur128 libsystemd xlsxwriter libzip libxml-2.0 poppler-glib libsodium \
           libcurl libmpg123 ogg vorbis opus shout lame
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -MMD -MP -I. \
           -DLOCALEDIR='"$(LOCALEDIR)"' -DLOAXA_VERSION='"$(VERSION)"' \
           -DSYSCONFDIR='"$(SYSCONFDIR)"' -DPKGDATADIR='"$(DATADIR)/loaxa"' $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm -lpthread

ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Modules add to these.
LIB_OBJS   :=
CLI_OBJS   :=
DAEMON_OBJS :=
UNIT_TESTS :=
FUZZ_TARGETS :=

all: loaxa loaxad mo

# In dependency order, lowest first (see DESIGN.md "Layout").
MODULES := base config store audio tts import reports playlists scheduler ops link cli web daemon
include $(addsuffix /module.mk,$(MODULES))
include tests/module.mk

# The unit tests alone (the Debian build runs these; `make check` runs all).
check-unit: all $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; ./$$t || fail=1; \
	done; exit $$fail

# The Debian packages, from a clean tree (see debian/ and README
# "Installing for real"); they land in deb/.
deb:
	sh scripts/package

libloaxa.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

loaxa: $(CLI_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

loaxad: $(DAEMON_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Translations: po/LANG.po -> po/LANG/LC_MESSAGES/loaxa.mo (the tests point
# LOAXA_LOCALEDIR at po/ so a build tree speaks Vietnamese without install).
LINGUAS := vi
MO := $(foreach l,$(LINGUAS),po/$(l)/LC_MESSAGES/loaxa.mo)
mo: $(MO)
po/%/LC_MESSAGES/loaxa.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

ALL_SRCS = $(sort $(wildcard */*.c))
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -o po/loaxa.pot --package-name=loaxa \
		--package-version=$(VERSION) --no-wrap $(filter-out tests/% bench/%,$(ALL_SRCS) $(wildcard */*.h))
	python3 po/fill.py

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/loaxa \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(COMPLETIONDIR)
	install -m 755 loaxa $(DESTDIR)$(BINDIR)/loaxa
	install -m 755 loaxad $(DESTDIR)$(SBINDIR)/loaxad
	install -m 644 man/loaxa.1 $(DESTDIR)$(MANDIR)/man1/loaxa.1
	install -m 644 man/loaxa.conf.5 $(DESTDIR)$(MANDIR)/man5/loaxa.conf.5
	install -m 644 man/loaxad.8 $(DESTDIR)$(MANDIR)/man8/loaxad.8
	install -m 644 data/loaxa.conf.example $(DESTDIR)$(SYSCONFDIR)/loaxa/loaxa.conf.example
	# the report document's template (reports/docx.c)
	for d in _rels docProps word word/_rels; do install -d $(DESTDIR)$(DATADIR)/loaxa/docx/$$d; done
	cd data/docx && for f in '[Content_Types].xml' _rels/.rels docProps/core.xml docProps/app.xml \
		word/_rels/document.xml.rels word/document.xml word/styles.xml word/settings.xml; do \
		install -m 644 "$$f" "$(DESTDIR)$(DATADIR)/loaxa/docx/$$f"; done
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/loaxad.service.in > $(DESTDIR)$(UNITDIR)/loaxad.service
	chmod 644 $(DESTDIR)$(UNITDIR)/loaxad.service
	install -m 644 systemd/loaxa.sysusers $(DESTDIR)$(SYSUSERSDIR)/loaxa.conf
	install -m 644 systemd/loaxa.tmpfiles $(DESTDIR)$(TMPFILESDIR)/loaxa.conf
	install -m 644 completion/loaxa.bash $(DESTDIR)$(COMPLETIONDIR)/loaxa
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 po/$$l/LC_MESSAGES/loaxa.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/loaxa.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/loaxa $(DESTDIR)$(SBINDIR)/loaxad \
		$(DESTDIR)$(MANDIR)/man1/loaxa.1 $(DESTDIR)$(MANDIR)/man5/loaxa.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/loaxad.8 \
		$(DESTDIR)$(SYSCONFDIR)/loaxa/loaxa.conf.example \
		$(DESTDIR)$(UNITDIR)/loaxad.service $(DESTDIR)$(SYSUSERSDIR)/loaxa.conf \
		$(DESTDIR)$(TMPFILESDIR)/loaxa.conf $(DESTDIR)$(COMPLETIONDIR)/loaxa
	rm -rf $(DESTDIR)$(DATADIR)/loaxa/docx
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/loaxa.mo; done
	-rmdir $(DESTDIR)$(SYSCONFDIR)/loaxa 2>/dev/null

clean:
	rm -f loaxa loaxad loaxa-web loaxa-link loaxa-province libloaxa.a $(UNIT_TESTS) $(FUZZ_TARGETS)
	find . -name '*.o' -o -name '*.d' | xargs rm -f
	rm -rf po/*/LC_MESSAGES

-include $(shell find . -name '*.d' 2>/dev/null)

.PHONY: all mo pot install uninstall clean check check-unit deb valgrind fuzz
