#!/bin/sh
# bench/render: the whole text of the Giếng Đáy plan (~20 minutes of speech
# at 150 words a minute) rendered to 48 kHz mono at the loudness target by
# `loaxa say`, against the same normalised text through bare `espeak-ng -v vi
# -w`, and through `espeak-ng ... && sox ... rate 48k norm -1`, in this
# script.  Both references speak at loaxa's rate (tts.rate, 150), so all
# three make the same speech.  Each is run RUNS times and the best time is
# kept (the machine is shared).  Prints the time ratios (goals: <= 1.3x
# espeak-ng alone, >= 1.5x faster than espeak-ng + sox), the output's
# integrated loudness by ffmpeg's ebur128 filter, the peak RSS (goal <= 30
# MiB), a render-cache hit against a miss (goal < 5 %), and the normalizer's
# throughput (goal >= 5 MB/s).
set -eu
cd "$(dirname "$0")/.."
make -s loaxa bench/tts_cache
RUNS=${RUNS:-3}
RATE=150
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
PLAN=tests/data/plans/gieng-day-2025.txt
printf 'state_dir = "%s/state";\ntts = { engine = "espeak"; voice = "vi"; rate = %d; };\n' \
	"$B" "$RATE" >"$B/loaxa.conf"
export LOAXA_CONFIG="$B/loaxa.conf"
./loaxa normalize <"$PLAN" >"$B/spoken.txt"

now() { date +%s.%N; }
# best of RUNS wall-clock times of the command; outputs of the last run are
# removed first, so no run pays for dropping the previous one's pages
best() {
	b=
	for _ in $(seq "$RUNS"); do
		rm -f "$B"/*.wav
		sync
		t0=$(now)
		"$@"
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; if (b == "" || t < b) b = t; printf "%.3f", b }')
	done
	echo "$b"
}
ref_espeak() { espeak-ng -v vi -s "$RATE" -w "$B/espeak.wav" -f "$B/spoken.txt"; }
ref_sox() {
	espeak-ng -v vi -s "$RATE" -w "$B/e2.wav" -f "$B/spoken.txt" &&
		sox -V1 "$B/e2.wav" "$B/sox.wav" rate 48k norm -1
}
ours() { ./loaxa say --file "$PLAN" -o "$B/loaxa.wav"; }

espeak=$(best ref_espeak)
espeak_sox=$(best ref_sox)
rm -rf "$B/state/cache"
miss=$(best ours)
rm -f "$B/loaxa.wav"
/usr/bin/time -f '%M' -o "$B/rss" ./loaxa say --file "$PLAN" -o "$B/loaxa.wav"
lufs=$(ffmpeg -hide_banner -nostats -i "$B/loaxa.wav" -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)
tp=$(ffmpeg -hide_banner -nostats -i "$B/loaxa.wav" -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS/\1/p' | tail -1)
secs=$(soxi -D "$B/loaxa.wav")
rate=$(soxi -r "$B/loaxa.wav")
chans=$(soxi -c "$B/loaxa.wav")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "bench/render: $PLAN, $(printf '%.0f' "$secs") s of speech, $rate Hz, $chans channel(s); best of $RUNS"
echo "  espeak-ng -v vi -s $RATE -w:              ${espeak} s"
echo "  espeak-ng ... && sox ... rate 48k norm -1: ${espeak_sox} s"
echo "  loaxa say (normalize, espeak, limiter, 48 kHz, loudness): ${miss} s"
echo "    = $(ratio "$miss" "$espeak")x espeak-ng alone (goal <= 1.3)"
echo "    = $(ratio "$espeak_sox" "$miss")x faster than espeak-ng + sox (goal >= 1.5)"
echo "  output: ${lufs} LUFS integrated (target -16, ffmpeg ebur128), true peak ${tp} dBFS (ceiling -1)"
echo "  peak RSS of loaxa say: $(($(cat "$B/rss") / 1024)) MiB (goal <= 30)"
echo "  render cache (in process): $(./bench/tts_cache "$PLAN" "$B/cache")"
# normalizer throughput: the three plans, 400 times over
for _ in $(seq 400); do cat tests/data/plans/*.txt; done >"$B/big.txt"
bytes=$(wc -c <"$B/big.txt")
t0=$(now); ./loaxa normalize <"$B/big.txt" >/dev/null; t1=$(now)
echo "  normalizer: $bytes bytes in $(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f", z - a }') s = $(awk -v a="$t0" -v z="$t1" -v n="$bytes" 'BEGIN { printf "%.1f", n / (z - a) / 1e6 }') MB/s (goal >= 5)"
