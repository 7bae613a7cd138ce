#!/bin/sh
# Security of the running daemon and of the sources:
# - the control socket refuses a user outside group loaxa (a second uid,
#   nobody), and lets in one whose supplementary group is loaxa;
# - every SQL statement is prepared with bound parameters: no SQL is
#   built with a printf-style format in the sources;
# - loaxad opens no network socket (it has only Unix sockets, airing);
# - a CSV export neutralises a title that looks like a formula;
# - `systemd-analyze security` of the unit is 2.5 or better.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh

# --- no SQL built by formatting: SQL keywords inside a format string of a
# printf-family call.  The one exception is reviewed: the schema migration
# formats constant DDL with the integer schema version.
sqlfmt=$(cd "$TOP" && grep -nE '(printf|xasprintf|sbuf_addf|sqlite3_mprintf|sqlite3_snprintf)\(.*"[^"]*\b(SELECT|INSERT|UPDATE|DELETE|REPLACE|WHERE|VALUES|DROP|ALTER)\b' \
	--include='*.c' -r base config store audio tts reports playlists scheduler cli daemon |
	grep -v 'store/store.c:.*"BEGIN IMMEDIATE; %s PRAGMA user_version = %d; COMMIT;"')
[ -z "$sqlfmt" ] && ok || bad "SQL built with a format string: $sqlfmt"
# and the check finds one when there is one
printf 'q = xasprintf("SELECT * FROM t WHERE x = %%s", v);\n' >"$S/probe.c"
grep -qE '(printf|xasprintf)\(.*"[^"]*\b(SELECT|WHERE)\b' "$S/probe.c" && ok || bad "the SQL grep misses a formatted query"

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
for _ in $(seq 100); do
	loaxa log --format csv 2>/dev/null | grep -q completed && break
	sleep 0.2
done

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

# CSV: the formula is neutralised
loaxa log --format csv >"$S/log.csv"
grep -q "'=HYPERLINK" "$S/log.csv" && ok || bad "the CSV log does not neutralise the title: $(grep -o '.HYPERLINK[^,]*' "$S/log.csv" | head -1)"
if grep -q '[,"]=HYPERLINK' "$S/log.csv"; then bad "a cell of the CSV log starts with ="; else ok; fi

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
