#!/bin/sh
# Voice options: the speaking rate and pitch of each bulletin class (tts.rate,
# tts.pitch, tts.normal/priority/emergency), applied by espeak-ng and passed to
# the command engine; `loaxa say --rate/--pitch/--class`; a bulletin rendered
# at its class's voice.  Measured on the real espeak-ng output: lengths from
# the WAV header, pitch by autocorrelation of the voiced frames.
. "$(dirname "$0")/lib.sh"

TEXT="Ủy ban nhân dân xã thông báo lịch tiêm phòng cho trẻ em vào sáng thứ Bảy tuần này."

# seconds of sound in a WAV file
secs() {
	python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); print("%.3f" % (w.getnframes() / w.getframerate()))' "$1"
}

# the median fundamental frequency (Hz) of the voiced frames of a WAV file
f0() {
	python3 - "$1" <<'PY'
import array, sys, wave
w = wave.open(sys.argv[1])
rate = w.getframerate()
a = array.array("h", w.readframes(w.getnframes()))
step = max(1, rate // 8000)                  # about 8 kHz is plenty for a voice's pitch
x = a[::step]
sr = rate / step
frame = int(sr * 0.04)
loud = max(abs(v) for v in x) or 1
found = []
for start in range(0, len(x) - 2 * frame, frame):
    f = x[start:start + 2 * frame]
    if max(abs(v) for v in f) < loud / 4:
        continue                             # silence or a consonant
    best, lag = 0.0, 0
    for l in range(int(sr / 400), int(sr / 60)):
        c = sum(f[i] * f[i + l] for i in range(0, frame, 2))
        if c > best:
            best, lag = c, l
    if lag:
        found.append(sr / lag)
found.sort()
print("%.0f" % found[len(found) // 2] if found else 0)
PY
}

# at least ratio times longer (awk for the arithmetic)
longer() {
	awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { exit !(a >= b * r) }'
}

# --- rate: faster speech is shorter
run 0 loaxa say --rate 100 -o "$T/slow.wav" "$TEXT"
run 0 loaxa say --rate 220 -o "$T/fast.wav" "$TEXT"
S=$(secs "$T/slow.wav")
F=$(secs "$T/fast.wav")
longer "$S" "$F" 1.6 && ok || bad "--rate 100 gave $S s, --rate 220 $F s"

# --- pitch: a higher pitch is heard higher
run 0 loaxa say --pitch 5 -o "$T/low.wav" "$TEXT"
run 0 loaxa say --pitch 95 -o "$T/high.wav" "$TEXT"
L=$(f0 "$T/low.wav")
H=$(f0 "$T/high.wav")
longer "$H" "$L" 1.3 && ok || bad "--pitch 95 at $H Hz, --pitch 5 at $L Hz"

# --- an emergency is read a little slower by default (90 % of tts.rate)
run 0 loaxa say --class normal -o "$T/normal.wav" "$TEXT"
run 0 loaxa say --class emergency -o "$T/emergency.wav" "$TEXT"
N=$(secs "$T/normal.wav")
E=$(secs "$T/emergency.wav")
longer "$E" "$N" 1.05 && ok || bad "emergency $E s, normal $N s"

# --- the configuration sets each class; --rate still wins
cat >"$LOAXA_CONFIG" <<'CONF'
tts = { rate = 160; pitch = 50; emergency = { rate = 100; pitch = 30; }; priority = { pitch = 80; }; };
CONF
run 0 loaxa config check
expect_out 'emergency = \{ rate = 100; pitch = 30; \};'
expect_out 'priority = \{ rate = 160; pitch = 80; \};'
expect_out 'normal = \{ rate = 160; pitch = 50; \};'
run 0 loaxa say --class emergency -o "$T/e100.wav" "$TEXT"
run 0 loaxa say --class normal -o "$T/n160.wav" "$TEXT"
E=$(secs "$T/e100.wav")
N=$(secs "$T/n160.wav")
longer "$E" "$N" 1.35 && ok || bad "tts.emergency.rate 100: $E s against $N s at 160"
run 0 loaxa say --class emergency --rate 160 -o "$T/e160.wav" "$TEXT"
E2=$(secs "$T/e160.wav")
longer "$E" "$E2" 1.35 && ok || bad "--rate 160 did not win over tts.emergency.rate: $E2 s"

# --- a bulletin airs at its class's voice (and each voice has its own cache entry)
run 0 loaxa bulletin add --topic khac --title "Thường" --text "$TEXT"
NB=$OUT
run 0 loaxa bulletin add --topic khac --title "Khẩn" --text "$TEXT" --class emergency
EB=$OUT
run 0 loaxa bulletin render "$NB" -o "$T/nb.wav"
run 0 loaxa bulletin render "$EB" -o "$T/eb.wav"
N=$(secs "$T/nb.wav")
E=$(secs "$T/eb.wav")
longer "$E" "$N" 1.35 && ok || bad "emergency bulletin $E s, normal bulletin $N s"
n=$(ls "$LOAXA_STATE_DIR/cache"/*.flac 2>/dev/null | wc -l)
[ "$n" -ge 2 ] && ok || bad "the two voices share a cache entry ($n files)"

# --- bad values: a sentence, exit 2 (usage) or 1 (configuration)
run 2 loaxa say --pitch 100 -o "$T/x.wav" "xin chào"
expect_err -- '--pitch takes 0 to 99 \(got 100\)'
run 2 loaxa say --class urgent -o "$T/x.wav" "xin chào"
expect_err -- '--class is normal, priority or emergency \(got urgent\)'
printf 'tts = { emergency = { rate = 20; }; };\n' >"$LOAXA_CONFIG"
run 1 loaxa say -o "$T/x.wav" "xin chào"
expect_err 'loaxa.conf:1: tts.emergency.rate: must be between 80 and 450 \(got 20\)'
printf 'tts = { urgent = { rate = 120; }; };\n' >"$LOAXA_CONFIG"
run 1 loaxa config check
expect_err 'tts.urgent: unknown key'

# --- the command engine gets the voice in its environment and its arguments
cat >"$T/voice.sh" <<'SH'
#!/bin/sh
# a speech command: records what it was given, speaks with espeak-ng at that rate
printf '%s %s %s|%s %s %s\n' "$1" "$2" "$3" "$LOAXA_TTS_RATE" "$LOAXA_TTS_PITCH" "$LOAXA_TTS_VOICE" >>"$VOICE_LOG"
exec espeak-ng -v "$LOAXA_TTS_VOICE" -s "$LOAXA_TTS_RATE" -p "$LOAXA_TTS_PITCH" --stdin -w "$4"
SH
chmod +x "$T/voice.sh"
export VOICE_LOG="$T/voice.log"
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "command"; command = "$T/voice.sh {rate} {pitch} {voice}"; rate = 170; emergency = { rate = 120; pitch = 40; }; };
CONF
run 0 loaxa say --class emergency -o "$T/c1.wav" "$TEXT"
run 0 loaxa say -o "$T/c2.wav" "$TEXT"
[ "$(sed -n 1p "$VOICE_LOG")" = "120 40 vi|120 40 vi" ] && ok || bad "command engine got '$(sed -n 1p "$VOICE_LOG")' for the emergency voice"
[ "$(sed -n 2p "$VOICE_LOG")" = "170 50 vi|170 50 vi" ] && ok || bad "command engine got '$(sed -n 2p "$VOICE_LOG")' for the default voice"
E=$(secs "$T/c1.wav")
N=$(secs "$T/c2.wav")
longer "$E" "$N" 1.25 && ok || bad "command engine: emergency $E s, default $N s"

finish
