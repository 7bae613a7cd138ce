#!/bin/sh
# bench/mix: a 15-minute programme (a jingle, five 3-minute speech
# recordings at 22.05 kHz, the jingle again) made from the raw files, the
# same work both ways, both cold:
#
#   loaxa   a fresh state directory: `loaxa clip import` of the jingle and
#           `loaxa bulletin add --audio` of the five recordings (each
#           decoded and its loudness measured, EBU R128), then
#           `loaxa program render` (decode, resample to 48 kHz, each item
#           to -16 LUFS, fades, gaps, true-peak limiter at -1 dBTP)
#   sox + ffmpeg   what a user would do for the same target: sox resamples
#           each file to 48 kHz mono and joins them, ffmpeg's loudnorm
#           measures the whole (pass 1) and brings it to -16 LUFS, -1 dBTP
#           (pass 2, linear)
#
# Prints both times (best of RUNS), their ratio, and both outputs' loudness
# and true peak as ffmpeg's ebur128 measures them.
#   RUNS=3 sh bench/mix.sh
set -eu
cd "$(dirname "$0")/.."
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
export TZ=Asia/Ho_Chi_Minh
RUNS=${RUNS:-3}
./loaxa normalize <tests/data/plans/gieng-day-2025.txt >"$B/spoken.txt"
espeak-ng -v vi -w "$B/speech-long.wav" -f "$B/spoken.txt"
for i in 1 2 3 4 5; do
	sox "$B/speech-long.wav" "$B/speech-$i.wav" trim $(((i - 1) * 180)) 180
done
sox -n -r 44100 -c 2 "$B/jingle.wav" synth 3 pluck C5 pluck E5 vol 0.8 2>/dev/null

now() { date +%s.%N; }
best() { sort -n | head -1; }
measure() { # measure FILE: "LUFS TP" by ffmpeg's ebur128
	m=$(ffmpeg -hide_banner -nostats -i "$1" -af ebur128=peak=true -f null - 2>&1)
	echo "$(printf '%s\n' "$m" | sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)" \
		"$(printf '%s\n' "$m" | sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS/\1/p' | tail -1)"
}

# loaxa, cold: a new state directory every run
for r in $(seq "$RUNS"); do
	d="$B/loaxa-$r"
	mkdir -p "$d"
	cat >"$d/loaxa.conf" <<CONF
state_dir = "$d/state";
programs = { p = { items = (
  { clip = "jingle"; fade_out = 1.0; gap = 0.5; },
  { queue = true; gap = 1.5; },
  { clip = "jingle"; } ); }; };
slots = ( { name = "s"; when = "daily"; program = "p"; } );
CONF
	t0=$(now)
	LOAXA_CONFIG="$d/loaxa.conf" ./loaxa clip import "$B/jingle.wav" --name jingle --kind jingle >/dev/null
	for i in 1 2 3 4 5; do
		LOAXA_CONFIG="$d/loaxa.conf" ./loaxa bulletin add --topic tthc --title "Bản tin $i" \
			--audio "$B/speech-$i.wav" --airings 1 >/dev/null
	done
	LOAXA_CONFIG="$d/loaxa.conf" ./loaxa program render p -o "$B/loaxa.wav" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc
done | best >"$B/ours"

# sox + ffmpeg loudnorm, two passes
for _ in $(seq "$RUNS"); do
	rm -f "$B"/part*.wav
	t0=$(now)
	i=0
	for f in "$B/jingle.wav" "$B"/speech-[1-5].wav "$B/jingle.wav"; do
		i=$((i + 1))
		sox "$f" -r 48000 -c 1 "$B/part$(printf %02d $i).wav" 2>/dev/null
	done
	sox "$B"/part*.wav "$B/joined.wav" 2>/dev/null
	p1=$(ffmpeg -hide_banner -nostats -i "$B/joined.wav" \
		-af loudnorm=I=-16:TP=-1:LRA=20:print_format=json -f null - 2>&1)
	v() { printf '%s\n' "$p1" | sed -n "s/.*\"$1\" : \"\(-*[0-9.]*\)\".*/\1/p"; }
	ffmpeg -hide_banner -nostats -loglevel error -y -i "$B/joined.wav" -af \
		"loudnorm=I=-16:TP=-1:LRA=20:measured_I=$(v input_i):measured_TP=$(v input_tp):measured_LRA=$(v input_lra):measured_thresh=$(v input_thresh):offset=$(v target_offset):linear=true" \
		-ar 48000 "$B/sox.wav"
	t1=$(now)
	echo "$t1 - $t0" | bc
done | best >"$B/sox"

ours=$(printf "%.2f" "$(cat "$B/ours")")
soxt=$(printf "%.2f" "$(cat "$B/sox")")
len=$(soxi -D "$B/loaxa.wav")
set -- $(measure "$B/loaxa.wav")
ol=$1 otp=$2
set -- $(measure "$B/sox.wav")
sl=$1 stp=$2
echo "bench/mix: a $(printf '%.1f' "$(echo "$len / 60" | bc -l)")-minute programme from the raw files, both cold, both to -16 LUFS / -1 dBTP (best of $RUNS):"
echo "  loaxa (import, measure, render):     ${ours} s; ${ol} LUFS, true peak ${otp} dBTP"
echo "  sox + ffmpeg loudnorm (two passes):  ${soxt} s; ${sl} LUFS, true peak ${stp} dBTP"
echo "  loaxa takes $(echo "scale=2; $ours / $soxt" | bc)x the time of sox + ffmpeg"
