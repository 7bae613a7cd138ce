#!/bin/sh
# make soak: loaxad with a slot every 4 seconds, killed with SIGKILL at
# random moments (starting up, rendering, playing, writing the log) and
# restarted, SOAK_KILLS times; then one clean run.  Afterwards the database
# is intact, every slot instant of the window has exactly one row, none
# aired twice, and no row was lost.  Prints the tallies.
. "$(dirname "$0")/lib.sh"
KILLS=${SOAK_KILLS:-200}
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
sox -n -r 48000 -c 1 "$S/beep.wav" synth 1.2 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "beep"; gap = 0.2; }, { tts = "Xin chào."; } ); }; };
slots = ( { name = "s"; when = "*:*:0/4"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null
db="$S/state/loaxa.db"
first=$(date +%s)
i=0
while [ $i -lt "$KILLS" ]; do
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
	pid=$!
	# anywhere from during start-up to a few slots later
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", (s % 600) / 100 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# down for a while, now and then: slots fall while nobody is there
	[ $((i % 3)) = 2 ] && sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", (s % 900) / 100 }')"
	i=$((i + 1))
done
# one clean run to the end: it logs what fell while it was down
start_daemon "$S/loaxa.conf" || exit 1
sleep 6
stop_daemon
last=$(date +%s)

check "integrity_check ok" sh -c "[ \"\$(sqlite3 '$db' 'PRAGMA integrity_check')\" = ok ]"
dups=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT slot, scheduled_at FROM airings WHERE slot IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)")
[ "$dups" = 0 ] && ok || bad "$dups slot instants have more than one row"
started=$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE status = 'started'")
[ "$started" = 0 ] && ok || bad "$started rows left 'started' after a clean stop"
# every instant from the first start to the end of the clean run has its row
since=$(sqlite3 "$db" "SELECT since / 1000 FROM slot_watch WHERE slot = 's'")
lost=$(python3 - "$db" "$since" "$((last - 4))" <<'PY'
import sqlite3, sys
db, since, until = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {r[0] // 1000 for r in sqlite3.connect(db).execute("SELECT scheduled_at FROM airings WHERE slot = 's'")}
t = since - since % 4 + 4
lost = [x for x in range(t, until, 4) if x not in rows]
print(len(lost))
PY
)
[ "$lost" = 0 ] && ok || bad "$lost slot instants have no row"
tally=$(sqlite3 "$db" "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM airings GROUP BY status)")
echo "soak: $KILLS kills; $tally; duplicates $dups, lost $lost"
finish
