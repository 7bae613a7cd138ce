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
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh LANG=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po"
command -v icecast2 >/dev/null || { echo "icecast2 is not installed (sh scripts/deps)" >&2; exit 1; }
pa_start || exit 1

ICE_PID=
SRC_PID=
stop_source() {
	[ -n "$SRC_PID" ] && kill "$SRC_PID" 2>/dev/null && wait "$SRC_PID" 2>/dev/null
	SRC_PID=
}
relay_cleanup() {
	stop_source
	[ -n "$ICE_PID" ] && kill "$ICE_PID" 2>/dev/null && wait "$ICE_PID" 2>/dev/null
	cleanup
}
trap relay_cleanup EXIT

# A free port: the kernel picks one for a socket bound to port 0.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
DEAD_PORT=$(free_port)
ICE="$S/ice"
mkdir -p "$ICE/log"
# icecast2 refuses to run as root: then it drops to nobody, who must write its logs
OWNER=
if [ "$(id -u)" = 0 ]; then
	OWNER="<changeowner><user>nobody</user><group>nogroup</group></changeowner>"
	chmod 711 "$S"
	chmod 777 "$ICE" "$ICE/log"
fi
cat >"$ICE/icecast.xml" <<XML
<icecast>
  <limits><clients>10</clients><sources>2</sources><burst-size>16384</burst-size>
    <source-timeout>3</source-timeout></limits>
  <authentication><source-password>nguon</source-password>
    <admin-user>admin</admin-user><admin-password>quantri</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>$ICE</basedir><logdir>$ICE/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>$OWNER</security>
</icecast>
XML
icecast2 -c "$ICE/icecast.xml" >"$ICE/out" 2>&1 &
ICE_PID=$!
up=0
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/status-json.xsl" && up=1 && break
	sleep 0.1
done
[ $up = 1 ] || { echo "icecast2 did not start:" >&2; cat "$ICE/out" "$ICE/log/error.log" >&2; exit 1; }

URL="http://127.0.0.1:$PORT/tiep-am.mp3"
# start_source: ffmpeg sends the 1 kHz tone (about -30 LUFS) to the mount
start_source() {
	ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i "sine=frequency=1000:sample_rate=44100" \
		-af volume=0.28 -ac 2 -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3 \
		"icecast://source:nguon@127.0.0.1:$PORT/tiep-am.mp3" >"$S/ffmpeg.log" 2>&1 &
	SRC_PID=$!
	for _ in $(seq 50); do
		[ "$(curl -s -m 1 "$URL" 2>/dev/null | head -c 4096 | wc -c)" -ge 4096 ] && return 0
		sleep 0.2
	done
	echo "the source did not come up:" >&2
	cat "$S/ffmpeg.log" >&2
	return 1
}

# the fallback clip: a 500 Hz tone
sox -n -r 48000 -c 1 "$S/bao.wav" synth 4 sine 500 vol 0.3 2>/dev/null
export LOAXA_CONFIG="$S/loaxa.conf"
at() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# write_conf URL MINUTES SLOT-TIME
write_conf() {
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; relay_silence_s = 3.0; };
programs = { tiepam = { max_minutes = 2; items = (
  { tts = "Xin chào."; gap = 1.0; },
  { stream = "$1"; minutes = $2; fallback = "bao"; gap = 1.0; },
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

# analyse REC.WAV LOG.JSON SCHEDULED CASE: the recording against the log
# (prints what it measured; exits 1 with what is wrong).  Tones are found
# with the Goertzel filter in 100 ms windows; levels are RMS in dBFS (at
# 1 kHz, K-weighting adds +0.7 dB and R128 takes -0.7: -16 LUFS is -16 dBFS RMS).
analyse() {
	python3 - "$@" <<'PY'
import json, math, sys, wave, array
rec, logf, sched, case = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
w = wave.open(rec)
rate = w.getframerate()
x = array.array("h", w.readframes(w.getnframes()))
x = [v / 32768.0 for v in x]
rows = [r for r in json.load(open(logf)) if r["scheduled_at"] and r["slot"] == "tiepam"]
rows = [r for r in rows if r["scheduled_at"].startswith(sched)] if sched else rows
st = [r for r in rows if r["kind"] == "stream"]
if len(st) != 1:
    sys.exit("%d stream rows: %s" % (len(st), rows))
st = st[0]
# the airing starts at the first sound of the recording
t0 = next(i for i, v in enumerate(x) if abs(v) > 0.005) / rate
def seg(a, b):
    return x[int(a * rate):int(b * rate)]
def tone(a, b, f):
    """RMS (dBFS) of the f Hz component over [a, b), in 100 ms windows."""
    k = 2 * math.cos(2 * math.pi * f / rate)
    pws = []
    t = a
    while t + 0.1 <= b + 1e-9:
        s = seg(t, t + 0.1)
        t += 0.1
        if not s:
            break
        p1 = p2 = 0.0
        for v in s:
            p1, p2 = v + k * p1 - p2, p1
        pw = p1 * p1 + p2 * p2 - k * p1 * p2
        pws.append(2 * max(pw, 0) / (len(s) * len(s)))  # the mean square of the component
    if not pws:
        return -200
    return 10 * math.log10(sum(pws) / len(pws) + 1e-20)
off, ln = st["offset_s"], st["length_s"]
a, b = t0 + off, t0 + off + ln
print("%s: stream item at %.2f s for %.2f s (recording starts the airing at %.2f s); %s"
      % (case, off, ln, t0, st["item_reason"]))
errs = []
def want(cond, what):
    if not cond:
        errs.append(what)
before = tone(a - 0.6, a - 0.05, 1000)
first = tone(a + 0.02, a + 0.32, 1000)
after = tone(b + 0.05, b + 0.6, 1000)
print("  1 kHz: %.1f dBFS just before, %.1f in its first 0.3 s, %.1f just after" % (before, first, after))
if case in ("A", "B"):
    want(first > -30, "the relayed tone is not there at the item's first instant (%.1f dBFS)" % first)
    want(before < first - 30, "1 kHz before the item starts (%.1f dBFS)" % before)
    want(after < first - 30, "the relay did not stop after its minutes (%.1f dBFS after)" % after)
if case == "A":
    lv = tone(a + 1, b - 0.5, 1000)
    first_s = tone(a + 0.02, a + 1, 1000)
    print("  level of the relayed tone: %.1f dBFS RMS in its first second, %.1f over the rest (target -16)"
          % (first_s, lv))
    want(abs(lv - -16) < 1.5, "the relay is not at the loudness target: %.1f dBFS" % lv)
    want(abs(first_s - -16) < 2.0, "the relay does not start at the loudness target: %.1f dBFS" % first_s)
    want(abs(ln - 15) < 0.05, "length %.2f s, not 15 s" % ln)
    want(st["item_reason"] is None, "a reason on a relay that went well: %s" % st["item_reason"])
    want(st["source"] and st["source"].endswith("/tiep-am.mp3"), "source %s" % st["source"])
if case in ("B", "C"):
    fb = tone(b - 2.5, b - 0.3, 500)
    print("  500 Hz fallback over the item's last 2 s: %.1f dBFS" % fb)
    want(fb > -30, "the fallback clip did not fill the dead air (%.1f dBFS)" % fb)
    want(st["item_reason"] is not None and ("mất tín hiệu tiếp âm lúc" in st["item_reason"]),
         "the row does not say the signal was lost: %s" % st["item_reason"])
if case == "C":
    first_fb = tone(a + 0.05, a + 0.5, 500)
    print("  500 Hz at the item's start: %.1f dBFS" % first_fb)
    want(first_fb > -30, "an unreachable stream did not fall back at once (%.1f dBFS)" % first_fb)
    want("Failed to connect" in st["item_reason"] or "Could not connect" in st["item_reason"]
         or "kết nối" in st["item_reason"], "the reason does not say why: %s" % st["item_reason"])
# the rest of the programme aired: the speech after the item is there
tail = [r for r in rows if r["kind"] == "tts" and r["offset_s"] > off]
want(len(tail) == 1 and tail[0]["completed"], "the speech after the relay did not air: %s" % tail)
if tail:
    t = tail[0]
    e = seg(t0 + t["offset_s"], t0 + t["offset_s"] + t["length_s"])
    rms = math.sqrt(sum(v * v for v in e) / max(len(e), 1))
    want(rms > 0.01, "silence where the closing speech should be")
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
rec_start "$S/a.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing A done" wait_completed 1
rec_stop
log_json
check "A: the relay aired as logged" analyse "$S/a.wav" "$S/log.json" "" A
sql "$S/state/loaxa.db" "SELECT kind, round(length_s, 2), source FROM aired_items WHERE kind = 'stream'" |
	grep -q "^stream|15.0|$URL\$" && ok || bad "A: the stream row in the database"
lat=$(sql "$S/state/loaxa.db" "SELECT lateness_ms FROM airings ORDER BY id LIMIT 1")
[ "${lat:-999}" -lt 50 ] && [ "${lat:-999}" -gt -50 ] && ok || bad "A: lateness $lat ms"
stop_daemon

# --- B: the source dies mid-relay
T=$(($(date +%s) + 9))
write_conf "$URL" 0.3 "$T"
rec_start "$S/b.wav"
start_daemon "$S/loaxa.conf" || exit 1
# 5 s into the stream item (it starts after the greeting and its gap, ~2.5 s in)
for _ in $(seq 300); do
	loaxa status --format json 2>/dev/null | grep -q '"position_s": \([89]\|[1-9][0-9]\)\.' && break
	sleep 0.1
done
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

# --- C: nothing listens at the address
T=$(($(date +%s) + 9))
write_conf "http://127.0.0.1:$DEAD_PORT/khong-co.mp3" 0.1 "$T"
rec_start "$S/c.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "airing C done" wait_completed 3
rec_stop
log_json
check "C: an unreachable stream falls back at once, logged" analyse "$S/c.wav" "$S/log.json" "$(date -d "@$T" '+%Y-%m-%dT%H:%M:%S')" C
stop_daemon
finish
