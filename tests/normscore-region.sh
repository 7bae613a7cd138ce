#!/bin/sh
# Scores the normalizer on the development sets, by syllables and by
# phonemes, each region with its own voice: the northern sets
# (../shared/corpus, espeak-ng -v vi) and the southern and central ones
# (tests/data, read with --region and heard with vi-vn-x-south and
# vi-vn-x-central).  normscore --phonemes asks espeak-ng for "-v vi"; a
# shim first on PATH turns that into the region's voice.  Prints one
# normscore line a run; exit 1 unless every set is exact both ways.
#
#   sh tests/normscore-region.sh [NORMSCORE]   (default ../shared/tools/normscore)
cd "$(dirname "$0")/.." || exit 1
NORMSCORE=${1:-../shared/tools/normscore}
CORPUS=$(dirname "$NORMSCORE")/../corpus
ESPEAK=$(command -v espeak-ng) || { echo "espeak-ng is not installed" >&2; exit 1; }
[ -x "$NORMSCORE" ] || { echo "no normscore at $NORMSCORE" >&2; exit 1; }
SHIM=$(mktemp -d /tmp/loaxa-score.XXXXXX)
trap 'rm -rf "$SHIM"' EXIT
cat >"$SHIM/espeak-ng" <<SH
#!/bin/sh
# espeak-ng in \$SCORE_VOICE where normscore asks for -v vi
prev=
for a do
	shift
	[ "\$prev" = -v ] && [ "\$a" = vi ] && a=\$SCORE_VOICE && echo "\$a" >>"$SHIM/voices"
	set -- "\$@" "\$a"
	prev=\$a
done
exec "$ESPEAK" "\$@"
SH
chmod +x "$SHIM/espeak-ng"
status=0
# score SET REGION VOICE
score() {
	for how in syllables phonemes; do
		: >"$SHIM/voices"
		opt=
		[ $how = phonemes ] && opt=--phonemes
		line=$(SCORE_VOICE=$3 PATH="$SHIM:$PATH" "$NORMSCORE" $opt "$1" -- ./loaxa normalize --region "$2" | tail -n 1)
		heard=
		[ $how = phonemes ] && heard=" heard in $(sort -u "$SHIM/voices" | tr '\n' ' ')"
		echo "$(basename "$1") ($2, $how$heard): $line"
		n=$(printf '%s\n' "$line" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) exact.*|\1 \2|p')
		[ -n "$n" ] && [ "${n% *}" = "${n#* }" ] || status=1
		# the phonemes were those of the region's voice, and of no other
		[ $how = syllables ] || [ "$(sort -u "$SHIM/voices")" = "$3" ] || status=1
	done
}
score "$CORPUS/normalize-dev.tsv" north vi
score "$CORPUS/normalize-dev-broad.tsv" north vi
score tests/data/normalize-south.tsv south vi-vn-x-south
score tests/data/normalize-central.tsv central vi-vn-x-central
exit $status
