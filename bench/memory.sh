#!/bin/sh
# bench/memory: peak RSS of `loaxa program render` for a 60-minute programme
# (speech recordings, jingles, a music bed looped and ducked under the
# bulletins) against the same programme cut to 5 minutes.  Goal: <= 20 MiB
# for the long one, and within 10 % of the short one (memory is flat:
# nothing holds a whole programme).  Also checks the long programme's
# loudness and true peak with ffmpeg's ebur128 filter.
set -eu
cd "$(dirname "$0")/.."
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
export TZ=Asia/Ho_Chi_Minh
./loaxa normalize <tests/data/plans/gieng-day-2025.txt >"$B/spoken.txt"
espeak-ng -v vi -w "$B/speech-long.wav" -f "$B/spoken.txt"            # ~17 min at 22.05 kHz
sox "$B/speech-long.wav" "$B/speech-12m.wav" trim 0 720
sox "$B/speech-long.wav" "$B/speech-1m.wav" trim 0 60
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

render() { # render NAME: peak RSS KiB in $d/rss
	d="$B/$1"
	LOAXA_CONFIG="$d/loaxa.conf" /usr/bin/time -f '%M' -o "$d/rss" ./loaxa program render p \
		-o "$d/out.wav" >/dev/null
}

setup long "$B/speech-12m.wav" 5
setup short "$B/speech-1m.wav" 5
render long
render short
long_s=$(soxi -D "$B/long/out.wav")
short_s=$(soxi -D "$B/short/out.wav")
lr=$(cat "$B/long/rss")
sr=$(cat "$B/short/rss")
m=$(ffmpeg -hide_banner -nostats -i "$B/long/out.wav" -af ebur128=peak=true -f null - 2>&1)
lufs=$(printf '%s\n' "$m" | sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)
tp=$(printf '%s\n' "$m" | sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS/\1/p' | tail -1)
pct=$(echo "scale=1; 100 * ($lr - $sr) / $sr" | bc)
echo "bench/memory: peak RSS rendering $(printf '%.0f' "$(echo "$long_s / 60" | bc -l)") minutes: $((lr / 1024)) MiB ($lr KiB);" \
	"$(printf '%.0f' "$(echo "$short_s / 60" | bc -l)") minutes: $((sr / 1024)) MiB ($sr KiB);" \
	"difference ${pct} % (goal <= 20 MiB, within 10 %)"
echo "bench/memory: the 60-minute programme measures ${lufs} LUFS, true peak ${tp} dBTP (ffmpeg; target -16, ceiling -1)"
ok=$(echo "$lr <= 20480 && $lr * 100 <= $sr * 110 && $lr * 100 >= $sr * 90" | bc)
[ "$ok" = 1 ] && echo "bench/memory: goal met" || echo "bench/memory: goal NOT met"
