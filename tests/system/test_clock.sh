#!/bin/sh
# The wall clock steps under a running loaxad (as NTP or `date -s` would
# step it): forward and back one hour and one day, while idle and while a
# programme is on air.  The daemon runs with tests/system/clockshift.so,
# which moves its CLOCK_REALTIME and fires its timerfd's cancel-on-set the
# way the kernel does.  Checked: the catch-up rule holds (an instant jumped
# over by less than the catch-up window airs late, older ones get a
# `missed` row), nothing airs twice (one row per slot instant, and the
# sound server received exactly as much programme as the log says), and
# nothing is skipped silently (every instant the clock passed has a row).
# Each step waits for the daemon to say it saw the clock change, and each
# "nothing more happened" waits until the daemon's own clock has passed the
# instant in question with nothing on air; the whole run's rows and sound
# are checked at the end, after everything later has aired.  No wait is a
# timing goal: the ceilings only catch a hang.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
make -s -C "$TOP" tests/system/clockshift.so || exit 1

# one programme: a 4-second tone, so the recording can be measured
sox -n -r 48000 -c 1 "$S/tone.wav" synth 4 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "tone"; } ); }; };
slots = ( { name = "h"; when = "*:30:00"; program = "p"; catch_up_minutes = 10; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
db="$S/state/loaxa.db"

# t "DAY HH:MM:SS": a local time on 2 March 2026 (day 0) or the days after
t() { date -d "2026-03-0$((2 + $1)) $2" +%s; }
# setclk EPOCH: the daemon's wall clock reads EPOCH from now on, and the
# daemon has said so (it logs every clock change it re-plans for)
changes() { grep -c 'the wall clock was changed' "$S/daemon.log"; }
setclk() {
	_seen=$(changes)
	SET_TO=$1
	SET_AT=$(date +%s.%N)
	echo "$1" >"$S/clock.tmp" && mv "$S/clock.tmp" "$S/clock"
	[ -n "${DAEMON_PID:-}" ] || return 0
	for _ in $(seq 100); do
		[ "$(changes)" -gt "$_seen" ] && return 0
		sleep 0.1
	done
	bad "the daemon did not notice the clock set to $(date -d "@$1" '+%F %T')"
}
# passed "DAY HH:MM:SS": the daemon's clock (set to SET_TO at SET_AT, going
# on at the real rate) has passed that instant by a second, and the daemon
# has nothing on air (30 s at most)
passed() {
	wait_s=$(echo "$(t "$1" "$2") + 1 - $SET_TO - ($(date +%s.%N) - $SET_AT)" | bc)
	[ "$(echo "$wait_s > 0" | bc)" = 1 ] && sleep "$wait_s"
	for _ in $(seq 150); do
		loaxa status --format json 2>/dev/null | grep -q '"playing": null' && return 0
		sleep 0.2
	done
	bad "the daemon still airs something after day $1 $2"
	return 1
}
# row "DAY HH:MM:SS": the statuses of that instant's rows, e.g. "completed"
row() {
	sql "$db" "SELECT group_concat(status) FROM airings WHERE slot = 'h' AND scheduled_at = $(($(t "$1" "$2") * 1000))"
}
# wait_row DAY TIME STATUS SECONDS
wait_row() {
	for _ in $(seq $(($4 * 5))); do
		[ "$(row "$1" "$2")" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}
# expect "DAY TIME" STATUS: the instant has exactly that one row
expect() {
	got=$(row "$1" "$2")
	[ "$got" = "$3" ] && ok || bad "$4: the $2 slot of day $1 has rows '$got', wanted '$3'"
}
missed_between() { # missed_between FROM-EPOCH TO-EPOCH: missed rows strictly between
	sql "$db" "SELECT count(*) FROM airings WHERE slot = 'h' AND status = 'missed' AND scheduled_at > $1 * 1000 AND scheduled_at < $2 * 1000"
}

rec_start "$S/rec.wav"
: >>"$S/daemon.log"
setclk "$(t 0 05:29:52)"
LOAXA_TEST_CLOCK="$S/clock" LD_PRELOAD="$TOP/tests/system/clockshift.so" \
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
check "05:30 airs on the shifted clock" wait_row 0 05:30:00 completed 20

# --- back 1 hour, idle: 04:30 is 8 s behind but the slot already aired after it
setclk "$(t 0 04:30:08)"
expect 0 04:30:00 "" "back 1 h while idle"
# and when the clock reaches 05:30 again, it does not air twice
setclk "$(t 0 05:29:58)"
passed 0 05:30:00
expect 0 05:30:00 completed "back 1 h while idle, 05:30 again"

# --- forward 1 hour, idle: 06:30 is 3 s late, within the window: airs late
setclk "$(t 0 06:30:03)"
check "forward 1 h while idle: 06:30 airs late" wait_row 0 06:30:00 completed 15
late=$(sql "$db" "SELECT started_at - scheduled_at FROM airings WHERE slot = 'h' AND scheduled_at = $(($(t 0 06:30:00) * 1000))")
# it cannot start before the clock read 06:30:03 (how much later is the machine's business)
[ "${late:-0}" -ge 3000 ] && ok || bad "06:30 started $late ms late, before the clock was set past it (3000 ms)"

# --- forward 1 day, idle: 23 instants jumped over are missed, 06:30 of day 1 airs late
setclk "$(t 1 06:31:00)"
check "forward 1 day while idle: 06:30 of day 1 airs late" wait_row 1 06:30:00 completed 15
n=$(missed_between "$(t 0 06:30:00)" "$(t 1 06:30:00)")
[ "$n" = 23 ] && ok || bad "forward 1 day: $n instants logged missed, wanted 23"
reason=$(sql "$db" "SELECT reason FROM airings WHERE slot = 'h' AND scheduled_at = $(($(t 0 12:30:00) * 1000))")
case $reason in *clock*) ok ;; *) bad "a jumped-over instant's reason is '$reason'" ;; esac

# --- back 1 day (to day 0, 07:29:57), idle: 07:30 of day 0 is already logged missed
setclk "$(t 0 07:29:57)"
passed 0 07:30:00
expect 0 07:30:00 missed "back 1 day while idle"

# --- forward 1 hour while airing: 07:30 of day 1 plays on; 08:30 airs after it
setclk "$(t 1 07:29:58)"
check "day 1 07:30 on air" wait_playing
setclk "$(t 1 08:30:01)"
check "forward 1 h while airing: 08:30 airs after 07:30" wait_row 1 08:30:00 completed 20
expect 1 07:30:00 completed "forward 1 h while airing"

# --- back 1 hour while airing: 09:30 plays on; 08:30 does not air again
setclk "$(t 1 09:29:58)"
check "day 1 09:30 on air" wait_playing
setclk "$(t 1 08:30:01)"
check "back 1 h while airing: 09:30 plays to its end" wait_row 1 09:30:00 completed 20
passed 1 08:30:00
expect 1 09:30:00 completed "back 1 h while airing"
expect 1 08:30:00 completed "back 1 h while airing, 08:30 again"

# --- forward 1 day while airing: 10:30 of day 1 plays on; day 2 09:30 is 2 s late
setclk "$(t 1 10:29:58)"
check "day 1 10:30 on air" wait_playing
setclk "$(t 2 10:30:02)"
check "forward 1 day while airing: day 2 10:30 airs late" wait_row 2 10:30:00 completed 20
expect 1 10:30:00 completed "forward 1 day while airing"
n=$(missed_between "$(t 1 10:30:00)" "$(t 2 10:30:00)")
[ "$n" = 23 ] && ok || bad "forward 1 day while airing: $n instants missed, wanted 23"

# --- back 1 day while airing: day 2 11:30 plays on; day 1 11:30 is logged missed
setclk "$(t 2 11:29:58)"
check "day 2 11:30 on air" wait_playing
setclk "$(t 1 11:30:01)"
check "back 1 day while airing: day 2 11:30 plays to its end" wait_row 2 11:30:00 completed 20
passed 1 11:30:00
expect 2 11:30:00 completed "back 1 day while airing"
expect 1 11:30:00 missed "back 1 day while airing, day 1 11:30 again"
stop_daemon
rec_stop

# every instant from 05:30 of day 0 to 11:30 of day 2 has exactly one row
holes=$(python3 - "$db" "$(t 0 05:30:00)" "$(t 2 11:30:00)" <<'PY'
import sqlite3, sys
db, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {}
for at, in sqlite3.connect(db).execute("SELECT scheduled_at FROM airings WHERE slot = 'h'"):
    rows[at // 1000] = rows.get(at // 1000, 0) + 1
print(sum(1 for x in range(a, b + 1, 3600) if rows.get(x) != 1))
PY
)
[ "$holes" = 0 ] && ok || bad "$holes instants between day 0 05:30 and day 2 11:30 lack exactly one row"
outside=$(sql "$db" "SELECT count(*) FROM airings WHERE scheduled_at < $(t 0 05:30:00)000 OR scheduled_at > $(t 2 11:30:00)000")
[ "$outside" = 0 ] && ok || bad "$outside rows for instants the clock only went back to (before day 0 05:30 or after day 2 11:30)"
check "integrity_check ok" sh -c "[ \"\$(sqlite3 '$db' 'PRAGMA integrity_check')\" = ok ]"
# the sound server received one 4-second tone per completed row, no more
done_n=$(sql "$db" "SELECT count(*) FROM airings WHERE status = 'completed'")
heard=$(python3 - "$S/rec.wav" <<'PY'
import sys, wave, array
w = wave.open(sys.argv[1])
x = array.array('h', w.readframes(w.getnframes()))
# seconds in 10 ms windows whose peak is above -40 dBFS
win = w.getframerate() // 100
loud = sum(1 for i in range(0, len(x) - win, win) if max(abs(v) for v in x[i:i + win]) > 328)
print(loud / 100)
PY
)
python3 -c "import sys; sys.exit(0 if abs($heard - 4 * $done_n) <= 0.5 else 1)" && ok ||
	bad "the sound server received $heard s of tone for $done_n completed airings of 4 s"
tally=$(tally "$db")
echo "clock: 8 steps; $tally; heard $heard s for $done_n airings"
finish
