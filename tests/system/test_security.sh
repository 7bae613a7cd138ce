#!/bin/sh
# Security of the running daemon and of the sources:
# - the control socket refuses a user outside group loaxa (a second uid,
#   nobody), and lets in one whose supplementary group is loaxa;
# - no SQL is built by formatting: the compiler refuses it (store/sql.h:
#   SQLite takes only literals and static const tables of them, in store/
#   only), shown on planted probes, one a format string split over lines;
# - loaxad opens no network socket (it has only Unix sockets, airing);
# - a CSV export neutralises a title that looks like a formula;
# - `systemd-analyze security` of the unit is 2.5 or better.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh

# --- no SQL built by formatting, as the compiler sees it (store/sql.h):
# in store/, SQLite takes only string literals and static const tables of
# them; outside store/ nothing can name SQLite at all.  Each probe below is
# compiled; the bad ones must be refused, the good one accepted.
CF=$(cd "$TOP" && make -s --eval='print-cflags: ; @echo $(CFLAGS)' print-cflags | sed 's/-MMD -MP//')
compiles() { # compiles FILE [CC-ARGS...]: 0 when it compiles
	f=$1
	shift
	# shellcheck disable=SC2086
	(cd "$TOP" && ${CC:-cc} $CF "$@" -fsyntax-only "$f") >"$S/cc.out" 2>&1
}
probe() { # probe NAME BODY: a file of store/ with that function body
	cat >"$S/$1.c" <<C
#include <stdlib.h>
#include "base/base.h"
#include "store/sql.h"
static const char *const table[] = { "SELECT 1", "SELECT 2" };
static const char array[] = "SELECT 3";
int probe(sqlite3 *db, const char *title);
int
probe(sqlite3 *db, const char *title)
{
	sqlite3_stmt *st = NULL;
	(void)st; (void)title;
$2
}
C
}
probe good '	return sql_exec(db, "SELECT 1; "
			"SELECT 2") + sql_prepare_entry(db, table, 1, 0, &st) + sql_prepare_array(db, array, 0, &st);'
if compiles "$S/good.c"; then ok; else bad "the SQL probe that should compile does not: $(head -3 "$S/cc.out")"; fi
probe split '	char *q = xasprintf("SELECT id FROM bulletins "
			    "WHERE title = '"'"'%s'"'"'", title);
	int rc = sql_exec(db, q);
	free(q);
	return rc;'
probe raw '	char *q = xasprintf("SELECT id FROM bulletins "
			    "WHERE title = '"'"'%s'"'"'", title);
	int rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	free(q);
	return rc;'
probe mprintf '	return sql_exec(db, sqlite3_mprintf("DELETE FROM bulletins WHERE title = %Q", title));'
probe table '	const char *const mine[] = { title };
	return sql_prepare_entry(db, mine, 0, 0, &st);'
probe heap '	static const char *tbl[1];
	tbl[0] = xasprintf("SELECT * FROM bulletins WHERE title = '"'"'%s'"'"'", title);
	return sql_prepare_entry(db, tbl, 0, 0, &st);'
for p in split raw mprintf table heap; do
	if compiles "$S/$p.c"; then
		bad "formatted SQL ($p) compiles in store/"
	else
		ok
		echo "SQL probe $p refused: $(grep -m1 -E 'error' "$S/cc.out" | sed 's/^[^ ]* //')"
	fi
done
# outside store/: every other module compiles with SQLite's SQL entry points
# poisoned (so none includes <sqlite3.h>), and a file that does is refused
printf '#pragma GCC poison sqlite3_exec sqlite3_prepare_v2 sqlite3_prepare_v3 sqlite3_mprintf sqlite3_open_v2\n' >"$S/nosql.h"
n=0
for f in $(cd "$TOP" && ls base/*.c config/*.c audio/*.c tts/*.c reports/*.c playlists/*.c scheduler/*.c cli/*.c daemon/*.c); do
	n=$((n + 1))
	compiles "$f" -include "$S/nosql.h" || bad "$f names SQLite outside store/: $(head -2 "$S/cc.out")"
done
[ "$n" -gt 20 ] && ok || bad "only $n files outside store/ were compiled"
printf '#include <sqlite3.h>\nint f(sqlite3 *db) { return sqlite3_exec(db, "SELECT 1", 0, 0, 0); }\n' >"$S/cli-probe.c"
if compiles "$S/cli-probe.c" -include "$S/nosql.h"; then bad "a file outside store/ may call SQLite"; else ok; fi

# --- the unit's exposure, as systemd rates it
sed "s|@SBINDIR@|/usr/local/sbin|g" "$TOP/systemd/loaxad.service.in" >"$S/loaxad.service"
level=$(systemd-analyze security --offline=true "$S/loaxad.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for loaxad.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security: $level"
[ -n "$level" ] && [ "$(echo "$level <= 2.5" | bc)" = 1 ] && ok || bad "exposure level '$level', wanted 2.5 or better"

# --- the daemon, airing a bulletin whose title looks like a formula
sox -n -r 48000 -c 1 "$S/beep.wav" synth 1 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/run/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
CONF
mkdir -p "$S/run"
export LOAXA_CONFIG="$S/loaxa.conf"
B=$(loaxa bulletin add --topic tthc --title '=HYPERLINK("http://x.example","bấm")' --airings 0 \
	--text "Thông báo lịch tiếp công dân.") || exit 1
start_daemon "$S/loaxa.conf" || exit 1
loaxa air "$B" >/dev/null && ok || bad "air"
aired() { [ "$(sql "$S/state/loaxa.db" "SELECT count(*) FROM airings WHERE status = 'completed'")" -ge 1 ]; }
# a hang ceiling, not a timing goal: the 1-second airing is logged completed
for _ in $(seq 300); do aired 2>/dev/null && break; sleep 0.2; done
check "the airing is logged completed" aired

# no network socket: every socket loaxad holds is a Unix one
net=0
for fd in /proc/"$DAEMON_PID"/fd/*; do
	l=$(readlink "$fd" 2>/dev/null) || continue
	case $l in socket:\[*\]) ;; *) continue ;; esac
	ino=${l#socket:[}
	ino=${ino%]}
	for t in tcp tcp6 udp udp6 raw raw6; do
		awk -v i="$ino" 'NR > 1 && $10 == i { f = 1 } END { exit !f }' /proc/net/$t && net=$((net + 1))
	done
done
unix=$(ls -l /proc/"$DAEMON_PID"/fd | grep -c 'socket:')
[ "$net" = 0 ] && [ "$unix" -ge 1 ] && ok || bad "loaxad holds $net network sockets ($unix sockets in all)"
echo "loaxad holds $unix sockets, $net of them network sockets"

# CSV, read by a CSV parser: the title is there, neutralised, and no cell starts a formula
loaxa log --format csv >"$S/log.csv"
python3 - "$S/log.csv" <<'PY' && ok || bad "the CSV log does not neutralise the title: $(grep -o '.HYPERLINK[^,]*' "$S/log.csv" | head -1)"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert any(c.startswith("'=HYPERLINK(\"http://x.example\",") for r in rows for c in r), rows
assert not any(c[:1] in "=+-@\t\r" for r in rows for c in r if c), rows
PY

# --- the control socket: a second uid is refused, a member of group loaxa let in
getent group loaxa >/dev/null || groupadd -r loaxa || { bad "cannot create group loaxa"; finish; exit 1; }
gid=$(getent group loaxa | cut -d: -f3)
chmod 755 "$S" "$S/run"
chmod 666 "$S/run/control.sock" # past the file mode, to reach the daemon's own check
ask() { # ask SETPRIV-ARGS...: the daemon's answer to a status request
	setpriv "$@" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
try:
    s.sendall(b"{\"cmd\": \"status\"}\n")
except BrokenPipeError:
    pass  # refused: the answer is already there to read
print(s.recv(4096).decode().strip())' "$S/run/control.sock" 2>&1
}
out=$(ask --reuid 65534 --regid 65534 --clear-groups)
case $out in *'"ok":false'*loaxa*) ok ;; *) bad "uid 65534 outside group loaxa got: $out" ;; esac
out=$(ask --reuid 65534 --regid 65534 --groups "$gid")
case $out in *'"ok": true'* | *'"ok":true'*) ok ;; *) bad "uid 65534 in group loaxa (supplementary) got: $out" ;; esac
out=$(ask --reuid 65534 --regid "$gid" --clear-groups)
case $out in *'"ok": true'* | *'"ok":true'*) ok ;; *) bad "uid 65534 with primary group loaxa got: $out" ;; esac
check "the daemon stays up" kill -0 "$DAEMON_PID"
stop_daemon
finish
