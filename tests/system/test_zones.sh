#!/bin/sh
# Zones (issue 15) through the real sound path: a 4-channel PulseAudio null
# sink, recorded back with parec --channels=4.  An airing to zones thon-1
# and thon-3 carries the programme on channels 1 and 3, the same samples
# frame for frame, and silence (below -70 dBFS) on 2 and 4; the airing log
# row names the zones.  The zones' on commands run before the first sample
# and the off commands after the last; a hanging on command (stopped at
# audio.zone_timeout) and a failing off command are logged and the airing
# still completes.  An airing without --zone goes to every zone.  loaxa-web
# takes the same zones through ops/: an airing, a queue entry (checked and
# each zone once), the reports by zone (equal to loaxa report's).  A timed
# airing (air --at --zone) keeps its zones across a restart and sounds on
# their channels only, at its time; an unknown zone is refused by name.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/web/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
MAP=front-left,front-right,rear-left,rear-right
pactl load-module module-null-sink sink_name=zones4 rate=48000 channels=4 format=float32le \
	channel_map=$MAP >/dev/null || { bad "cannot load a 4-channel null sink"; finish; exit 1; }
pactl set-default-sink zones4

sox -n -r 48000 -c 1 "$S/tone.wav" synth 3 sine 440 vol 0.3 2>/dev/null || exit 1
R="$S/relay"
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; channels = 4; zone_timeout = 1.0; };
programs = { p = { items = ( { clip = "tone"; } ); };
  q = { items = ( { clip = "beep"; }, { queue = true; } ); }; };
slots = ( );
zones = (
  { name = "thon-1"; channel = 1; on = "echo on thon-1 \$(date +%s.%N) >> $R";
    off = "echo off thon-1 \$(date +%s.%N) >> $R"; },
  { name = "thon-2"; channel = 2; on = "echo on thon-2 >> $R"; },
  { name = "thon-3"; channel = 3; on = "echo on thon-3 \$(date +%s.%N) >> $R; echo \$\$ > $S/hang.pid; exec sleep 30";
    off = "echo off thon-3 \$(date +%s.%N) >> $R; exit 3"; },
  { name = "thon-4"; channel = 4; }
);
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
sox -n -r 48000 -c 1 "$S/beep.wav" synth 0.5 sine 880 vol 0.3 2>/dev/null || exit 1
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null || exit 1
db="$S/state/loaxa.db"

# rec4 FILE: records the 4-channel sink's monitor, raw float
rec4_start() {
	parec -d zones4.monitor --format=float32le --rate=48000 --channels=4 --channel-map=$MAP \
		--raw "$1" &
	REC_PID=$!
	sleep 0.3
}

# wait_rows N: until N airings are completed (40 s at most)
wait_rows() {
	for _ in $(seq 200); do
		[ "$(sql "$db" "SELECT count(*) FROM airings WHERE status = 'completed'")" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

start_daemon "$S/loaxa.conf" || exit 1

# --- to thon-1 and thon-3
rec4_start "$S/rec13.raw"
loaxa air --program p --zone thon-1 --zone thon-3 >/dev/null && ok || bad "air --zone thon-1 --zone thon-3"
check "the airing to thon-1 and thon-3 completed" wait_rows 1
rec_stop
row=$(sql "$db" "SELECT zones || '|' || status || '|' || started_at || '|' || ended_at FROM airings ORDER BY id LIMIT 1")
echo "airing: $row"
[ "$(echo "$row" | cut -d'|' -f1)" = "thon-1,thon-3" ] && ok || bad "the log row names the zones: $row"
loaxa log --format json >"$S/log.json"
python3 -c "import json,sys; r=json.load(open('$S/log.json')); sys.exit(0 if [x['zones'] for x in r] == ['thon-1,thon-3'] else 1)" &&
	ok || bad "loaxa log does not name the zones: $(cat "$S/log.json")"

python3 - "$S/rec13.raw" 1,3 <<'PY' && ok || bad "channels of the airing to thon-1 and thon-3"
import sys, struct, math
data = open(sys.argv[1], "rb").read()
want = {int(c) for c in sys.argv[2].split(",")}
n = len(data) // 16
frames = struct.unpack("<%df" % (n * 4), data[: n * 16])
ch = [frames[c::4] for c in range(4)]
def dbfs(x):
    p = sum(v * v for v in x) / max(len(x), 1)
    return 10 * math.log10(p) if p > 0 else -200.0
levels = [dbfs(c) for c in ch]
print("levels dBFS: " + ", ".join("ch%d %.1f" % (i + 1, l) for i, l in enumerate(levels)))
loud = [i for i in range(4) if i + 1 in want]
quiet = [i for i in range(4) if i + 1 not in want]
for i in loud:
    # about 3 s of tone at -16 LUFS: far above silence
    assert levels[i] > -30, ("channel %d carries no programme" % (i + 1), levels)
    active = sum(1 for v in ch[i] if abs(v) > 1e-3) / 48000
    assert active > 2.5, ("channel %d carries %.2f s of sound" % (i + 1, active))
for i in quiet:
    peak = max(abs(v) for v in ch[i])
    assert levels[i] < -70 and (peak == 0 or 20 * math.log10(peak) < -70), \
        ("channel %d is not silent" % (i + 1), levels[i], peak)
# sample-aligned: the loud channels carry the same samples in the same frames
a = ch[loud[0]]
for i in loud[1:]:
    diff = max(abs(x - y) for x, y in zip(a, ch[i]))
    assert diff == 0, ("channels %d and %d differ by %g" % (loud[0] + 1, i + 1, diff))
first = next(k for k, v in enumerate(a) if abs(v) > 1e-4)
print("first sample of the programme at frame %d on channels %s" % (first, sorted(want)))
PY

# the relays: on before the first sample, off after the last; a hang and a failure logged
started=$(echo "$row" | cut -d'|' -f3)
ended=$(echo "$row" | cut -d'|' -f4)
cat "$R" 2>/dev/null
python3 - "$R" "$started" "$ended" <<'PY' && ok || bad "on and off commands: order and timing"
import sys
rows = [l.split() for l in open(sys.argv[1])]
started, ended = int(sys.argv[2]) / 1000, int(sys.argv[3]) / 1000
names = [(r[0], r[1]) for r in rows]
assert ("on", "thon-2") not in names, "a zone not aired to was switched on"
at = {(r[0], r[1]): float(r[2]) for r in rows if len(r) > 2}
assert set(at) == {("on", "thon-1"), ("on", "thon-3"), ("off", "thon-1"), ("off", "thon-3")}, at
for z in ("thon-1", "thon-3"):
    assert at[("on", z)] < started, ("%s on at %.3f, first sample at %.3f" % (z, at[("on", z)], started))
    assert at[("off", z)] >= ended - 0.05, ("%s off at %.3f, the airing ended at %.3f" % (z, at[("off", z)], ended))
print("on %.3f s before the first sample; off %.3f s after the end" %
      (started - max(at[("on", "thon-1")], at[("on", "thon-3")]), at[("off", "thon-1")] - ended))
PY
reason=$(sql "$db" "SELECT reason FROM airings ORDER BY id LIMIT 1")
echo "reason: $reason"
echo "$reason" | grep -q 'zone thon-3: the on command did not finish within 1.0 s' && ok ||
	bad "the hanging on command is not in the log row: $reason"
echo "$reason" | grep -q 'zone thon-3: the off command failed with status 3' && ok ||
	bad "the failing off command is not in the log row: $reason"
grep -q 'zone thon-3: the on command did not finish' "$S/daemon.log" && ok || bad "the hang is not in the daemon's log"
hang=$(cat "$S/hang.pid" 2>/dev/null)
[ -n "$hang" ] && ! kill -0 "$hang" 2>/dev/null && ok || bad "the hanging on command (pid $hang) was left running" 

# --- without --zone: every zone
: >"$R"
rec4_start "$S/rec-all.raw"
loaxa air --program p >/dev/null && ok || bad "air without --zone"
check "the airing to every zone completed" wait_rows 2
rec_stop
z=$(sql "$db" "SELECT zones FROM airings ORDER BY id DESC LIMIT 1")
[ "$z" = "thon-1,thon-2,thon-3,thon-4" ] && ok || bad "an airing without --zone went to: $z"
python3 - "$S/rec-all.raw" 1,2,3,4 <<'PY' && ok || bad "channels of the airing to every zone"
import sys, struct, math
data = open(sys.argv[1], "rb").read()
n = len(data) // 16
frames = struct.unpack("<%df" % (n * 4), data[: n * 16])
ch = [frames[c::4] for c in range(4)]
for i in range(4):
    active = sum(1 for v in ch[i] if abs(v) > 1e-3) / 48000
    assert active > 2.5, ("channel %d carries %.2f s of sound" % (i + 1, active))
    assert ch[i] == ch[0], "channel %d differs from channel 1" % (i + 1)
PY
grep -q 'on thon-2' "$R" && ok || bad "thon-2's on command did not run for an airing to every zone"

# --- a slot with zones = ( "thon-4" ): its airing goes to channel 4 only
stop_daemon
T=$(($(date +%s) + 8))
sed -i "s|^slots = ( );|slots = ( { name = \"s4\"; when = \"$(date -d "@$T" '+%Y-%m-%d %H:%M:%S')\"; program = \"p\"; zones = ( \"thon-4\" ); } );|" "$S/loaxa.conf"
grep -q 'zones = ( "thon-4" )' "$S/loaxa.conf" && ok || bad "the slot was not written into the configuration"
rec4_start "$S/rec-slot.raw"
start_daemon "$S/loaxa.conf" || exit 1
check "the slot for thon-4 completed" wait_rows 3
rec_stop
z=$(sql "$db" "SELECT slot || ':' || zones FROM airings ORDER BY id DESC LIMIT 1")
[ "$z" = "s4:thon-4" ] && ok || bad "the slot's airing went to: $z"
python3 - "$S/rec-slot.raw" <<'PY' && ok || bad "channels of the slot's airing to thon-4"
import sys, struct
data = open(sys.argv[1], "rb").read()
n = len(data) // 16
frames = struct.unpack("<%df" % (n * 4), data[: n * 16])
ch = [frames[c::4] for c in range(4)]
active = [sum(1 for v in c if abs(v) > 1e-3) / 48000 for c in ch]
print("slot s4: seconds of sound per channel: " + ", ".join("%.2f" % a for a in active))
assert active[3] > 2.5 and max(abs(v) for c in ch[:3] for v in c) == 0, active
PY

# --- rotation and the queue respect a bulletin's zones: one for thon-3 never
# fills an airing to thon-1, nor one to thon-1 and thon-3; it airs to thon-3
B3=$(loaxa bulletin add --topic tthc --title "Mất điện thôn 3" --audio "$S/beep.wav" \
	--zones thon-3 --airings 1 --text "Thôn 3 mất điện từ 8 giờ đến 11 giờ.")
BALL=$(loaxa bulletin add --topic khac --title "Tiêm phòng" --audio "$S/beep.wav" \
	--airings 5 --text "Tiêm phòng cho gia súc.")
[ -n "$B3" ] && [ -n "$BALL" ] && ok || bad "bulletin add --zones"
# "the next slot" needs a slot that falls again (ops_queue_request()): one a
# year away, whose programme takes queued bulletins; the entry stays open
# and the next airing of q to zones it fits takes it
sed -i "s|^slots = ( {|slots = ( { name = \"later\"; when = \"$(date -d '+1 year' '+%Y-%m-%d 06:00:00')\"; program = \"q\"; }, {|" "$S/loaxa.conf"
grep -q 'name = "later"' "$S/loaxa.conf" && ok || bad "the later slot was not written into the configuration"
Q3=$(loaxa queue add -q "$B3")
[ -n "$Q3" ] && ok || bad "queue add of the bulletin for thon-3"
# bulletins in the airing with this zones value
in_airing() { sql "$db" "SELECT group_concat(i.bulletin_id) FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.zones = '$1' AND i.kind = 'bulletin'"; }
loaxa air --program q --zone thon-1 >/dev/null && ok || bad "air q to thon-1"
check "the airing of q to thon-1 completed" wait_rows 4
loaxa air --program q --zone thon-1 --zone thon-3 >/dev/null && ok || bad "air q to thon-1 and thon-3"
check "the airing of q to thon-1 and thon-3 completed" wait_rows 5
loaxa air --program q --zone thon-3 >/dev/null && ok || bad "air q to thon-3"
check "the airing of q to thon-3 completed" wait_rows 6
t1=$(in_airing thon-1)
t13=$(in_airing thon-1,thon-3)
t3=$(in_airing thon-3)
echo "bulletins aired: to thon-1: $t1; to thon-1,thon-3: $t13; to thon-3: $t3"
[ "$t1" = "$BALL" ] && ok || bad "the airing to thon-1 held $t1 (the bulletin for thon-3 is $B3)"
[ "$t13" = "$BALL" ] && ok || bad "the airing to thon-1 and thon-3 held $t13"
case ",$t3," in *",$B3,"*) ok ;; *) bad "the bulletin for thon-3 did not air to thon-3: $t3" ;; esac
[ "$(loaxa queue list --format json | tr -d ' \n')" = "[]" ] && ok || bad "the queue entry for thon-3 was not consumed by the airing to thon-3"

# --- loaxa report --zone counts what went to that zone, against a count of
# the airing log's rows made here
loaxa log --format json >"$S/log.json"
for z in thon-1 thon-3 thon-2; do
	loaxa report --zone "$z" --format json >"$S/rep-$z.json" || bad "report --zone $z"
	python3 - "$S/log.json" "$S/rep-$z.json" "$z" <<'PY' && ok || bad "report --zone $z differs from the log"
import json, sys
log = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
z = sys.argv[3]
rows = [r for r in log if r["kind"] == "bulletin" and r["completed"]
        and r["status"] in ("completed", "interrupted") and z in (r["zones"] or "").split(",")]
t = rep["totals"]
assert rep["zone"] == z, rep["zone"]
assert t["airings"] == len(rows), (z, t, len(rows))
assert t["bulletins"] == len({r["bulletin_id"] for r in rows}), (z, t)
assert t["cchc_bulletins"] == len({r["bulletin_id"] for r in rows if r["topic"] != "khac"}), (z, t)
print("report --zone %s: %d bulletins, %d airings, %d CCHC" % (z, t["bulletins"], t["airings"], t["cchc_bulletins"]))
PY
done
python3 -c "import json,sys; t=json.load(open('$S/rep-thon-3.json'))['totals']; sys.exit(0 if (t['bulletins'], t['airings']) == (2, 3) else 1)" &&
	ok || bad "report --zone thon-3: $(cat "$S/rep-thon-3.json" | head -30)"
# --by-zone: every zone's report in one JSON array, each as --zone gives it
loaxa report --by-zone --format json >"$S/rep-by.json" && ok || bad "report --by-zone"
python3 - "$S" <<'PY' && ok || bad "report --by-zone differs from --zone"
import json, sys
d = sys.argv[1]
by = json.load(open(d + "/rep-by.json"))
assert [r["zone"] for r in by] == ["thon-1", "thon-2", "thon-3", "thon-4"], [r["zone"] for r in by]
for r in by:
    if r["zone"] in ("thon-1", "thon-2", "thon-3"):
        one = json.load(open("%s/rep-%s.json" % (d, r["zone"])))
        assert r["totals"] == one["totals"] and r["months"] == one["months"], r["zone"]
PY
loaxa report --zone thon-9 >/dev/null 2>"$S/err" && bad "report --zone thon-9 was taken" || ok
grep -q 'There is no zone "thon-9"' "$S/err" && ok || bad "report --zone thon-9: $(cat "$S/err")"

# --- loaxa-web: the same zone rules through ops/ (air, queue, report)
echo 'web = { listen = "127.0.0.1:0"; };' >>"$S/loaxa.conf"
printf 'mat-khau-123\n' | loaxa user add van --role operator --password-stdin || exit 1
printf 'mat-khau-123\n' | loaxa user add lan --role officer --password-stdin || exit 1
web_up "$S/web.log" "$TOP/loaxa-web" --config "$S/loaxa.conf" --static "$TOP/web/static" || exit 1
for u in van lan; do
	curl -sf -c "$S/cookies-$u" -H 'Content-Type: application/json' \
		-d "{\"name\":\"$u\",\"password\":\"mat-khau-123\"}" "$WEB_URL/api/v1/login" >"$S/login-$u" &&
		ok || bad "web login as $u"
done
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$S/login-van")
# post PATH JSON: the status; the body into $S/web.out
post() { curl -s -b "$S/cookies-van" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	-d "$2" -o "$S/web.out" -w '%{http_code}' "$WEB_URL$1"; }
[ "$(post /api/v1/air '{"program":"p","zones":"thon-3"}')" = 200 ] && ok || bad "web air to thon-3: $(cat "$S/web.out")"
check "the web's airing to thon-3 completed" wait_rows 7
z=$(sql "$db" "SELECT zones FROM airings ORDER BY id DESC LIMIT 1")
[ "$z" = "thon-3" ] && ok || bad "the web's airing to thon-3 went to: $z"
[ "$(post /api/v1/air '{"program":"p","zones":"thon-9"}')" = 400 ] && ok || bad "web air to thon-9 was not refused"
grep -q 'There is no zone \\"thon-9\\"; did you mean thon-1?' "$S/web.out" && ok || bad "web air to thon-9: $(cat "$S/web.out")"
[ "$(post /api/v1/queue "{\"bulletin\":$BALL,\"zones\":\"thon-9\"}")" = 400 ] && ok || bad "web queue to thon-9 was not refused"
grep -q 'There is no zone \\"thon-9\\"' "$S/web.out" && ok || bad "web queue to thon-9: $(cat "$S/web.out")"
[ "$(post /api/v1/queue "{\"bulletin\":$BALL,\"zones\":\"thon-2,thon-4,thon-2\"}")" = 201 ] && ok || bad "web queue to thon-2 and thon-4: $(cat "$S/web.out")"
q=$(loaxa queue list --format json | python3 -c 'import json,sys; print(";".join(e["zones"] or "-" for e in json.load(sys.stdin)))')
[ "$q" = "thon-2,thon-4" ] && ok || bad "the web's queue entry is for: $q"
curl -sf -b "$S/cookies-lan" "$WEB_URL/api/v1/report?zone=thon-3" >"$S/web-rep-thon-3.json" || bad "web report zone=thon-3"
curl -sf -b "$S/cookies-lan" "$WEB_URL/api/v1/report?by_zone=1" >"$S/web-rep-by.json" || bad "web report by_zone=1"
python3 - "$S" <<'PY' && ok || bad "the web's reports by zone differ from loaxa report's"
import json, sys
d = sys.argv[1]
one, web = json.load(open(d + "/rep-thon-3.json")), json.load(open(d + "/web-rep-thon-3.json"))
assert web["zone"] == "thon-3" and web["totals"] == one["totals"], (web.get("zone"), web["totals"])
by, wby = json.load(open(d + "/rep-by.json")), json.load(open(d + "/web-rep-by.json"))
assert [(r["zone"], r["totals"]) for r in wby] == [(r["zone"], r["totals"]) for r in by], wby
PY
kill "$WEB_PID" 2>/dev/null
wait "$WEB_PID" 2>/dev/null

# --- bad input at the daemon: a zone that is not configured
out=$(printf '{"cmd":"air","program":"p","zones":"thon-9"}\n' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.makefile().readline())' "$S/control.sock")
echo "$out" | grep -q 'There is no zone \\"thon-9\\" in the configuration; the zones are: thon-1, thon-2, thon-3, thon-4' && ok ||
	bad "the daemon took an unknown zone: $out"
stop_daemon

# --- a timed airing (air --at) to thon-3, asked while the daemon is down:
# the request keeps its zones; at its time it sounds on channel 3 only
BT=$(loaxa bulletin add --topic khac --title "Họp thôn 3" --audio "$S/tone.wav" --airings 0 \
	--text "Họp thôn 3 lúc 19 giờ.")
A=$(($(date +%s) + 12))
out=$(loaxa air "$BT" --at "$(date -d "@$A" '+%Y-%m-%d %H:%M:%S')" --zone thon-3) && ok ||
	bad "air --at --zone thon-3: $out"
[ "$(sql "$db" "SELECT zones FROM air_requests WHERE bulletin_id = $BT")" = thon-3 ] && ok ||
	bad "the timed request does not keep its zone"
out=$(loaxa air "$BT" --at "$(date -d "@$A" '+%Y-%m-%d %H:%M:%S')" --zone thon-3 --zone thon-9 2>&1) &&
	bad "air --at --zone thon-9 was taken" || ok
echo "$out" | grep -q 'There is no zone "thon-9"' && ok || bad "air --at --zone thon-9: $out"
[ "$(sql "$db" "SELECT count(*) FROM air_requests WHERE bulletin_id = $BT")" = 1 ] && ok ||
	bad "the refused timed airing stored a request"
rec4_start "$S/rec-at.raw"
start_daemon "$S/loaxa.conf" || exit 1
wait_at() {
	for _ in $(seq 300); do
		[ "$(sql "$db" "SELECT count(*) FROM airings WHERE program = 'bulletin-$BT' AND status = 'completed'")" = 1 ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "the timed airing to thon-3 completed" wait_at
rec_stop
row=$(sql "$db" "SELECT zones || '|' || scheduled_at || '|' || started_at FROM airings WHERE program = 'bulletin-$BT'")
echo "timed airing: $row (asked for $A)"
[ "$(echo "$row" | cut -d'|' -f1)" = thon-3 ] && ok || bad "the timed airing went to: $row"
[ "$(echo "$row" | cut -d'|' -f2)" = "${A}000" ] && [ "$(echo "$row" | cut -d'|' -f3)" -ge "${A}000" ] && ok ||
	bad "the timed airing did not air at its time $A: $row"
python3 - "$S/rec-at.raw" <<'PY' && ok || bad "channels of the timed airing to thon-3"
import sys, struct
data = open(sys.argv[1], "rb").read()
n = len(data) // 16
frames = struct.unpack("<%df" % (n * 4), data[: n * 16])
ch = [frames[c::4] for c in range(4)]
active = [sum(1 for v in c if abs(v) > 1e-3) / 48000 for c in ch]
print("timed airing: seconds of sound per channel: " + ", ".join("%.2f" % a for a in active))
assert active[2] > 2.5, active
assert max(abs(v) for i in (0, 1, 3) for v in ch[i]) == 0, active
PY
stop_daemon
finish
