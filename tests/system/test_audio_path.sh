#!/bin/sh
# A programme rendered to WAV, played through PortAudio -> ALSA -> PulseAudio
# (null sink) by `loaxa play`, recorded back with parec: same length within
# 1 %, correlation >= 0.9.  And a configured device that is not there is
# refused with the list of devices PortAudio sees.
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
out=$(wav_matches "$S/programme.wav" "$S/rec.wav")
echo "$out"
check "recording matches what was played" wav_matches "$S/programme.wav" "$S/rec.wav"

# a device that is not there: the error lists what PortAudio sees
sed -i 's/output = "portaudio";/output = "portaudio"; device = "Loa Không Có";/' "$S/loaxa.conf"
err=$(loaxa play "$S/programme.wav" 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "missing device exit $rc"
echo "$err" | grep -q 'Loa Không Có.*PortAudio sees:.*default' && ok || bad "missing device message: $err"
finish
