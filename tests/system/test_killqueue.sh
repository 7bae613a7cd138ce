#!/bin/sh
# A queued bulletin heard to its end is done, even when the daemon is killed
# (kill -9) before the rest of its airing plays and the airing's end is
# logged: its queue entry is marked aired by the cut airing in the same
# write as its item, the log counts it once, and the next slot does not air
# it again.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
export LOAXA_CONFIG="$S/loaxa.conf"
DB="$S/state/loaxa.db"
at() { date -d "@$1" '+%H:%M:%S'; }

t1=$(($(date +%s) + 8))
t2=$((t1 + 30))
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { queue = true; gap = 0.2; },
	{ tts = "Sau đây là bản tin tiếp theo của đài truyền thanh xã, xin mời bà con chú ý lắng nghe, cảm ơn bà con đã theo dõi chương trình hôm nay."; } ); }; };
slots = ( { name = "s1"; when = "$(at "$t1")"; program = "p"; catch_up_minutes = 0; },
          { name = "s2"; when = "$(at "$t2")"; program = "p"; catch_up_minutes = 0; } );
CONF
sox -n -r 48000 -c 1 "$S/a.wav" synth 0.6 sine 500 vol 0.3 2>/dev/null
A=$(loaxa bulletin add --topic tthc --title "Thông báo một lần" --audio "$S/a.wav" --airings 0) ||
	{ bad "cannot add the bulletin"; finish; exit 1; }
loaxa queue add "$A" >/dev/null || bad "cannot queue bulletin $A"

start_daemon "$S/loaxa.conf" || exit 1
# until the queued bulletin is logged as heard whole while its airing plays on
heard=
for _ in $(seq 300); do
	heard=$(sql "$DB" "SELECT a.id FROM airings a JOIN aired_items i ON i.airing_id = a.id
		WHERE a.status = 'started' AND i.bulletin_id = $A AND i.completed = 1")
	[ -n "$heard" ] && break
	sleep 0.1
done
[ -n "$heard" ] && ok || bad "the queued bulletin was never logged as aired while its airing played (60 s)"
kill9_daemon
check "the queue entry was marked aired by the airing it played in, in the same write" \
	sh -c "[ \"\$(sqlite3 '$DB' 'SELECT airing_id FROM queue')\" = '$heard' ]"

# the restart logs the cut airing; the next slot comes and goes
start_daemon "$S/loaxa.conf" || exit 1
done2=
for _ in $(seq 600); do
	done2=$(sql "$DB" "SELECT status FROM airings WHERE slot = 's2' AND status <> 'started'")
	[ -n "$done2" ] && break
	sleep 0.1
done
stop_daemon
[ "$done2" = completed ] && ok || bad "the next slot's airing was not logged completed (${done2:-nothing} after 60 s)"
check "the cut airing is logged interrupted" \
	sh -c "[ \"\$(sqlite3 '$DB' \"SELECT status FROM airings WHERE id = $heard\")\" = interrupted ]"
n=$(sql "$DB" "SELECT count(*) FROM aired_bulletins WHERE bulletin_id = $A")
[ "$n" = 1 ] && ok || bad "the queued bulletin counts $n airings in the log; it was heard once"
n=$(sql "$DB" "SELECT count(*) FROM airings a JOIN aired_items i ON i.airing_id = a.id
	WHERE a.slot = 's2' AND i.bulletin_id = $A")
[ "$n" = 0 ] && ok || bad "the next slot aired the queued bulletin again ($n times)"
log_whole "$DB"
finish
