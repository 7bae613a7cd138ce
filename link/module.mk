# link/: loaxa-link (the commune's end of the province link) and
# loaxa-province (the province's side), over MQTT (libmosquitto) with
# Ed25519 signatures (libsodium).  Only these two programs link them.
LINK_PKGS := libmosquitto libsodium
LINK_LIBS := $(shell pkg-config --libs $(LINK_PKGS))
CFLAGS += $(shell pkg-config --cflags $(LINK_PKGS))
LINKMOD_OBJS := link/msg.o link/sign.o link/mqtt.o link/commune.o link/province.o \
                link/collect.o link/preport.o

all: loaxa-link loaxa-province

loaxa-link: link/link_main.o $(LINKMOD_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(LINK_LIBS)

loaxa-province: link/province_main.o $(LINKMOD_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(LINK_LIBS)

UNIT_TESTS += tests/unit/test_link
tests/unit/test_link: tests/unit/test_link.o $(LINKMOD_OBJS) libloaxa.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS) $(LINK_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_link
tests/fuzz/fuzz_link: tests/fuzz/fuzz_link.c link/msg.c link/sign.c $(LIB_OBJS:.o=.c)
	clang $(FUZZ_CFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' -DLOAXA_VERSION='"$(VERSION)"' \
		-DSYSCONFDIR='"$(SYSCONFDIR)"' -o $@ $^ $(LDLIBS) $(LINK_LIBS)

# bench/province.sh's load simulator
bench/province_sim: bench/province_sim.c $(LINKMOD_OBJS) libloaxa.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(LINK_LIBS)

# make install / uninstall: the two programs, their units and the man page
install: install-link
install-link: loaxa-link loaxa-province
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	install -m 755 loaxa-link $(DESTDIR)$(SBINDIR)/loaxa-link
	install -m 755 loaxa-province $(DESTDIR)$(BINDIR)/loaxa-province
	install -m 644 man/loaxa-link.8 $(DESTDIR)$(MANDIR)/man8/loaxa-link.8
	install -m 644 man/loaxa-province.1 $(DESTDIR)$(MANDIR)/man1/loaxa-province.1
	for u in loaxa-link loaxa-province; do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' systemd/$$u.service.in \
			> $(DESTDIR)$(UNITDIR)/$$u.service; \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u.service; \
	done
uninstall: uninstall-link
uninstall-link:
	rm -f $(DESTDIR)$(SBINDIR)/loaxa-link $(DESTDIR)$(BINDIR)/loaxa-province \
		$(DESTDIR)$(MANDIR)/man8/loaxa-link.8 $(DESTDIR)$(MANDIR)/man1/loaxa-province.1 \
		$(DESTDIR)$(UNITDIR)/loaxa-link.service \
		$(DESTDIR)$(UNITDIR)/loaxa-province.service
.PHONY: install-link uninstall-link
