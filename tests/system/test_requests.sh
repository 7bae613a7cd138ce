#!/bin/sh
# Issue 18 through the real daemon and sound path, under vi_VN as a commune
# office runs it:
#   - a queue entry for one slot instant airs in it; one whose instant
#     passes while the daemon is down is logged missed and expires;
#   - `loaxa air ID --at` airs once at that time, stored (the daemon was
#     down when it was asked, and restarted after: never twice);
#   - an emergency says it cuts in, airs after its alert tone, and the cut
#     airing's row says "cut by emergency bulletin #N" with the seconds that
#     played; the queued bulletin it cut goes back into the queue;
#   - `loaxa stop` is logged "stopped by the operator"; reasons are kept in
#     English and shown in the reader's language;
#   - a manual airing that waited behind another logs a wait, not lateness;
#   - `loaxa status` says when in words, what is next and whether it is ready.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
export LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po"
C() { env LC_ALL=C.UTF-8 LANG=C.UTF-8 "$TOP/loaxa" "$@"; }

at() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

write_conf() { # write_conf SLOTS
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
emergency_jingle = "bao-dong";
audio = { output = "portaudio"; };
programs = { p = { items = (
  { tts = "Xin chào bà con."; gap = 0.5; },
  { queue = true; gap = 1.0; } ); }; };
slots = ( $1 );
CONF
}
export LOAXA_CONFIG="$S/loaxa.conf"
db="$S/state/loaxa.db"
wait_sql() { # wait_sql SECONDS QUERY: until the query gives 1
	for _ in $(seq $(($1 * 5))); do
		[ "$(sql "$db" "$2" 2>/dev/null)" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}
wait_pos() { # wait_pos SECONDS: until something has played that long
	for _ in $(seq 150); do
		C status --format json 2>/dev/null | python3 -c "import json,sys; p=json.load(sys.stdin)['playing']; sys.exit(0 if p and p['position_s'] >= $1 else 1)" && return 0
		sleep 0.1
	done
	return 1
}

sox -n -r 48000 -c 1 "$S/tone.wav" synth 1.5 sine 880 vol 0.3 2>/dev/null
now=$(date +%s)
T=$((now + 14))
write_conf "{ name = \"sang\"; when = \"$(at $T)\"; program = \"p\"; catch_up_minutes = 1; }"
loaxa clip import "$S/tone.wav" --name bao-dong --kind jingle >/dev/null || exit 1
B1=$(loaxa bulletin add --topic tthc --title "Nộp hồ sơ trực tuyến" --airings 0 \
	--text "Người dân có thể nộp hồ sơ thủ tục hành chính trên Cổng dịch vụ công.")
B2=$(loaxa bulletin add --topic tthc --title "Lịch tiếp dân" --airings 0 --text "Lịch tiếp công dân tháng này.")
LONG=$(loaxa bulletin add --topic khac --title "Tin dài" --airings 0 --text "$(for i in 1 2 3 4 5 6; do printf 'Đây là một bản tin dài để thử việc ngắt chương trình khi có tin khẩn cấp. '; done)")
EMERG=$(loaxa bulletin add --topic khac --title "Khẩn cấp" --class emergency --airings 0 --text "Thông báo khẩn: bão số ba sắp đổ bộ.")

# --- the queue for one slot instant, and air --at asked while the daemon is down
out=$(loaxa queue add "$B1" --at "$(at $T)")
echo "$out" | grep -q "^Yêu cầu [0-9]*: bản tin $B1 phát ở khung sang lúc $(date -d "@$T" +%H:%M) hôm nay\.$" && ok ||
	bad "queue add --at: $out"
A=$((T + 25))
out=$(loaxa air "$B2" --at "$(at $A)")
echo "$out" | grep -q "$(date -d "@$A" +%H:%M) hôm nay" && ok || bad "air --at: $out"
start_daemon "$S/loaxa.conf" || exit 1
# status before the slot, once it is prepared: when in words, titles, ready
wait_sql 30 "SELECT 1" >/dev/null
for _ in $(seq 100); do
	st=$(loaxa status)
	echo "$st" | grep -q "Nộp hồ sơ trực tuyến" && break
	sleep 0.1
done
echo "$st" | grep -q "$(date -d "@$T" +%H:%M) hôm nay, khung giờ sang, chương trình p$" && ok || bad "status next (when, slot and programme): $st"
echo "$st" | grep -q "Nộp hồ sơ trực tuyến" && ok || bad "status lacks the next title: $st"
echo "$st" | grep -Eq "Sẵn sàng: +(có|chưa, đang)" && ok || bad "status lacks readiness: $st"
check "slot sang aired with the queued bulletin" wait_sql 40 \
	"SELECT count(*) = 1 FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.slot = 'sang' AND a.status = 'completed' AND i.bulletin_id = $B1"
q=$(sql "$db" "SELECT count(*) FROM queue WHERE airing_id IS NULL AND expired_at IS NULL")
[ "$q" = 0 ] && ok || bad "$q queue entries left after the slot aired"
# the timed airing: restart before its time, it airs once, at its time
stop_daemon
start_daemon "$S/loaxa.conf" || exit 1
st=$(loaxa status)
echo "$st" | grep -q "Tiếp theo: $(date -d "@$A" +%H:%M) hôm nay, bản tin #$B2" && ok || bad "status does not show the timed airing next: $st"
check "air --at aired" wait_sql 60 \
	"SELECT count(*) = 1 FROM airings WHERE program = 'bulletin-$B2' AND status = 'completed' AND started_at >= $A * 1000"
stop_daemon
start_daemon "$S/loaxa.conf" || exit 1
sleep 2
n=$(sql "$db" "SELECT count(*) FROM airings WHERE program = 'bulletin-$B2'")
[ "$n" = 1 ] && ok || bad "air --at: $n rows after a restart"
r=$(sql "$db" "SELECT count(*) FROM air_requests WHERE airing_id IS NULL")
[ "$r" = 0 ] && ok || bad "air --at: $r requests still pending"

# --- an entry whose slot instant passes while the daemon is down expires
stop_daemon
now=$(date +%s)
M=$((now + 12))
write_conf "{ name = \"miss\"; when = \"$(at $M)\"; program = \"p\"; catch_up_minutes = 0; }"
start_daemon "$S/loaxa.conf" || exit 1
E=$(loaxa queue add -q "$B1" --at "$(at $M)")
stop_daemon
sleep $((M - $(date +%s) + 2))
start_daemon "$S/loaxa.conf" || exit 1
check "the missed instant's entry expired" wait_sql 10 "SELECT expired_at IS NOT NULL FROM queue WHERE id = $E"
out=$(loaxa queue list --format json | tr -d ' \n')
[ "$out" = "[]" ] && ok || bad "expired entry still listed: $out"
grep -q "yêu cầu $E .*hết hạn\|queue entry $E .*expired" "$S/daemon.log" && ok || bad "expiry not in the daemon's log"

# --- an emergency cuts a slot's airing: said, logged, the queued bulletin back in the queue
stop_daemon
now=$(date +%s)
K=$((now + 8))
write_conf "{ name = \"chieu\"; when = \"$(at $K)\"; program = \"p\"; catch_up_minutes = 1; }"
QL=$(loaxa queue add -q "$LONG" --slot chieu)
start_daemon "$S/loaxa.conf" || exit 1
wait_pos 6 || bad "the slot chieu did not play"
out=$(loaxa air "$EMERG")
echo "$out" | grep -q "cắt ngang ngay" && ok || bad "air emergency says: $out"
echo "$out" | grep -q "bao-dong" && ok || bad "air emergency does not name the alert tone: $out"
check "the emergency aired after its alert tone" wait_sql 30 \
	"SELECT count(*) = 1 FROM airings a WHERE a.program = 'bulletin-$EMERG' AND a.status = 'completed' AND (SELECT group_concat(kind) FROM (SELECT kind FROM aired_items WHERE airing_id = a.id ORDER BY seq)) = 'clip,bulletin'"
why=$(sql "$db" "SELECT reason FROM airings WHERE slot = 'chieu'")
[ "$why" = "cut by emergency bulletin #$EMERG" ] && ok || bad "cut reason stored: $why"
played=$(sql "$db" "SELECT i.length_s FROM aired_items i JOIN airings a ON a.id = i.airing_id WHERE a.slot = 'chieu' AND i.bulletin_id = $LONG")
python3 -c "import sys; sys.exit(0 if 0 < $played < 20 else 1)" && ok || bad "the cut item's row says $played s"
C log --format csv | grep "chieu" | grep -q "cut by emergency bulletin #$EMERG" && ok || bad "LANG=C log reason: $(C log --format csv | grep chieu)"
loaxa log | grep -q "bị bản tin khẩn cấp số $EMERG cắt ngang" && ok || bad "vi log reason: $(loaxa log | grep chieu)"
q=$(sql "$db" "SELECT count(*) FROM queue WHERE id = $QL AND airing_id IS NULL AND slot IS NULL")
[ "$q" = 1 ] && ok || bad "the cut queued bulletin is not back in the queue"

# --- the operator's stop, and a manual airing that waits behind another
loaxa air "$LONG" >/dev/null
wait_pos 1 || bad "the long bulletin did not start"
out=$(loaxa air "$B2")
echo "$out" | grep -q "ngay khi .* kết thúc" && ok || bad "air behind: $out"
check "the waiting airing aired" wait_sql 90 "SELECT count(*) = 2 FROM airings WHERE program = 'bulletin-$B2' AND status = 'completed'"
row=$(sql "$db" "SELECT lateness_ms || '|' || (started_at - scheduled_at) || '|' || reason FROM airings WHERE program = 'bulletin-$B2' ORDER BY id DESC LIMIT 1")
python3 - "$row" <<'PY' && ok || bad "the wait is shown as lateness: $row"
import re, sys
late, waited, reason = sys.argv[1].split("|", 2)
assert int(waited) > 2000 and int(late) < int(waited), sys.argv[1]
assert re.fullmatch(r"waited \d+ s for the player to be free", reason), reason
PY
loaxa air "$LONG" >/dev/null
wait_pos 1 || bad "the long bulletin did not start again"
loaxa stop >/dev/null
check "the stop is logged" wait_sql 20 "SELECT count(*) >= 1 FROM airings WHERE program = 'bulletin-$LONG' AND reason = 'stopped by the operator'"
loaxa log | grep -q "bị người vận hành dừng" && ok || bad "vi log reason: $(loaxa log | tail -5)"
C log --format csv | grep -q "stopped by the operator" && ok || bad "LANG=C log reason"
# --- --repeat: the first airs now, the others are stored a given time apart
before=$(date +%s)
out=$(loaxa air "$EMERG" --repeat 3 --every 5)
echo "$out" | grep -q "Phát lại thêm 2 lần, cách nhau 5 phút" && ok || bad "air --repeat says: $out"
rep=$(sql "$db" "SELECT group_concat(at_ms / 1000 - $before, ',') FROM (SELECT at_ms FROM air_requests WHERE bulletin_id = $EMERG AND emergency = 0 ORDER BY at_ms)")
python3 -c "import sys; a, b = map(int, '$rep'.split(',')); sys.exit(0 if 295 <= a <= 320 and b - a == 300 else 1)" 2>/dev/null && ok ||
	bad "air --repeat stored: $rep"
check "the first of the repeats aired now" wait_sql 30 "SELECT count(*) = 2 FROM airings WHERE program = 'bulletin-$EMERG' AND status = 'completed'"
# --- a timed airing while the log is read-only: it airs once, and its row
# and its request are written when the disk allows, so a restart does not
# air it again
stop_daemon
LOAXA_TEST_IOFAULT="$S/readonly" LOAXA_TEST_IOFAULT_DIR="$S/state" \
	LD_PRELOAD="$TOP/tests/system/iofault.so" "$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 50); do loaxa status >/dev/null 2>&1 && break; sleep 0.1; done
R=$(($(date +%s) + 10))
loaxa air "$B2" --at "$(at $R)" >/dev/null
sleep $((R - $(date +%s) - 3))
: >"$S/readonly"
sleep 12
rm -f "$S/readonly"
check "the row is written once the disk allows" wait_sql 30 \
	"SELECT count(*) = 1 FROM airings WHERE program = 'bulletin-$B2' AND scheduled_at = $R * 1000 AND status = 'completed'"
check "the request is marked done" wait_sql 10 \
	"SELECT airing_id IS NOT NULL FROM air_requests WHERE bulletin_id = $B2 AND at_ms = $R * 1000"
stop_daemon
start_daemon "$S/loaxa.conf" || exit 1
sleep 3
n=$(sql "$db" "SELECT count(*) FROM airings WHERE program = 'bulletin-$B2' AND scheduled_at = $R * 1000")
[ "$n" = 1 ] && ok || bad "the timed airing has $n rows after the log came back and a restart"
stop_daemon
log_whole "$db"
finish
