#!/bin/sh
# Programmes: the max_minutes cap leaves out (and says) what does not fit;
# a clip gone from disk is skipped or fails the programme as on_missing says,
# naming the clip; the timeline tells each item's place and length.
. "$(dirname "$0")/lib.sh"
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "fake"; };
audio = { on_missing = "skip"; };
programs = { p = { max_minutes = 0.15; items = (
  { clip = "nhac-hieu"; gap = 0.5; },
  { queue = true; gap = 1.0; } ); }; };
CONF
sox -n -r 44100 -c 2 "$T/j.wav" synth 1 sine 880 vol 0.5 2>/dev/null
run 0 loaxa clip import "$T/j.wav" --name nhac-hieu --kind jingle
words="một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám chín mười"
for i in 1 2 3; do
	loaxa bulletin add --topic tthc --title "Tin $i" --text "$words" >/dev/null
done
run 0 loaxa program render p -o "$T/p.wav"
printf '%s\n' "$OUT" >"$T/timeline"
grep -q "#1 v1" "$T/timeline" && ok || bad "the first bulletin is in: $OUT"
[ "$(grep -c 'left out: did not fit' "$T/timeline")" = 2 ] && ok || bad "two bulletins left out: $OUT"
grep -q "2 item(s) did not fit in 0.15 minutes and wait for the next slot" "$T/timeline" && ok || bad "the cap is reported"
len=$(soxi -D "$T/p.wav")
python3 -c "import sys; sys.exit(0 if $len <= 9.0 else 1)" && ok || bad "programme of $len s is over the 9 s cap"
# the timeline's offsets: the bulletin starts after the jingle and its gap
grep -E '^ +0:01\.5 +bulletin' "$T/timeline" >/dev/null && ok || bad "bulletin offset: $OUT"

# a clip gone from disk: skipped, and said so
rm -f "$LOAXA_STATE_DIR"/clips/*nhac-hieu*
run 0 loaxa program render p -o "$T/p2.wav"
expect_out 'nhac-hieu.*left out'
sed -i 's/on_missing = "skip"/on_missing = "fail"/' "$LOAXA_CONFIG"
run 1 loaxa program render p -o "$T/p3.wav"
expect_err 'nhac-hieu'
[ ! -e "$T/p3.wav" ] && ok || bad "a failed render left a file"
finish
