#!/bin/sh
# The Debian package as a commune's contractor uses it, on this machine, as
# root: build it (`make deb`), lintian, then install the package of the
# previous release, make bulletins and airings with it, upgrade to the new
# package, and check that the store migrated with every logged row kept and
# that the daemon airs again; then remove (binaries gone, data kept) and
# purge (data kept and reported).
#
# loaxad runs as the unit's user (User= in loaxad.service): through
# systemd where systemd runs, else directly with setpriv.
#
# It installs into the real /usr and uses the real /var/lib/loaxa, so it
# refuses to run where loaxa is installed or /var/lib/loaxa exists, and
# leaves neither behind.
#
#   sh tests/package/test_package.sh          (as root; CI runs it)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/loaxa-pkg.XXXXXX)
chmod 755 "$W"
PASS=0
FAIL=0
DAEMON_PID=
# The last commit of the previous release (stop 9 of round 1): its tree has
# no debian/, so the test builds it with this one's packaging, as 0.1.0.
OLD_COMMIT=178bc26afaeefe5b8fa850e13cf04501e2575e3a
STATE=/var/lib/loaxa

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok; else bad "$d"; fi
}
finish() {
	echo "$(basename "$0"): $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	if [ -n "${INSTALLED:-}" ]; then
		apt-get purge -y -q loaxa >/dev/null 2>&1
		rm -rf "$STATE" /run/loaxa /etc/loaxa
		userdel loaxa 2>/dev/null
		groupdel loaxa 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "test_package.sh: run as root (it installs the package)" >&2
	exit 1
fi
if dpkg-query -W -f='${Status}' loaxa 2>/dev/null | grep -q 'installed' || [ -e "$STATE" ]; then
	echo "test_package.sh: loaxa is installed or $STATE exists here; this test needs a machine without them" >&2
	exit 1
fi
if ! git -C "$TOP" cat-file -e "$OLD_COMMIT^{commit}" 2>/dev/null; then
	echo "test_package.sh: the previous release ($OLD_COMMIT) is not in this clone's history; clone without --depth" >&2
	exit 1
fi

# ---- build: the new package (make deb) and the previous release's --------
export DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" # the suite ran the unit tests
if (cd "$TOP" && make -s deb) >"$W/deb.log" 2>&1; then ok; else
	bad "make deb failed"
	tail -n 40 "$W/deb.log" >&2
	finish
	exit 1
fi
NEW=$(ls "$TOP"/deb/loaxa_*_*.deb | head -1)
NEWV=$(dpkg-deb -f "$NEW" Version)
echo "built $(basename "$NEW")"

lintian --tag-display-limit 0 "$TOP"/deb/*.changes >"$W/lintian" 2>&1
grep -v -e 'running with root privileges' "$W/lintian" | sed 's/^/lintian: /'
errors=$(grep -c '^E: ' "$W/lintian")
check "lintian: no errors ($errors)" [ "$errors" = 0 ]

mkdir -p "$W/old/src"
git -C "$TOP" archive "$OLD_COMMIT" | tar -x -C "$W/old/src"
cp -r "$TOP/debian" "$W/old/src/"
cp "$TOP/data/loaxa.conf" "$W/old/src/data/"
cp "$TOP/systemd/loaxa.sysusers" "$TOP/systemd/loaxa.tmpfiles" "$W/old/src/systemd/"
# the old tree has only the daemon and the command: its control keeps the
# source stanza and the loaxa package
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR == 1 || /^Package: loaxa\n/' "$TOP/debian/control" \
	>"$W/old/src/debian/control"
for f in "$W"/old/src/debian/loaxa-*; do [ -e "$f" ] && rm -f "$f"; done
sed -i '/-ploaxa-/d' "$W/old/src/debian/rules"
# what 0.1.0's `make install` installs (later files are not in its tree)
cat >"$W/old/src/debian/loaxa.install" <<EOF
usr/bin/loaxa
usr/sbin/loaxad
usr/share/bash-completion/completions/loaxa
usr/share/locale/vi/LC_MESSAGES/loaxa.mo
usr/share/man/man1/loaxa.1
usr/share/man/man5/loaxa.conf.5
usr/share/man/man8/loaxad.8
data/loaxa.conf etc/loaxa
lib/systemd/system/loaxad.service
EOF
cat >"$W/old/src/debian/changelog" <<EOF
loaxa (0.1.0) unstable; urgency=medium

  * The previous release, packaged for the upgrade test.

 -- loaxa developers <loaxa-devel@lists.loaxa.invalid>  Tue, 01 Sep 2026 12:00:00 +0700
EOF
if (cd "$W/old/src" && dpkg-buildpackage -us -uc -b) >"$W/old.log" 2>&1; then ok; else
	bad "building the previous release failed"
	tail -n 40 "$W/old.log" >&2
	finish
	exit 1
fi
OLD=$(ls "$W"/old/loaxa_0.1.0_*.deb)

# ---- helpers ----------------------------------------------------------------
as_loaxa() { HOME=$STATE setpriv --reuid=loaxa --regid=loaxa --init-groups "$@"; }
unit_user() { sed -n 's/^User=//p' /lib/systemd/system/loaxad.service; }

# write_conf NAME: a configuration with one slot 20 s from now, the WAV sink
write_conf() {
	at=$(($(date +%s) + 20))
	WHEN=$(TZ=Asia/Ho_Chi_Minh date -d "@$at" '+%Y-%m-%d %H:%M:%S') # the default time zone
	cat >"$W/test.conf" <<EOF
lead_seconds = 10;
audio = { output = "wav"; wav_path = "$STATE/test-$1.wav"; pace = true; };
programs = { tin = { items = ( { queue = true; } ); }; };
slots = ( { name = "$1"; when = "$WHEN"; program = "tin"; catch_up_minutes = 5; } );
EOF
	chmod 644 "$W/test.conf"
}

start_daemon() {
	user=$(unit_user)
	install -d -o "$user" -g loaxa -m 0750 /run/loaxa
	if [ -d /run/systemd/system ]; then
		systemctl stop loaxad 2>/dev/null
		systemd-run --unit=loaxad-test -p User="$user" -p Group=loaxa \
			/usr/sbin/loaxad --config "$W/test.conf" >/dev/null
		DAEMON_PID=$(systemctl show -p MainPID --value loaxad-test)
	else
		HOME=$STATE setpriv --reuid="$user" --regid=loaxa --init-groups \
			/usr/sbin/loaxad --config "$W/test.conf" >>"$W/daemon.log" 2>&1 &
		DAEMON_PID=$!
	fi
	for _ in $(seq 100); do
		/usr/bin/loaxa --config "$W/test.conf" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	bad "loaxad did not start"
	cat "$W/daemon.log" >&2
	return 1
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	DAEMON_PID=
}

# air_one SLOT: a bulletin queued for a slot 20 s ahead, aired, completed
air_one() {
	write_conf "$1"
	printf 'Bản tin thử gói %s: hồ sơ nộp trực tuyến.\n' "$1" >"$W/tin-$1.txt"
	chmod 644 "$W/tin-$1.txt"
	id=$(as_loaxa /usr/bin/loaxa --config "$W/test.conf" bulletin add --topic tthc \
		--title "Thử gói $1" --airings 1 --file "$W/tin-$1.txt" 2>>"$W/cli.log")
	check "bulletin added as user loaxa ($1)" [ -n "$id" ]
	check "queued ($1)" as_loaxa /usr/bin/loaxa --config "$W/test.conf" queue add "$id" --slot "$1" >/dev/null
	start_daemon || return 1
	st=
	for _ in $(seq 600); do
		st=$(sqlite3 "$STATE/loaxa.db" "SELECT status FROM airings WHERE slot = '$1'" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != started ] && break
		sleep 0.1
	done
	if [ "$st" = completed ]; then ok; else
		bad "the $1 slot did not air (status: $st)"
		tail -n 20 "$W/daemon.log" "$W/cli.log" >&2
	fi
	check "the daemon ran as $(unit_user)" sh -c "[ \"\$(ps -o user= -p $DAEMON_PID)\" = '$(unit_user)' ]"
	# with the daemon up, every file the man pages list is where they say
	for page in loaxad loaxa; do
		for f in $(man_files $page); do
			check "$page(8/1) FILES: $f" [ -e "$f" ]
		done
	done
	stop_daemon
}

# man_files PAGE: the paths under FILES in the installed man page
man_files() {
	zcat "$(man -w "$1")" | sed -n '/^\.SH FILES/,/^\.SH/p' | sed -n 's/^\.I \(\/[^ ]*\).*/\1/p'
}

rows() { # every logged row and item, in a stable form
	sqlite3 "$STATE/loaxa.db" "SELECT a.id, a.slot, a.scheduled_at, a.status, a.audio_sha256,
		i.seq, i.kind, i.bulletin_id, i.completed
		FROM airings a LEFT JOIN aired_items i ON i.airing_id = a.id ORDER BY a.id, i.seq"
}

# ---- the previous release --------------------------------------------------
if apt-get install -y -q "$OLD" >"$W/apt-old.log" 2>&1; then ok; else
	bad "installing the previous release failed"
	tail -n 20 "$W/apt-old.log" >&2
fi
INSTALLED=1
check "user loaxa made by sysusers" id loaxa
check "$STATE made by tmpfiles, owned by loaxa" sh -c "[ \"\$(stat -c %U:%G '$STATE')\" = loaxa:loaxa ]"
air_one alpha
before=$(rows)
old_version=$(sqlite3 "$STATE/loaxa.db" 'PRAGMA user_version')
check "the previous release logged an airing" [ -n "$before" ]

# ---- upgrade -------------------------------------------------------------------
if apt-get install -y -q "$NEW" >"$W/apt-new.log" 2>&1; then ok; else
	bad "upgrading to $NEWV failed"
	tail -n 20 "$W/apt-new.log" >&2
fi
check "upgraded to $NEWV" sh -c "dpkg-query -W -f='\${Version}' loaxa | grep -qx '$NEWV'"
check "loaxa config check passes" /usr/bin/loaxa config check >/dev/null
check "/etc/loaxa/loaxa.conf is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' loaxa | grep -q /etc/loaxa/loaxa.conf"
for f in /usr/bin/loaxa /usr/sbin/loaxad /lib/systemd/system/loaxad.service \
	/usr/lib/sysusers.d/loaxa.conf /usr/lib/tmpfiles.d/loaxa.conf \
	/usr/share/locale/vi/LC_MESSAGES/loaxa.mo /usr/share/bash-completion/completions/loaxa; do
	check "installed: $f" [ -e "$f" ]
done
for m in loaxa loaxad loaxa.conf; do
	check "man $m" sh -c "man -w $m >/dev/null 2>&1"
done
air_one beta # the first access by the new version migrates the store
after=$(rows)
new_version=$(sqlite3 "$STATE/loaxa.db" 'PRAGMA user_version')
echo "store schema $old_version -> $new_version"
check "the store migrated ($old_version -> $new_version)" [ "$new_version" -gt "$old_version" ]
printf '%s\n' "$before" | sort >"$W/before"
printf '%s\n' "$after" | sort >"$W/after"
check "every row logged before the upgrade is still there, unchanged" \
	sh -c "[ -z \"\$(comm -23 '$W/before' '$W/after')\" ]"
check "the airing log grew by the new airing" [ "$(printf '%s\n' "$after" | wc -l)" -gt "$(printf '%s\n' "$before" | wc -l)" ]
check "integrity_check ok" sh -c "[ \"\$(sqlite3 '$STATE/loaxa.db' 'PRAGMA integrity_check')\" = ok ]"

# ---- remove, then purge ------------------------------------------------------
apt-get remove -y -q loaxa >"$W/remove.log" 2>&1
check "removed: /usr/bin/loaxa gone" [ ! -e /usr/bin/loaxa ]
check "removed: /usr/sbin/loaxad gone" [ ! -e /usr/sbin/loaxad ]
check "removed: the airing log kept" [ -s "$STATE/loaxa.db" ]
check "removed: the configuration kept" [ -e /etc/loaxa/loaxa.conf ]
apt-get purge -y -q loaxa >"$W/purge.log" 2>&1
grep '^loaxa:' "$W/purge.log"
check "purge says where the data is" grep -q "kept in /var/lib/loaxa" "$W/purge.log"
check "purged: the airing log still kept" [ -s "$STATE/loaxa.db" ]
check "purged: the configuration gone" [ ! -e /etc/loaxa/loaxa.conf ]
check "purged: nothing of the package left in dpkg" sh -c "! dpkg-query -W loaxa >/dev/null 2>&1 || dpkg-query -W -f='\${Status}' loaxa | grep -q not-installed"

finish
