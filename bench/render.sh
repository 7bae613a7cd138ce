#!/bin/sh
# bench/render: the whole text of the Giếng Đáy plan (~13 minutes of speech)
# rendered to 48 kHz mono at the loudness target by `loaxa say`, against
# bare `espeak-ng -v vi -w` of the same normalised text, and against
# `espeak-ng ... && sox ... rate 48k norm -1`, in the same script.  Prints
# the time ratios, the output's loudness (ffmpeg) and the peak RSS.
set -eu
cd "$(dirname "$0")/.."
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
PLAN=tests/data/plans/gieng-day-2025.txt
printf 'state_dir = "%s/state";\n' "$B" >"$B/loaxa.conf"
export LOAXA_CONFIG="$B/loaxa.conf"
./loaxa normalize <"$PLAN" >"$B/spoken.txt"

now() { date +%s.%N; }
t0=$(now); espeak-ng -v vi -w "$B/espeak.wav" -f "$B/spoken.txt"; t1=$(now)
espeak=$(echo "$t1 - $t0" | bc)
t0=$(now); espeak-ng -v vi -w "$B/e2.wav" -f "$B/spoken.txt" && sox "$B/e2.wav" -r 48000 "$B/sox.wav" norm -1; t1=$(now)
espeak_sox=$(echo "$t1 - $t0" | bc)
rm -rf "$B/state/cache"
t0=$(now); /usr/bin/time -f '%M' -o "$B/rss" ./loaxa say --file "$PLAN" -o "$B/loaxa.wav"; t1=$(now)
ours=$(echo "$t1 - $t0" | bc)
t0=$(now); ./loaxa say --file "$PLAN" -o "$B/loaxa2.wav"; t1=$(now)
hit=$(echo "$t1 - $t0" | bc)
lufs=$(ffmpeg -hide_banner -nostats -i "$B/loaxa.wav" -af ebur128=peak=true -f null - 2>&1 |
	sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1)
secs=$(soxi -D "$B/loaxa.wav")
echo "bench/render: $(printf '%.0f' "$secs") s of speech"
echo "  espeak-ng alone:            ${espeak} s"
echo "  espeak-ng + sox 48k norm:   ${espeak_sox} s"
echo "  loaxa say (cache miss):     ${ours} s  = $(echo "scale=2; $ours / $espeak" | bc)x espeak-ng alone (goal <= 1.3),"
echo "                              $(echo "scale=2; $espeak_sox / $ours" | bc)x faster than espeak-ng + sox (goal >= 1.5)"
echo "  loaxa say (cache hit):      ${hit} s  = $(echo "scale=1; 100 * $hit / $ours" | bc)% of a miss (goal < 5%)"
echo "  loudness: ${lufs} LUFS (target -16); peak RSS $(($(cat "$B/rss") / 1024)) MiB (goal <= 30)"
# normalizer throughput: the three plans, 400 times over
for _ in $(seq 400); do cat tests/data/plans/*.txt; done >"$B/big.txt"
bytes=$(wc -c <"$B/big.txt")
t0=$(now); ./loaxa normalize <"$B/big.txt" >/dev/null; t1=$(now)
echo "  normalizer: $bytes bytes in $(echo "$t1 - $t0" | bc) s = $(echo "scale=1; $bytes / ($t1 - $t0) / 1000000" | bc) MB/s (goal >= 5)"
