#!/bin/sh
# loaxa live (issue 14): the operator speaks into the microphone now, through
# the real daemon and sound path.  As in test_relay.sh's line-in cases, a
# second null sink "feed" stands for the microphone: its monitor is the sound
# server's default source (what PortAudio's default input reads), fed a
# 1 kHz tone by paplay.  The output sink "loa" is recorded back.
#   A  a long programme (a 500 Hz clip) is on air: a normal `loaxa live` is
#      refused (exit 1, the sentence names --class emergency, no row);
#      `loaxa live --class emergency` cuts in: the programme's row is
#      interrupted, "cut by a live announcement"; the live_jingle (300 Hz)
#      airs, then the microphone's tone, levelled; `loaxa status` shows it
#      on air with its title; `loaxa stop` ends it: the microphone fades
#      and the live_end_jingle (700 Hz) follows; row programme "live",
#      completed, "stopped by the operator", its item kind relay with
#      source live:DEVICE and its length; `loaxa log` lists both.
#   R  nothing on air, a normal `loaxa live`, ended by `loaxa live --stop`:
#      the recording its row points to (STATE_DIR/recordings/live-*.wav)
#      is what the sink received (wavcmp: length within 1 %, correlation
#      >= 0.9); `loaxa log` (text and JSON) shows its path; the closing
#      jingle comes after the voice.
#   B  --minutes 1 ends it by itself: completed, the item 60 s long, the
#      closing jingle logged after it.
#   K  kill -9 while live: the recording's temporary file is a readable
#      WAV of what aired so far; the next start finishes it under the
#      name the row points to and gives the row its length.
#   C  no microphone (audio.mic_device names none): a sentence naming
#      audio.mic_device and `loaxa audio devices`, exit 1, no row.
#   D  bad input: --minutes 0 and 61 are usage errors (exit 2); with the
#      daemon down, the usual sentence; --class priority is refused.
#   H  a microphone's rumble: a 30 Hz hum as loud as the voice (1 kHz) is
#      fed; live.highpass_hz (80 by default) airs it 12 dB or more below
#      the voice (the recording of what aired); with highpass_hz = 0 it
#      airs as it came, within 3 dB of the voice.
# The CLI runs under LANG=vi_VN.UTF-8: its sentences are checked in Vietnamese.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh LANG=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po"
pa_start || exit 1
FEED_PID=
live_cleanup() {
	[ -n "$FEED_PID" ] && kill "$FEED_PID" 2>/dev/null && wait "$FEED_PID" 2>/dev/null
	cleanup
}
trap live_cleanup EXIT

pactl load-module module-null-sink sink_name=feed rate=48000 channels=1 format=float32le >/dev/null &&
	pactl set-default-source feed.monitor || { bad "cannot make the feed sink"; finish; exit 1; }
sox -n -r 48000 -c 1 "$S/feed.wav" synth 600 sine 1000 vol 0.05 2>/dev/null
start_feed() { # start_feed [WAV]: paplay plays the tone into "feed" until the sound server lists it
	n0=$(pactl list short sink-inputs | wc -l)
	paplay -d feed "${1:-$S/feed.wav}" &
	FEED_PID=$!
	for _ in $(seq 100); do
		[ "$(pactl list short sink-inputs | wc -l)" -gt "$n0" ] && return 0
		sleep 0.1
	done
	echo "paplay is not playing into the feed sink" >&2
	return 1
}

# the jingles: 300 Hz and 700 Hz, 1 s; the programme cut: 500 Hz, 120 s
sox -n -r 48000 -c 1 "$S/mo.wav" synth 1 sine 300 vol 0.3 2>/dev/null
sox -n -r 48000 -c 1 "$S/het.wav" synth 1 sine 700 vol 0.3 2>/dev/null
sox -n -r 48000 -c 1 "$S/dai.wav" synth 120 sine 500 vol 0.3 2>/dev/null
export LOAXA_CONFIG="$S/loaxa.conf"
write_conf() { # write_conf [MIC-DEVICE [HIGHPASS-HZ]]
	mic=
	[ -n "${1:-}" ] && mic="mic_device = \"$1\";"
	hp=
	[ -n "${2:-}" ] && hp="live = { highpass_hz = $2; };"
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
live_jingle = "mo";
live_end_jingle = "het";
audio = { output = "portaudio"; relay_silence_s = 30.0; $mic };
programs = { dai = { items = ( { clip = "dai"; } ); }; };
slots = ( { name = "sang"; when = "2001-01-01 05:00:00"; program = "dai"; } );
$hp
CONF
}
write_conf
loaxa clip import "$S/mo.wav" --name mo --kind jingle >/dev/null || { bad "clip import"; exit 1; }
loaxa clip import "$S/dai.wav" --name dai --kind music >/dev/null || { bad "clip import"; exit 1; }
loaxa clip import "$S/het.wav" --name het --kind jingle >/dev/null || { bad "clip import"; exit 1; }
DB="$S/state/loaxa.db"

# D (daemon down): the usual sentence, in Vietnamese, exit 1
out=$(loaxa live 2>&1)
rc=$?
[ $rc = 1 ] && printf '%s' "$out" | grep -q "Dịch vụ nền không chạy" && ok ||
	bad "D: with the daemon down, exit $rc: $out"

start_feed || exit 1
start_daemon "$S/loaxa.conf" || exit 1

# D: --class of a live is normal or emergency
out=$(loaxa live --class priority 2>&1)
rc=$?
[ $rc = 1 ] && printf '%s' "$out" | grep -q "priority" && ok || bad "D: --class priority: exit $rc: $out"

# D: --minutes out of range: usage errors, nothing asked
for m in 0 61 abc; do
	out=$(loaxa live --minutes $m 2>&1)
	rc=$?
	[ $rc = 2 ] && printf '%s' "$out" | grep -q "từ 1 đến 60" && ok || bad "D: --minutes $m: exit $rc: $out"
done

wait_rows() { # wait_rows N: until N airings have their outcome
	for _ in $(seq 600); do
		n=$(sql "$DB" "SELECT count(*) FROM airings WHERE status <> 'started'" 2>/dev/null)
		[ "${n:-0}" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
wait_on() { # wait_on PROGRAM ITEM SECONDS: until status shows ITEM of PROGRAM on air at SECONDS or later (60 s at most)
	for _ in $(seq 600); do
		loaxa status --format json 2>/dev/null >"$S/st.json"
		python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["playing"]; sys.exit(0 if p and p["program"]==sys.argv[2] and p["item"]==sys.argv[3] and p["position_s"]>=float(sys.argv[4]) else 1)' "$S/st.json" "$1" "$2" "$3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# has_tone WAV HZ SECONDS: 0 when SECONDS of 100 ms windows have HZ as most
# of their power at more than -30 dBFS (Goertzel); prints the seconds found,
# the first one's time and their level
has_tone() {
	python3 - "$1" "$2" "$3" <<'PY'
import math, sys, wave, array
w = wave.open(sys.argv[1])
f = float(sys.argv[2])
rate = w.getframerate()
x = [v / 32768.0 for v in array.array("h", w.readframes(w.getnframes()))]
W = int(0.1 * rate)
k = 2 * math.cos(2 * math.pi * f / rate)
found = []
for i in range(len(x) // W):
    s = x[i * W:(i + 1) * W]
    tot = sum(v * v for v in s) / len(s)
    p1 = p2 = 0.0
    for v in s:
        p1, p2 = v + k * p1 - p2, p1
    p = 2 * max(p1 * p1 + p2 * p2 - k * p1 * p2, 0) / (len(s) * len(s))
    if 10 * math.log10(p + 1e-20) > -30 and p > 0.8 * tot:
        found.append((i, 10 * math.log10(p + 1e-20)))
lvl = sum(d for _, d in found) / len(found) if found else -200
print("%.1f s of %g Hz, first at %s s, %.1f dBFS" % (len(found) * 0.1, f, "%.1f" % (found[0][0] * 0.1) if found else "-", lvl))
sys.exit(0 if len(found) * 0.1 >= float(sys.argv[3]) - 1e-9 else 1)
PY
}

# A: the programme on air; a normal live is refused, an emergency one cuts in; stop ends it
rec_start "$S/a.wav" || exit 1
loaxa air --program dai >/dev/null || bad "A: loaxa air --program dai"
check "A: the programme dai is on air (2 s in)" wait_on dai dai 2
n0=$(sql "$DB" "SELECT count(*) FROM airings")
out=$(loaxa live 2>&1)
rc=$?
echo "  A (normal): $out"
[ $rc = 1 ] && printf '%s' "$out" | grep -q -- "--class emergency" && ok ||
	bad "A: a normal live while dai airs was not refused (exit $rc): $out"
out=$(loaxa live --class emergency --title "Thông báo khẩn" 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q "Phát trực tiếp từ micrô" && printf '%s' "$out" | grep -q "mo" && ok ||
	bad "A: loaxa live --class emergency: exit $rc: $out"
echo "  live: $out"
check "A: status shows the live announcement on air, 10 s in" wait_on live "Thông báo khẩn" 10
loaxa status | grep -q "Thông báo khẩn" && ok || bad "A: loaxa status (text) does not show the title"
# a second live while one is on air is refused, in Vietnamese
out=$(loaxa live --class emergency 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "A: a second live was not refused (exit $rc): $out"
loaxa stop >/dev/null || bad "A: loaxa stop"
check "A: both airings logged" wait_rows 2
rec_stop
[ "$(sql "$DB" "SELECT count(*) FROM airings")" = $((n0 + 1)) ] && ok ||
	bad "A: the refused normal live left a row"
got=$(has_tone "$S/a.wav" 1000 2.5) && ok || bad "A: the microphone's tone was not heard on the output"
j=$(has_tone "$S/a.wav" 300 0.8) && ok || bad "A: the live jingle (300 Hz) was not heard"
p=$(has_tone "$S/a.wav" 500 1.5) && ok || bad "A: the programme (500 Hz) was not heard before the cut"
e=$(has_tone "$S/a.wav" 700 0.8) && ok || bad "A: the closing jingle (700 Hz) was not heard"
echo "  A: $p; $j; $got; $e"
first() { printf '%s' "$1" | sed -n 's/.*first at \([0-9.]*\) s.*/\1/p'; }
python3 -c 'import sys; a,b,c,d=map(float,sys.argv[1:]); sys.exit(0 if a < b < c < d else 1)' "$(first "$p")" "$(first "$j")" "$(first "$got")" "$(first "$e")" 2>/dev/null && ok ||
	bad "A: not in order: the programme, the jingle, the microphone, the closing jingle"
# levelled as line-in is: the -26 dBFS tone brought to about -16 dBFS (the target)
lvl=$(printf '%s' "$got" | sed -n 's/.*, \(-*[0-9.]*\) dBFS$/\1/p')
python3 -c 'import sys; l=float(sys.argv[1]); sys.exit(0 if -19 < l < -13 else 1)' "${lvl:--200}" && ok ||
	bad "A: the microphone aired at $lvl dBFS, not levelled to about -16"
# (a loaded machine may add "; the sound broke off N times" to a reason)
row=$(sql "$DB" "SELECT status || '|' || (reason LIKE 'cut by a live announcement%') FROM airings WHERE program = 'dai'")
[ "$row" = "interrupted|1" ] && ok || bad "A: the programme's row: $row, $(sql "$DB" "SELECT reason FROM airings WHERE program = 'dai'")"
row=$(sql "$DB" "SELECT a.status || '|' || (a.reason LIKE 'stopped by the operator%') || '|' || i.kind || '|' || i.source || '|' || (i.length_s > 5) FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.program = 'live' AND i.kind = 'relay'")
[ "$row" = "completed|1|relay|live:default|1" ] && ok || bad "A: the live row: $row"
loaxa log --format json >"$S/log.json"
python3 - "$S/log.json" <<'PY' && ok || bad "A: loaxa log does not list the interrupted programme and the live item"
import json, sys
log = json.load(open(sys.argv[1]))
cut = [r for r in log if r["program"] == "dai" and r["status"] == "interrupted"]
rows = [r for r in log if r["program"] == "live" and r["kind"] == "relay"]
print("  log: %s; %s" % ([(r["status"], r["clip"]) for r in cut], [(r["status"], r["source"], r["length_s"]) for r in rows]))
sys.exit(0 if len(cut) == 1 and len(rows) == 1 and rows[0]["source"] == "live:default" and rows[0]["length_s"] > 2 else 1)
PY

# R: nothing on air: a normal live, ended by loaxa live --stop; its recording is what aired
rec_start "$S/r.wav" || exit 1
out=$(loaxa live --title "Họp tổ dân phố" 2>&1) && ok || bad "R: loaxa live with nothing on air: $out"
check "R: on air, 4 s in" wait_on live "Họp tổ dân phố" 4
out=$(loaxa live --stop 2>&1) && ok || bad "R: loaxa live --stop: $out"
check "R: logged" wait_rows 3
rec_stop
out=$(loaxa live --stop 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "R: loaxa live --stop with nothing live: exit $rc: $out"
path=$(sql "$DB" "SELECT i.recording FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.program = 'live' AND i.kind = 'relay' ORDER BY a.id DESC LIMIT 1")
echo "  R: recording $path"
case $path in "$S/state/recordings/live-"*.wav) ok ;; *) bad "R: the row's recording: '$path'" ;; esac
[ -f "$path" ] && [ ! -e "$path.part" ] && ok || bad "R: $path is not there (or still .part)"
# what the sink received, unless the machine was too busy to feed it and the row says so
LIVE_ROW="id = (SELECT max(a.id) FROM airings a WHERE a.program = 'live')"
if cmp=$("$TOP/tests/system/wavcmp" "$path" "$S/r.wav") || broke_off "$DB" "$LIVE_ROW"; then ok; else
	bad "R: the recording is not what the sink received: $cmp"
fi
# and, busy or not, the recording is the whole airing: as long as its items, jingle, voice, closing jingle
len=$(sql "$DB" "SELECT round(sum(i.length_s), 3) FROM aired_items i JOIN airings a ON a.id = i.airing_id WHERE a.$LIVE_ROW")
python3 -c '
import sys, wave
w = wave.open(sys.argv[1])
s = w.getnframes() / w.getframerate()
print("  R: the recording is %.3f s, its items %s s" % (s, sys.argv[2]))
sys.exit(0 if abs(s - float(sys.argv[2])) < 0.25 else 1)' "$path" "$len" && ok || bad "R: the recording is not as long as what the row says aired ($len s)"
rj=$(has_tone "$path" 300 0.8) && rv=$(has_tone "$path" 1000 2.5) && re=$(has_tone "$path" 700 0.8) &&
	python3 -c 'import sys; a,b,c=map(float,sys.argv[1:]); sys.exit(0 if a < b < c else 1)' "$(first "$rj")" "$(first "$rv")" "$(first "$re")" && ok ||
	bad "R: the recording is not the jingle, the voice, the closing jingle: ${rj:-} ${rv:-} ${re:-}"
echo "  R: recording vs sink: $cmp"
v=$(has_tone "$S/r.wav" 1000 2.5) && e=$(has_tone "$S/r.wav" 700 0.8) &&
	python3 -c 'import sys; a,b=map(float,sys.argv[1:]); sys.exit(0 if a < b else 1)' "$(first "$v")" "$(first "$e")" && ok ||
	bad "R: the closing jingle does not come after the voice: $v; $e"
loaxa log --format json | python3 -c '
import json, sys
p = sys.argv[1]
rows = [r for r in json.load(sys.stdin) if r["recording"] == p]
sys.exit(0 if len(rows) == 1 and rows[0]["kind"] == "relay" else 1)' "$path" && ok || bad "R: loaxa log --format json does not show the recording"
loaxa log | grep -F -q "$path" && ok || bad "R: loaxa log (text) does not show the recording"

# B: --minutes 1 ends it by itself
out=$(loaxa live --minutes 1 2>&1) || bad "B: loaxa live --minutes 1: $out"
check "B: the live announcement ends by itself" wait_rows 4
row=$(sql "$DB" "SELECT a.status || '|' || i.kind || '|' || round(i.length_s) FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.program = 'live' AND i.kind = 'relay' ORDER BY a.id DESC LIMIT 1")
echo "  B: $row"
[ "$row" = "completed|relay|60.0" ] && ok ||
	bad "B: the row after --minutes 1: $row: $(sql "$DB" "SELECT reason FROM airings ORDER BY id DESC LIMIT 1")"
row=$(sql "$DB" "SELECT group_concat(coalesce(c.name, i.kind) || ':' || i.completed, ',') FROM (SELECT * FROM aired_items WHERE airing_id = (SELECT max(id) FROM airings) ORDER BY seq) i LEFT JOIN clips c ON c.id = i.clip_id")
[ "$row" = "mo:1,relay:1,het:1" ] && ok || bad "B: the items after --minutes 1: $row"

# K: kill -9 while live: the recording so far is readable, finished at the next start
loaxa live >/dev/null 2>&1 || bad "K: loaxa live"
check "K: on air, 4 s in" wait_on live "live:default" 4
part=$(ls "$S"/state/recordings/*.part 2>/dev/null | head -1)
kill9_daemon
python3 -c '
import sys, wave
w = wave.open(sys.argv[1])
s = w.getnframes() / w.getframerate()
print("  K: %s after kill -9: %.1f s readable" % (sys.argv[1].rsplit("/", 1)[1], s))
sys.exit(0 if s >= 3 else 1)' "$part" && ok || bad "K: the temporary recording '$part' is not a readable WAV of what aired"
start_daemon "$S/loaxa.conf" || exit 1
final=${part%.part}
[ -f "$final" ] && [ ! -e "$part" ] && ok || bad "K: the next start did not finish $final"
row=$(sql "$DB" "SELECT a.status || '|' || (i.length_s > 3) FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE i.recording = '$final'")
[ "$row" = "interrupted|1" ] && ok || bad "K: the row of the killed live: $row"
"$TOP/tests/system/wavcmp" "$final" "$final" >/dev/null && ok || bad "K: $final cannot be read back"
stop_daemon

# C: no microphone: a sentence naming audio.mic_device and loaxa audio devices, exit 1, no row
write_conf khong-co-micro
start_daemon "$S/loaxa.conf" || exit 1
n0=$(sql "$DB" "SELECT count(*) FROM airings")
out=$(loaxa live 2>&1)
rc=$?
echo "  C: $out"
[ $rc = 1 ] && printf '%s' "$out" | grep -q "audio.mic_device" && printf '%s' "$out" | grep -q "loaxa audio devices" &&
	printf '%s' "$out" | grep -q "Không có micrô" && ok || bad "C: no microphone: exit $rc: $out"
sleep 1 # nothing may come: a row written late would show now
n1=$(sql "$DB" "SELECT count(*) FROM airings")
[ "$n0" = "$n1" ] && ok || bad "C: a row was written for a live that never aired ($n0 -> $n1)"
loaxa status --format json | grep -q '"playing": null' && ok || bad "C: something is on air"
stop_daemon

# H: the high-pass on the microphone, on and off
kill "$FEED_PID" 2>/dev/null && wait "$FEED_PID" 2>/dev/null
FEED_PID=
sox -n -r 48000 -c 1 "$S/v.wav" synth 120 sine 1000 vol 0.05 2>/dev/null
sox -n -r 48000 -c 1 "$S/h.wav" synth 120 sine 30 vol 0.05 2>/dev/null
sox -m "$S/v.wav" "$S/h.wav" "$S/hum.wav" 2>/dev/null
start_feed "$S/hum.wav" || exit 1
# hum_db: a live of 5 s; prints the hum's level against the voice's (dB) in its recording
hum_db() {
	n=$(sql "$DB" "SELECT count(*) FROM airings WHERE status <> 'started'")
	loaxa live --title "Hum" >/dev/null 2>&1 || bad "H: loaxa live"
	wait_on live Hum 5 || bad "H: not on air 5 s in"
	loaxa live --stop >/dev/null 2>&1 || bad "H: loaxa live --stop"
	wait_rows $((n + 1)) || bad "H: the live was not logged"
	python3 - "$(sql "$DB" "SELECT i.recording FROM airings a JOIN aired_items i ON i.airing_id = a.id WHERE a.program = 'live' AND i.kind = 'relay' ORDER BY a.id DESC LIMIT 1")" <<'PY'
import array, math, sys, wave
w = wave.open(sys.argv[1])
rate = w.getframerate()
x = [v / 32768.0 for v in array.array("h", w.readframes(w.getnframes()))]
def power(f):  # Goertzel over the whole recording (the jingles are neither 30 Hz nor 1 kHz)
    k = 2 * math.cos(2 * math.pi * f / rate)
    p1 = p2 = 0.0
    for v in x:
        p1, p2 = v + k * p1 - p2, p1
    return max(p1 * p1 + p2 * p2 - k * p1 * p2, 1e-30)
print("%.1f" % (10 * math.log10(power(30) / power(1000))))
PY
}
write_conf
start_daemon "$S/loaxa.conf" || exit 1
on=$(hum_db)
stop_daemon
write_conf "" 0.0
start_daemon "$S/loaxa.conf" || exit 1
off=$(hum_db)
stop_daemon
echo "  H: the 30 Hz hum against the 1 kHz voice: ${on:-?} dB with live.highpass_hz 80, ${off:-?} dB with 0"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= -12 else 1)' "${on:-0}" 2>/dev/null && ok ||
	bad "H: with live.highpass_hz = 80 the hum aired ${on:-?} dB against the voice, not 12 dB or more below"
python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])) <= 3 else 1)' "${off:-99}" 2>/dev/null && ok ||
	bad "H: with live.highpass_hz = 0 the hum aired ${off:-?} dB against the voice, not as fed (within 3 dB)"
finish
