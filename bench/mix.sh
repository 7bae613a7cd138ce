#!/bin/sh
# bench/mix: rendering a 15-minute programme from cached items (a jingle,
# five 3-minute speech recordings at 22.05 kHz, the jingle again) with
# `loaxa program render`, against sox doing what a user would do with the
# same files: each resampled to 48 kHz mono, joined, normalised.  Both write
# a 48 kHz WAV.  Prints the times and the ratio (goal: loaxa faster than
# sox, ratio > 1), and the output's loudness and true peak (ffmpeg).
# loaxa does more (loudness per item, fades, gaps, a true-peak limiter);
# the render cache is warmed first, so both start from files on disk.
set -eu
cd "$(dirname "$0")/.."
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
export TZ=Asia/Ho_Chi_Minh
RUNS=${RUNS:-3}
./loaxa normalize <tests/data/plans/gieng-day-2025.txt >"$B/spoken.txt"
espeak-ng -v vi -w "$B/speech-long.wav" -f "$B/spoken.txt"
sox "$B/speech-long.wav" "$B/speech-3m.wav" trim 0 180
sox -n -r 44100 -c 2 "$B/jingle.wav" synth 3 pluck C5 pluck E5 vol 0.8 2>/dev/null
d="$B/mix"
mkdir -p "$d"
cat >"$d/loaxa.conf" <<CONF
state_dir = "$d/state";
programs = { p = { items = (
  { clip = "jingle"; fade_out = 1.0; gap = 0.5; },
  { queue = true; gap = 1.5; },
  { clip = "jingle"; } ); }; };
slots = ( { name = "s"; when = "daily"; program = "p"; } );
CONF
export LOAXA_CONFIG="$d/loaxa.conf"
./loaxa clip import "$B/jingle.wav" --name jingle --kind jingle >/dev/null
for i in 1 2 3 4 5; do
	./loaxa bulletin add --topic tthc --title "Bản tin $i" --audio "$B/speech-3m.wav" --airings 1 >/dev/null
done
./loaxa program render p -o "$d/out.wav" >/dev/null # warms the cache

now() { date +%s.%N; }
best() { sort -n | head -1; }
for _ in $(seq "$RUNS"); do
	t0=$(now)
	./loaxa program render p -o "$d/out.wav" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc
done | best >"$B/ours"
jingle=$(ls "$d"/state/clips/*jingle*)
for _ in $(seq "$RUNS"); do
	rm -f "$B"/part*.wav
	t0=$(now)
	i=0
	for f in "$jingle" "$d"/state/clips/*rec-* "$jingle"; do
		i=$((i + 1))
		sox "$f" -r 48000 -c 1 "$B/part$(printf %02d $i).wav" 2>/dev/null
	done
	sox "$B"/part*.wav "$B/sox.wav" norm -1 2>/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc
done | best >"$B/sox"
ours=$(cat "$B/ours")
soxt=$(cat "$B/sox")
mix_s=$(soxi -D "$d/out.wav")
m=$(ffmpeg -hide_banner -nostats -i "$d/out.wav" -af ebur128=peak=true -f null - 2>&1)
lufs=$(printf '%s\n' "$m" | sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)
tp=$(printf '%s\n' "$m" | sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS/\1/p' | tail -1)
ratio=$(echo "scale=2; $soxt / $ours" | bc)
echo "bench/mix: $(printf '%.1f' "$(echo "$mix_s / 60" | bc -l)")-minute programme from cached items (best of $RUNS):" \
	"loaxa ${ours} s, sox ${soxt} s: loaxa is ${ratio}x sox's speed (goal > 1)"
echo "bench/mix: loaxa's programme measures ${lufs} LUFS, true peak ${tp} dBTP (ffmpeg; target -16, ceiling -1)"
[ "$(echo "$ratio > 1" | bc)" = 1 ] && echo "bench/mix: goal met" || echo "bench/mix: goal NOT met"
