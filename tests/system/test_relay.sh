#!/bin/sh
# Relaying a network stream ("tiếp âm", issue 14) through the real things: an
# icecast2 server on 127.0.0.1 started here with its own configuration,
# ffmpeg feeding it a 1 kHz tone as MP3 (stereo, 44.1 kHz, about -30 LUFS),
# and loaxad airing a programme with a stream item into the PulseAudio null
# sink, recorded back.
#   A  the tone airs where the log says the stream item is, from its first
#      instant, brought up to the loudness target; it stops after `minutes`
#      and the programme goes on; the log row is kind "stream" with its
#      length and address.
#   B  the source is killed mid-relay: after relay_silence_s of dead air
#      the fallback clip (a 500 Hz tone) fills the rest of the item, the
#      row says when the signal was lost, and the rest of the programme airs.
#   C  a stream that cannot be reached at the instant: the fallback from the
#      start, the row says why, the rest airs.
#   R  the source drops and comes back within relay_silence_s: the relay
#      re-connects, the tone goes on to the item's end, no fallback, no reason.
#   OA as A from an Ogg Vorbis mount (44.1 kHz stereo), PA from an Ogg Opus
#      mount (48 kHz stereo): the tone on time, at the target, for its minutes.
#   OR as R on the Ogg Vorbis mount: the source killed and restarted, the
#      relay re-connects to the new logical stream and goes on.
#   OC a chained Ogg stream in one connection: the mount has a fallback
#      mount (an Opus source) with fallback-override, so when its Vorbis
#      source dies icecast moves the listener to the Opus stream and, when it
#      is back, to a new Vorbis stream, each a new link with a new serial;
#      the tone goes on to the item's end, no fallback, and loaxa connected
#      once.
#   G  a web page, 3 MB of random bytes served as audio/mpeg, a 404 and
#      "OggS" + 3 MB of random bytes served as application/ogg, one
#      programme: each item logged with its own reason, the programme aired.
# Line-in (a `line_in` item, audio.input_device): a second null sink "feed"
# is the upper station, its monitor the sound server's default source (what
# PortAudio's default input reads), fed a 1 kHz tone by paplay.
#   LA as A: on time, levelled to the target, kind "relay", source "line-in".
#   LB as B: the feed stops mid-relay, the fallback fills the dead air.
#   LC as C: an input device that is not there: the fallback, and why.
#   LG the input device vanishes mid-relay (the feed sink, whose monitor is
#      being captured, is unloaded from the sound server): as LB.  PulseAudio
#      (16) moves a capture stream whose source goes to the default source,
#      so a client never sees its device go; here that is "spare", a silent
#      null source, as a machine's other input would be (were it the output's
#      monitor, the relay would air its own output).  So the row says the
#      line-in went silent; a device that stops giving sound at all (ALSA
#      without a sound server) is tests/unit/test_relay's.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh LANG=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po"
pa_start || exit 1

FB_PID=
WWW_PID=
stop_source() { ice_unfeed; }
relay_cleanup() {
	stop_source
	[ -n "$FB_PID" ] && kill "$FB_PID" 2>/dev/null && wait "$FB_PID" 2>/dev/null
	[ -n "${FEED_PID:-}" ] && kill "$FEED_PID" 2>/dev/null && wait "$FEED_PID" 2>/dev/null
	[ -n "$WWW_PID" ] && kill "$WWW_PID" 2>/dev/null && wait "$WWW_PID" 2>/dev/null
	cleanup
}
trap relay_cleanup EXIT

DEAD_PORT=$(free_port)
# /chuoi.ogg falls back to /du-phong.ogg while its source is away, and
# back (fallback-override): a listener's stream chains
ICE_MOUNTS="<mount type=\"normal\"><mount-name>/chuoi.ogg</mount-name><fallback-mount>/du-phong.ogg</fallback-mount>
    <fallback-override>1</fallback-override></mount>"
ice_start sources=4 burst=16384 timeout=3 || exit 1
PORT=$ICE_PORT
URL="http://127.0.0.1:$PORT/tiep-am.mp3"
# The encoders of the mounts: MP3; Ogg Vorbis; Ogg Opus
MP3=$ICE_MP3
VORBIS=$ICE_VORBIS
OPUS=$ICE_OPUS
feed() { ice_feed "$@"; }
# start_source [MOUNT ENCODER]: the source of the mount relayed (MP3 by default)
start_source() { ice_feed "${1:-tiep-am.mp3}" "${2:-$MP3}"; }

# the fallback clip: a 500 Hz tone; the opening clip: 300 Hz, 1 s, its first sample is the airing's
sox -n -r 48000 -c 1 "$S/bao.wav" synth 4 sine 500 vol 0.3 2>/dev/null
sox -n -r 48000 -c 1 "$S/mo.wav" synth 1 sine 300 vol 0.3 2>/dev/null
export LOAXA_CONFIG="$S/loaxa.conf"
at() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# write_conf URL MINUTES SLOT-TIME [INPUT-DEVICE]: URL "line-in" makes a line_in item
write_conf() {
	item="stream = \"$1\";"
	[ "$1" = line-in ] && item="line_in = true;"
	indev=
	[ -n "${4:-}" ] && indev="input_device = \"$4\";"
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; relay_silence_s = 3.0; $indev };
programs = { tiepam = { max_minutes = 2; items = (
  { clip = "mo"; gap = 1.0; },
  { $item minutes = $2; fallback = "bao"; gap = 1.0; },
  { tts = "Hết giờ tiếp âm."; } ); }; };
slots = ( { name = "tiepam"; when = "$(at $3)"; program = "tiepam"; catch_up_minutes = 1; } );
CONF
}

log_json() { loaxa log --format json >"$S/log.json"; }
wait_completed() { # wait_completed N: until N airings are done
	for _ in $(seq 300); do
		n=$(sql "$S/state/loaxa.db" "SELECT count(*) FROM airings WHERE status <> 'started'" 2>/dev/null)
		[ "${n:-0}" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
# wait_position S: until the player is S seconds or more into the airing
wait_position() {
	for _ in $(seq 300); do
		loaxa status --format json 2>/dev/null |
			python3 -c 'import re,sys; m = re.search(r"\"position_s\": *([0-9.]+)", sys.stdin.read()); sys.exit(0 if m and float(m.group(1)) >= float(sys.argv[1]) else 1)' "$1" &&
			return 0
		sleep 0.1
	done
	return 1
}

# analyse REC.WAV LOG.JSON SCHEDULED CASE [AS]: the recording against the log
# (prints what it measured; exits 1 with what is wrong).  The recording is
# cut in 100 ms windows; a window "has" a tone when the Goertzel filter finds
# it at more than -30 dBFS and as most of the window's power (speech never
# does).  Levels are RMS in dBFS: at 1 kHz K-weighting adds +0.7 dB and R128
# takes 0.7, so -16 LUFS is -16 dBFS RMS.  Durations count windows, so a
# stall of the sound server (silence in the middle) does not lengthen them.
analyse() {
	python3 - "$@" <<'PY'
import json, math, os, sys, wave, array
rec, logf, sched, case = sys.argv[1:5]
as_case = sys.argv[5] if len(sys.argv) > 5 else None  # checked as this case
w = wave.open(rec)
rate = w.getframerate()
x = [v / 32768.0 for v in array.array("h", w.readframes(w.getnframes()))]
rows = [r for r in json.load(open(logf)) if r["slot"] == "tiepam" and r["scheduled_at"].startswith(sched)]
li = case.startswith("L")  # line-in: checked as the stream case it mirrors
name, case = case, as_case or case[-1]
st = [r for r in rows if r["kind"] == ("relay" if li else "stream")]
if len(st) != 1:
    sys.exit("%d stream rows: %s" % (len(st), rows))
st = st[0]
W = int(0.1 * rate)
def power(s, f):
    k = 2 * math.cos(2 * math.pi * f / rate)
    p1 = p2 = 0.0
    for v in s:
        p1, p2 = v + k * p1 - p2, p1
    return 2 * max(p1 * p1 + p2 * p2 - k * p1 * p2, 0) / (len(s) * len(s))
win = []
for i in range(len(x) // W):
    s = x[i * W:(i + 1) * W]
    tot = sum(v * v for v in s) / len(s)
    win.append((tot, power(s, 1000), power(s, 500)))
def db(p):
    return 10 * math.log10(p + 1e-20)
def has(i, f):
    tot, p1, p5 = win[i]
    p = p1 if f == 1000 else p5
    return db(p) > -30 and p > 0.8 * tot
t0 = next(i for i, v in enumerate(x) if abs(v) > 0.01) / rate  # the opening clip's first sample
off, ln = st["offset_s"], st["length_s"]
due = t0 + off
k1 = [i for i in range(len(win)) if has(i, 1000)]
k5 = [i for i in range(len(win)) if has(i, 500)]
on1 = k1[0] * 0.1 if k1 else None
on5 = k5[0] * 0.1 if k5 else None
def level(ix):
    return db(sum(win[i][1] for i in ix) / len(ix)) if ix else -200
print("%s: %s item at %.2f s for %.2f s; 1 kHz %.1f s from %s, 500 Hz %.1f s from %s (due at %.2f); %s"
      % (name, st["kind"], off, ln, len(k1) * 0.1, "%.2f" % on1 if k1 else "-", len(k5) * 0.1,
         "%.2f" % on5 if k5 else "-", due, st["item_reason"]))
errs = []
def want(cond, what):
    if not cond:
        errs.append(what)
def onset(w0):
    """The first sample of the sound that fills window w0, searched from 0.5 s before it."""
    a = max(int((w0 * 0.1 - 0.5) * rate), 0)
    return next((i for i in range(a, (w0 + 1) * W) if abs(x[i]) > 0.01), w0 * W) / rate
def on_time(ix, what):
    """As bulletins: the first sample within 50 ms of its instant."""
    on = onset(ix[0]) if ix else None
    print("  %s: %s ms after its instant" % (what, "%+.0f" % ((on - due) * 1000) if ix else "never"))
    want(on is not None and abs(on - due) <= 0.05,
         "%s not on time: at %s, due at %.3f" % (what, "%.3f" % on if on is not None else "never", due))
if case in ("A", "B", "R"):
    on_time(k1, "the first relayed sound")
if case == "A":
    first, rest = level(k1[:10]), level(k1[10:])
    print("  level: %.1f dBFS RMS in the first second, %.1f after (target -16)" % (first, rest))
    want(abs(rest - -16) < 1.5, "the relay is not at the loudness target: %.1f dBFS" % rest)
    want(abs(first - -16) < 2.0, "the relay does not start at the loudness target: %.1f dBFS" % first)
    # at most its minutes; a little less when the sound server drops a block under load
    want(ln - 1.0 <= len(k1) * 0.1 <= ln + 0.3, "the tone aired %.1f s, not the item's %.1f s" % (len(k1) * 0.1, ln))
    want(abs(ln - 15) < 0.05, "length %.2f s, not 15 s" % ln)
    want(not k5, "the fallback played though the stream was fine")
    want(st["item_reason"] is None, "a reason on a relay that went well: %s" % st["item_reason"])
    want(st["source"] == ("line-in" if li else os.environ["WANT_SOURCE"]), "source %s" % st["source"])
if case == "B":
    gap = (k5[0] - k1[-1]) * 0.1 if k1 and k5 else -1
    print("  dead air between the last relayed sound and the fallback: %.1f s" % gap)
    want(k5 and k1 and k5[0] > k1[-1], "the fallback clip did not fill the dead air")
    # not before relay_silence_s (3 s); the ceiling is generous: a stall of the
    # sound server under load lengthens the gap in the recording, not the item
    want(2.5 <= gap <= 8, "the fallback came %.1f s after the signal went, not relay_silence_s (3 s)" % gap)
    # counted in windows (a stall adds none): relay + at least the dead air + fallback
    want(len(k1) * 0.1 + 2.5 + len(k5) * 0.1 <= ln + 0.5,
         "the item ran on past its minutes: %.1f s relayed, %.1f s fallback" % (len(k1) * 0.1, len(k5) * 0.1))
if case in ("B", "C"):
    want(st["item_reason"] is not None and ("relay signal lost at" in st["item_reason"]),
         "the row does not say the signal was lost: %s" % st["item_reason"])
if case == "C":
    on_time(k5, "the fallback")
    want(abs(len(k5) * 0.1 - ln) <= 0.3, "the fallback aired %.1f s, not the item's %.1f s" % (len(k5) * 0.1, ln))
    want(not k1, "1 kHz in the recording")
if case == "C":
    # stored in English whatever the daemon's language (loaxa log translates it)
    want(('the input device "khong-co-may-thu" is not there' if li else "could not connect to") in st["item_reason"],
         "the reason does not say why, in English: %s" % st["item_reason"])
if case == "R":
    print("  the tone ends %.1f s after it began (the item is %.1f s)" % ((k1[-1] - k1[0] + 1) * 0.1 if k1 else 0, ln))
    want(k1 and (k1[-1] - k1[0] + 1) * 0.1 >= ln - 0.3, "the relay did not come back to the item's end")
    want(not k5, "the fallback played though the stream came back")
    want(st["item_reason"] is None, "a reason on a relay that came back: %s" % st["item_reason"])
# the rest of the programme aired: speech after the last tone
last = max(k1 + k5) if k1 + k5 else 0
speech = [i for i in range(last + 1, len(win)) if db(win[i][0]) > -40]
want(len(speech) >= 3, "no speech after the relay: the closing item did not air")
tail = [r for r in rows if r["kind"] == "tts" and r["offset_s"] > off]
want(len(tail) == 1 and tail[0]["completed"], "the speech after the relay is not logged: %s" % tail)
want(all(r["status"] == "completed" for r in rows), "airing status %s" % {r["status"] for r in rows})
for e in errs:
    print("  FAIL: " + e)
sys.exit(1 if errs else 0)
PY
}

# --- A: the relay airs on time, at the target, for its minutes
start_source || exit 1
T=$(($(date +%s) + 9))
write_conf "$URL" 0.25 "$T"
loaxa clip import "$S/bao.wav" --name bao --kind jingle >/dev/null || { bad "clip import"; exit 1; }
loaxa clip import "$S/mo.wav" --name mo --kind jingle >/dev/null || { bad "clip import"; exit 1; }
rec_start "$S/a.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing A done" wait_completed 1
rec_stop
log_json
WANT_SOURCE=$URL check "A: the relay aired as logged" analyse "$S/a.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" A
sql "$S/state/loaxa.db" "SELECT kind, round(length_s, 2), source FROM aired_items WHERE kind = 'stream'" |
	grep -q "^stream|15.0|$URL\$" && ok || bad "A: the stream row in the database"
# the first sample left at or after the instant (as test_daemon.sh; how late is bench's to time)
lat=$(sql "$S/state/loaxa.db" "SELECT lateness_ms FROM airings ORDER BY id LIMIT 1")
echo "A: lateness ${lat:-none} ms"
[ -n "$lat" ] && [ "$lat" -ge 0 ] && ok || bad "A: the airing's first sample left before its instant: lateness ${lat:-none} ms"
stop_daemon

# --- B: the source dies mid-relay
T=$(($(date +%s) + 9))
write_conf "$URL" 0.3 "$T"
rec_start "$S/b.wav"
start_daemon "$S/loaxa.conf" || exit 1
# 5 s into the stream item (it starts after the greeting and its gap, ~2.5 s in)
check "B: the airing reached 8 s" wait_position 8
stop_source
lost_at=$(date '+%H:%M:%S')
check "airing B done" wait_completed 2
rec_stop
log_json
check "B: dead air filled by the fallback, logged" analyse "$S/b.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" B
reason=$(sql "$S/state/loaxa.db" "SELECT reason FROM aired_items WHERE kind = 'stream' ORDER BY id DESC LIMIT 1")
echo "B: killed the source at $lost_at; the row says: $reason"
# the time in the row is within two seconds of the kill
python3 - "$lost_at" "$reason" <<'PY' && ok || bad "B: the loss time in the row ($reason) is not when the source died ($lost_at)"
import re, sys
from datetime import datetime
k = datetime.strptime(sys.argv[1], "%H:%M:%S")
m = re.search(r"(\d\d:\d\d:\d\d)", sys.argv[2])
sys.exit(0 if m and abs((datetime.strptime(m.group(1), "%H:%M:%S") - k).total_seconds()) <= 2 else 1)
PY
loaxa log | grep -q "mất tín hiệu tiếp âm lúc" && ok || bad "B: loaxa log does not show the reason"
stop_daemon

# --- R: the source drops for a moment: the relay re-connects, no fallback
start_source || exit 1
T=$(($(date +%s) + 9))
write_conf "$URL" 0.3 "$T"
rec_start "$S/r.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "R: the airing reached 6 s" wait_position 6
stop_source
sleep 1
start_source || exit 1
check "airing R done" wait_completed 3
rec_stop
log_json
check "R: a dropped source re-connected, no fallback" analyse "$S/r.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" R
stop_daemon

# --- OA, PA: Ogg Vorbis and Ogg Opus mounts relay as MP3 does
n=3
for c in "OA tiep-am.ogg $VORBIS" "PA tiep-am.opus $OPUS"; do
	set -- $c
	name=$1 mount=$2
	shift 2
	start_source "$mount" "$*" || exit 1
	T=$(($(date +%s) + 9))
	write_conf "http://127.0.0.1:$PORT/$mount" 0.25 "$T"
	rec_start "$S/$name.wav"
	start_daemon "$S/loaxa.conf" || exit 1
	n=$((n + 1))
	check "airing $name done" wait_completed $n
	rec_stop
	log_json
	WANT_SOURCE="http://127.0.0.1:$PORT/$mount" check "$name: the $mount relay aired as logged, levelled" \
		analyse "$S/$name.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" "$name"
	stop_daemon
	stop_source
done

# --- OR: the Vorbis source killed and restarted: a new connection, a new logical stream
start_source tiep-am.ogg "$VORBIS" || exit 1
T=$(($(date +%s) + 9))
write_conf "http://127.0.0.1:$PORT/tiep-am.ogg" 0.3 "$T"
rec_start "$S/or.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "OR: the airing reached 6 s" wait_position 6
stop_source
sleep 1
start_source tiep-am.ogg "$VORBIS" || exit 1
check "airing OR done" wait_completed 6
rec_stop
log_json
check "OR: the Ogg source restarted, the relay re-connected, no fallback" \
	analyse "$S/or.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" OR
stop_daemon
stop_source

# --- OC: one connection, a chained stream: Vorbis, then the Opus fallback mount, then Vorbis again
feed du-phong.ogg "$OPUS" || exit 1
FB_PID=$FED_PID
start_source chuoi.ogg "$VORBIS" || exit 1
loaxa_conns() { grep -c 'GET /chuoi.ogg.*loaxa/' "$ICE/log/access.log" 2>/dev/null; }
moves() { grep -c "passing [0-9]* listeners to \"/$1\"" "$ICE/log/error.log" 2>/dev/null; }
c0=$(loaxa_conns)
T=$(($(date +%s) + 9))
write_conf "http://127.0.0.1:$PORT/chuoi.ogg" 0.4 "$T"
rec_start "$S/oc.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "OC: the airing reached 6 s" wait_position 6
stop_source # icecast moves the listener to /du-phong.ogg (Opus)...
sleep 3
start_source chuoi.ogg "$VORBIS" || exit 1 # ...and back to a new Vorbis stream
check "airing OC done" wait_completed 7
rec_stop
log_json
check "OC: a chained Ogg stream (Vorbis, Opus, Vorbis) relayed to the end, no fallback" \
	analyse "$S/oc.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" OC R
stop_daemon
stop_source
kill "$FB_PID" 2>/dev/null
wait "$FB_PID" 2>/dev/null
FB_PID=
echo "OC: icecast passed the listener to the Opus mount $(moves du-phong.ogg) time(s), back $(moves chuoi.ogg) time(s); loaxa connected $(($(loaxa_conns) - c0)) time(s)"
[ "$(moves du-phong.ogg)" -ge 1 ] && [ "$(moves chuoi.ogg)" -ge 1 ] && ok ||
	bad "OC: icecast did not move the listener to the fallback and back: the stream did not chain"
[ $(($(loaxa_conns) - c0)) = 1 ] && ok || bad "OC: loaxa re-connected: the chain in one connection was not followed"

# --- G: bad answers, each with its reason (a plain web server on 127.0.0.1)
mkdir -p "$S/www"
echo "<html><body>Trang chủ UBND</body></html>" >"$S/www/index.html"
head -c 3000000 /dev/urandom >"$S/www/rac.mp3"
{ printf OggS; head -c 3000000 /dev/urandom; } >"$S/www/rac.ogg"
WPORT=$(free_port)
# a plain web server that says application/ogg for .ogg
cat >"$S/www.py" <<'PY'
import http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".ogg": "application/ogg"}
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
(cd "$S/www" && exec python3 "$S/www.py" "$WPORT") >"$S/www.log" 2>&1 &
WWW_PID=$!
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$WPORT/index.html" && break
	sleep 0.1
done
T=$(($(date +%s) + 9))
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; relay_silence_s = 3.0; };
programs = { xau = { items = (
  { stream = "http://127.0.0.1:$WPORT/index.html"; minutes = 0.05; fallback = "bao"; },
  { stream = "http://127.0.0.1:$WPORT/rac.mp3"; minutes = 0.05; fallback = "bao"; },
  { stream = "http://127.0.0.1:$WPORT/khong-co.mp3"; minutes = 0.05; fallback = "bao"; },
  { stream = "http://127.0.0.1:$WPORT/rac.ogg"; minutes = 0.05; fallback = "bao"; },
  { tts = "Hết giờ tiếp âm."; } ); }; };
slots = ( { name = "xau"; when = "$(at $T)"; program = "xau"; catch_up_minutes = 1; } );
CONF
start_daemon "$S/loaxa.conf" || exit 1
check "airing G done" wait_completed 8
db="$S/state/loaxa.db"
g() { sql "$db" "SELECT i.reason FROM aired_items i JOIN airings a ON a.id = i.airing_id WHERE a.slot = 'xau' AND i.seq = $1"; }
echo "G: $(g 0)"
echo "G: $(g 1)"
echo "G: $(g 2)"
echo "G: $(g 3)"
# stored in English whatever the daemon's locale (machines read the log)...
g 0 | grep -q "returns a web page (text/html)" && ok || bad "G: a web page: $(g 0)"
g 1 | grep -q "not one MP3 frame" && ok || bad "G: random bytes: $(g 1)"
g 2 | grep -q "HTTP 404" && ok || bad "G: a 404: $(g 2)"
g 3 | grep -q "bytes came but not one Ogg page" && ok || bad "G: random bytes as application/ogg: $(g 3)"
st=$(sql "$db" "SELECT status || ' ' || (SELECT count(*) FROM aired_items i WHERE i.airing_id = a.id AND i.kind = 'tts' AND i.completed) FROM airings a WHERE slot = 'xau'")
[ "$st" = "completed 1" ] && ok || bad "G: the programme after bad streams: $st"
# ...and shown in the reader's language, the address and the type kept
loaxa log >"$S/g.txt"
grep -q "mất tín hiệu tiếp âm lúc [0-9:]*: địa chỉ trả về một trang web (text/html)" "$S/g.txt" && ok ||
	bad "G: loaxa log does not show the web page reason in Vietnamese: $(grep -i html "$S/g.txt")"
grep -q "http://127.0.0.1:$WPORT/khong-co.mp3 trả lời HTTP 404 (không có luồng này: đài có đang phát không?)" "$S/g.txt" && ok ||
	bad "G: loaxa log does not show the 404 in Vietnamese: $(grep -i 404 "$S/g.txt")"
stop_daemon
kill "$WWW_PID" 2>/dev/null
wait "$WWW_PID" 2>/dev/null
WWW_PID=

# --- C: nothing listens at the address
T=$(($(date +%s) + 9))
write_conf "http://127.0.0.1:$DEAD_PORT/khong-co.mp3" 0.1 "$T"
rec_start "$S/c.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing C done" wait_completed 9
rec_stop
log_json
check "C: an unreachable stream falls back at once, logged" analyse "$S/c.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" C
stop_daemon

# --- line-in: the "feed" sink's monitor is the default source PortAudio reads
FEED_MOD=$(pactl load-module module-null-sink sink_name=feed rate=48000 channels=1 format=float32le) &&
	pactl set-default-source feed.monitor || { bad "line-in: cannot make the feed sink"; finish; exit 1; }
sox -n -r 48000 -c 1 "$S/feed.wav" synth 120 sine 1000 vol 0.05 2>/dev/null
FEED_PID=
start_feed() { # paplay plays the tone into "feed" until the sound server lists it
	n0=$(pactl list short sink-inputs | wc -l)
	paplay -d feed "$S/feed.wav" &
	FEED_PID=$!
	for _ in $(seq 100); do
		[ "$(pactl list short sink-inputs | wc -l)" -gt "$n0" ] && return 0
		sleep 0.1
	done
	echo "paplay is not playing into the feed sink" >&2
	return 1
}
stop_feed() {
	[ -n "$FEED_PID" ] && kill "$FEED_PID" 2>/dev/null && wait "$FEED_PID" 2>/dev/null
	FEED_PID=
}

# LA: on time, at the target, kind relay
start_feed || exit 1
T=$(($(date +%s) + 9))
write_conf line-in 0.25 "$T"
rec_start "$S/la.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing LA done" wait_completed 10
rec_stop
log_json
check "LA: line-in aired as logged, levelled" analyse "$S/la.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" LA
stop_daemon

# LB: the feed stops mid-relay
T=$(($(date +%s) + 9))
write_conf line-in 0.3 "$T"
rec_start "$S/lb.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "LB: the airing reached 8 s" wait_position 8
stop_feed
check "airing LB done" wait_completed 11
rec_stop
log_json
check "LB: line-in gone quiet, the fallback fills it, logged" analyse "$S/lb.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" LB
stop_daemon

# LC: an input device that is not there
T=$(($(date +%s) + 9))
write_conf line-in 0.1 "$T" khong-co-may-thu
rec_start "$S/lc.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing LC done" wait_completed 12
rec_stop
log_json
check "LC: a missing input device falls back at once, logged" analyse "$S/lc.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" LC
loaxa log | grep -q 'mất tín hiệu tiếp âm lúc [0-9:]*: không có thiết bị thu "khong-co-may-thu"' && ok ||
	bad "LC: loaxa log does not say the input device is missing in Vietnamese: $(loaxa log | tail -2)"
stop_daemon

# LG: the input device goes away mid-relay
done_before=$(sql "$S/state/loaxa.db" "SELECT count(*) FROM airings WHERE status <> 'started'")
start_feed || exit 1
T=$(($(date +%s) + 9))
write_conf line-in 0.3 "$T"
rec_start "$S/lg.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "LG: the airing reached 8 s" wait_position 8
pactl load-module module-null-source source_name=spare rate=48000 channels=1 >/dev/null &&
	pactl set-default-source spare || bad "LG: cannot make the spare source"
# paplay first: the sound server would move its tone into "loa", the recording
stop_feed
pactl unload-module "$FEED_MOD" && ok || bad "LG: cannot unload the feed sink"
pactl list short sources | grep -q "feed.monitor" && bad "LG: the feed source is still there" || ok
check "airing LG done" wait_completed $((done_before + 1))
rec_stop
log_json
# checked as LB (the analysis's case is its last letter)
check "LG: a vanished input device: the fallback fills the rest, logged" analyse "$S/lg.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" LGB
reason=$(sql "$S/state/loaxa.db" "SELECT reason FROM aired_items WHERE kind = 'relay' ORDER BY id DESC LIMIT 1")
echo "LG: the row says: $reason"
case $reason in
"relay signal lost at "*": the line-in went silent") ok ;;
*) bad "LG: the row does not say the line-in went silent: $reason" ;;
esac
loaxa log | grep -q "mất tín hiệu tiếp âm lúc [0-9:]*: đường vào (line-in) bị im lặng" && ok || bad "LG: loaxa log does not say it in Vietnamese"
kill -0 "$DAEMON_PID" && ok || bad "LG: the daemon did not go on"
stop_daemon
finish
