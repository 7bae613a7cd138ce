#!/bin/sh
# Storage faults under the running daemon: the state directory's disk full
# (a real 8 MiB tmpfs, filled up) and the file system turned read-only
# during an airing (tests/system/iofault.so makes the kernel's writes under
# the state directory fail with EROFS).  Each time: the airing goes on (it
# reaches the sound server), the error is logged, the log row is written
# once the disk allows, and the database is intact afterwards.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
make -s -C "$TOP" tests/system/iofault.so || exit 1
mkdir -p "$S/state"
mount -t tmpfs -o size=8m tmpfs "$S/state" || {
	bad "cannot mount a tmpfs for the state directory (this test needs root)"
	finish
	exit 1
}
storage_cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	[ -n "$PA_PID" ] && kill "$PA_PID" 2>/dev/null
	wait 2>/dev/null
	DAEMON_PID= PA_PID=
	umount "$S/state" 2>/dev/null
	cleanup
}
trap storage_cleanup EXIT
pa_start || exit 1

sox -n -r 48000 -c 1 "$S/tone.wav" synth 2 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "tone"; gap = 0.3; }, { tts = "Xin chào bà con."; } ); }; };
slots = ( { name = "s"; when = "*:*:0/10"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
db="$S/state/loaxa.db"
n() { sql "$db" "SELECT count(*) FROM airings WHERE status = '$1' AND scheduled_at > ${2:-0}"; }
wait_n() { # wait_n STATUS AFTER-MS COUNT SECONDS
	for _ in $(seq $(($4 * 5))); do
		[ "$(n "$1" "$2")" -ge "$3" ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
now_ms() { echo $(($(date +%s) * 1000)); }
# aired LINE-COUNT-BEFORE: the daemon said an airing completed after that line
completed_lines() { grep -c 'airing s (p): completed' "$S/daemon.log"; }

LOAXA_TEST_IOFAULT="$S/readonly" LOAXA_TEST_IOFAULT_DIR="$S/state" \
	LD_PRELOAD="$TOP/tests/system/iofault.so" "$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
check "a first airing, disk fine" wait_n completed 0 1 25

# --- disk full: fill the tmpfs to the last block
t0=$(now_ms)
dd if=/dev/zero of="$S/state/fill" bs=64k >/dev/null 2>&1
avail=$(df --output=avail "$S/state" | tail -1 | tr -d ' ')
[ "$avail" = 0 ] && ok || bad "the tmpfs still has $avail KiB free"
before=$(completed_lines)
for _ in $(seq 100); do
	[ "$(completed_lines)" -ge $((before + 2)) ] && break
	sleep 0.2
done
[ "$(completed_lines)" -ge $((before + 2)) ] && ok || bad "disk full: the daemon did not air two programmes"
check "disk full: the daemon stays up" kill -0 "$DAEMON_PID"
rm -f "$S/state/fill"
check "disk full: the rows are in the log once there is room" wait_n completed "$t0" 2 15
echo "disk full: $(grep -c 'cannot write the airing log' "$S/daemon.log") log writes failed and were kept"

# --- read-only during an airing
check "an airing on air" wait_playing
t1=$(($(now_ms) - 10000))
kept_before=$(grep -c 'cannot write the airing log' "$S/daemon.log")
: >"$S/readonly"
before=$(completed_lines)
for _ in $(seq 150); do
	[ "$(completed_lines)" -ge $((before + 2)) ] && break
	sleep 0.2
done
[ "$(completed_lines)" -ge $((before + 2)) ] && ok || bad "read-only: the daemon did not air on"
kept=$(($(grep -c 'cannot write the airing log' "$S/daemon.log") - kept_before))
[ "$kept" -ge 1 ] && ok || bad "read-only: no failed log write was reported"
written_ro=$(n completed "$t1")
rm -f "$S/readonly"
check "read-only: the kept rows are written once the disk is writable" wait_n completed "$t1" 2 15
grep -q 'the airing log caught up' "$S/daemon.log" && ok || bad "the daemon did not say the log caught up"
echo "read-only: $kept log writes failed ($written_ro rows in the log while read-only), then written"
check "read-only: the daemon stays up" kill -0 "$DAEMON_PID"
stop_daemon

log_whole "$db"
noitems=$(sql "$db" "SELECT count(*) FROM airings a WHERE status = 'completed' AND (SELECT count(*) FROM aired_items i WHERE i.airing_id = a.id) != 2")
[ "$noitems" = 0 ] && ok || bad "$noitems completed airings lack their two aired items"
# every instant from the first airing to the stop has its row
holes=$(python3 - "$db" <<'PY'
import sqlite3, sys
rows = sorted(r[0] // 1000 for r in sqlite3.connect(sys.argv[1]).execute("SELECT scheduled_at FROM airings WHERE slot = 's'"))
print(sum(1 for x in range(rows[0], rows[-1] + 1, 10) if x not in rows))
PY
)
[ "$holes" = 0 ] && ok || {
	bad "$holes slot instants have no row"
	sql "$db" "SELECT id, scheduled_at / 1000, status, reason FROM airings" >&2
	cat "$S/daemon.log" >&2
}
tally=$(tally "$db")
echo "storage: $tally"
finish
