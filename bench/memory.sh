#!/bin/sh
# bench/memory and bench/mix.
# memory: peak RSS of `loaxa program render` for a 60-minute programme
#   (speech recordings, jingles, a music bed under the bulletins) against
#   the same programme cut to 5 minutes (goal: <= 20 MiB, within 10 %).
# mix: rendering a 15-minute programme from cached items against sox
#   concatenating, resampling to 48 kHz and normalising the same files
#   (goal: faster than sox).
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
export TZ=Asia/Ho_Chi_Minh
./loaxa normalize <tests/data/plans/gieng-day-2025.txt >"$B/spoken.txt"
espeak-ng -v vi -w "$B/speech-long.wav" -f "$B/spoken.txt"            # ~17 min at 22.05 kHz
sox "$B/speech-long.wav" "$B/speech-12m.wav" trim 0 720
sox "$B/speech-long.wav" "$B/speech-1m.wav" trim 0 60
sox "$B/speech-long.wav" "$B/speech-3m.wav" trim 0 180
sox -n -r 44100 -c 2 "$B/jingle.wav" synth 3 pluck C5 pluck E5 vol 0.8 2>/dev/null
sox -n -r 48000 -c 2 "$B/bed.flac" synth 30 pinknoise vol 0.2 2>/dev/null

# setup NAME RECORDING COUNT: a state with COUNT bulletins of RECORDING and a programme
setup() {
	d="$B/$1"
	mkdir -p "$d"
	cat >"$d/loaxa.conf" <<CONF
state_dir = "$d/state";
programs = { p = { items = (
  { clip = "jingle"; fade_out = 1.0; gap = 0.5; },
  { queue = true; gap = 1.5; bed = "bed"; duck_db = -18.0; },
  { clip = "jingle"; } ); }; };
slots = ( { name = "s"; when = "daily"; program = "p"; } );
CONF
	LOAXA_CONFIG="$d/loaxa.conf" ./loaxa clip import "$B/jingle.wav" --name jingle --kind jingle >/dev/null
	LOAXA_CONFIG="$d/loaxa.conf" ./loaxa clip import "$B/bed.flac" --name bed --kind bed >/dev/null
	for i in $(seq "$3"); do
		LOAXA_CONFIG="$d/loaxa.conf" ./loaxa bulletin add --topic tthc --title "Bản tin $i" \
			--audio "$2" --airings 1 >/dev/null
	done
}

render() { # render NAME -> seconds, peak RSS KiB in $d/rss
	d="$B/$1"
	t0=$(date +%s.%N)
	LOAXA_CONFIG="$d/loaxa.conf" /usr/bin/time -f '%M' -o "$d/rss" ./loaxa program render p \
		-o "$d/out.wav" >/dev/null
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc
}

setup long "$B/speech-12m.wav" 5
setup short "$B/speech-1m.wav" 5
render long >/dev/null
render short >/dev/null
long_s=$(soxi -D "$B/long/out.wav")
short_s=$(soxi -D "$B/short/out.wav")
lr=$(cat "$B/long/rss")
sr=$(cat "$B/short/rss")
echo "bench/memory: peak RSS rendering $(printf '%.0f' "$(echo "$long_s / 60" | bc -l)") minutes: $((lr / 1024)) MiB ($lr KiB);" \
	"$(printf '%.0f' "$(echo "$short_s / 60" | bc -l)") minutes: $((sr / 1024)) MiB ($sr KiB);" \
	"ratio $(echo "scale=3; $lr / $sr" | bc) (goal <= 20 MiB, within 10 %)"

setup mix "$B/speech-3m.wav" 5
render mix >/dev/null # the first rendering measures each clip through the limiter, once
ours=$(render mix)
# the same with sox, as a user would: each file to 48 kHz mono, then joined and normalised
jingle=$(ls "$B"/mix/state/clips/*jingle*)
t0=$(date +%s.%N)
i=0
for f in "$jingle" "$B"/mix/state/clips/*rec-* "$jingle"; do
	i=$((i + 1))
	sox "$f" -r 48000 -c 1 "$B/part$(printf %02d $i).wav"
done
sox "$B"/part*.wav "$B/sox.wav" norm -1
t1=$(date +%s.%N)
soxt=$(echo "$t1 - $t0" | bc)
mix_s=$(soxi -D "$B/mix/out.wav")
lufs=$(ffmpeg -hide_banner -nostats -i "$B/mix/out.wav" -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)
tp=$(ffmpeg -hide_banner -nostats -i "$B/mix/out.wav" -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS/\1/p' | tail -1)
echo "bench/mix: $(printf '%.1f' "$(echo "$mix_s / 60" | bc -l)")-minute programme from cached items:" \
	"loaxa ${ours} s, sox ${soxt} s: loaxa is $(echo "scale=2; $soxt / $ours" | bc)x sox's speed (goal > 1);" \
	"ffmpeg: ${lufs} LUFS, true peak ${tp} dBTP"
