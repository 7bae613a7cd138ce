#!/bin/sh
# A programme rendered to WAV, played through PortAudio -> ALSA -> PulseAudio
# (null sink) by `loaxa play`, recorded back with parec: same length within
# 1 %, correlation >= 0.9.  And a configured device that is not there is
# refused with the list of devices PortAudio sees; the sound server killed
# in the middle of a programme ends `loaxa play` with a sentence about the
# device, not a hang (how soon is bench/faults.sh's figure).
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
audio = { output = "portaudio"; };
programs = { thu = { items = (
  { clip = "nhac-hieu"; fade_out = 0.5; gap = 0.5; },
  { tts = "Đài truyền thanh phường xin thông báo lịch tiếp công dân."; gap = 0.5; },
  { clip = "nhac-hieu"; } ); }; };
slots = ( { name = "s"; when = "daily"; program = "thu"; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
sox -n -r 44100 -c 2 "$S/jingle.wav" synth 1.5 pluck 440 pluck 660 vol 0.8 2>/dev/null
check "clip import" loaxa clip import "$S/jingle.wav" --name nhac-hieu --kind jingle
check "program render" loaxa program render thu -o "$S/programme.wav"
rec_start "$S/rec.wav"
check "play through portaudio" loaxa play "$S/programme.wav"
rec_stop
if out=$(wav_matches "$S/programme.wav" "$S/rec.wav"); then ok; else bad "recording does not match: $out"; fi
echo "$out"
# the output is clean: PortAudio's and ALSA's probing noise stays out of it
loaxa play "$S/programme.wav" >"$S/play1.out" 2>"$S/play1.err"
grep -qE "ALSA lib|Expression '|[Jj]ack" "$S/play1.out" "$S/play1.err" && bad "noise: $(cat "$S/play1.err")" || ok
# a device chosen by name
sed -i 's/output = "portaudio";/output = "portaudio"; device = "pulse";/' "$S/loaxa.conf"
rec_start "$S/rec2.wav"
check "play on the device named pulse" loaxa play "$S/programme.wav"
rec_stop
if out=$(wav_matches "$S/programme.wav" "$S/rec2.wav"); then ok; else bad "recording by name: $out"; fi
sed -i 's/ device = "pulse";//' "$S/loaxa.conf"

# a device that is not there: the error lists what PortAudio sees
sed -i 's/output = "portaudio";/output = "portaudio"; device = "Loa Không Có";/' "$S/loaxa.conf"
err=$(loaxa play "$S/programme.wav" 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "missing device exit $rc"
echo "$err" | grep -q 'Loa Không Có.*PortAudio sees:.*default' && ok || bad "missing device message: $err"
# the sound server dies in the middle of a programme: an error, no hang
sed -i 's/device = "Loa Không Có"; //' "$S/loaxa.conf"
sox -n -r 48000 -c 1 "$S/long.wav" synth 60 sine 440 vol 0.3 2>/dev/null
loaxa play "$S/long.wav" >"$S/play.out" 2>"$S/play.err" &
PLAY=$!
playing() { [ -n "$(pactl list short sink-inputs 2>/dev/null)" ]; }
for _ in $(seq 300); do playing && break; sleep 0.1; done
check "loaxa play is on the sound server" playing
kill -9 "$PA_PID"
PA_PID=
t0=$(date +%s.%N)
# 30 s is a hang ceiling (the file is 60 s long): within it loaxa play must end
for _ in $(seq 300); do kill -0 "$PLAY" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PLAY" 2>/dev/null; then
	bad "loaxa play still runs 30 s after the device went away"
	kill -9 "$PLAY"
fi
wait "$PLAY"
rc=$?
took=$(echo "$(date +%s.%N) - $t0" | bc)
echo "the device went away: loaxa play ended after about $took s with exit $rc: $(cat "$S/play.err")"
[ "$rc" = 1 ] && ok || bad "exit $rc after the device went away"
grep -q "audio device" "$S/play.err" && ok || bad "no sentence about the device: $(cat "$S/play.err")"
finish
