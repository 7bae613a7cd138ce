#!/bin/sh
# Every command and subcommand answers an unknown option the same way,
# naming it ("unknown option --bogus for 'bulletin approve'", exit 2, the
# store untouched), and every listing's CSV comes from the one CSV writer:
# read back by python3's csv module, formula-looking cells neutralised,
# the same fields and values as the JSON.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
cat >"$LOAXA_CONFIG" <<'CONF'
tts = { engine = "fake"; };
audio = { output = "null"; };
CONF
C=$(loaxa say -o "$T/b.wav" "Chào." >/dev/null 2>&1 && loaxa clip import "$T/b.wav" --name nhac --kind music)
B=$(loaxa bulletin add --topic tthc --title '=HYPERLINK("http://evil","bấm")' --text "Tin một." --source "-2+3")
loaxa say -o "$T/a.wav" "Xin chào." >/dev/null 2>&1 && loaxa clip import "$T/a.wav" --name -rm --kind jingle >/dev/null ||
	bad "cannot make a clip"
Q=$(loaxa queue add -q "$B" --slot sang)
[ -n "$B" ] && [ -n "$Q" ] && ok || bad "setup"
db_snapshot

# --- unknown options: "loaxa CMD: unknown option OPT[ for 'CMD SUB']", exit 2
while IFS='|' read -r what args; do
	# shellcheck disable=SC2086
	run 2 loaxa $what $args --bogus
	want="loaxa ${what%% *}: unknown option --bogus for '$what'"
	[ "$(printf '%s\n' "$ERR" | head -1)" = "$want" ] && ok || bad "$what: '$(printf '%s\n' "$ERR" | head -1)', not '$want'"
done <<EOF
bulletin add|--title x --topic tthc --text y
bulletin list|
bulletin show|$B
bulletin edit|$B
bulletin approve|$B
bulletin retire|$B
bulletin render|$B -o $T/x.wav
bulletin check|$B
clip import|$T/a.wav --name b --kind jingle
clip list|
clip show|nhac
clip remove|nhac
queue add|$B
queue list|
queue remove|$Q
program render|mac-dinh -o $T/x.wav
audio devices|
EOF
# commands without subcommands
for cmd in "normalize" "say -o $T/x.wav xin" "schedule" "air $B" "stop" "status" "reload" "log" "report" "play $T/a.wav" "config check"; do
	# shellcheck disable=SC2086
	run 2 loaxa $cmd --bogus
	want="loaxa ${cmd%% *}: unknown option --bogus"
	[ "$(printf '%s\n' "$ERR" | head -1)" = "$want" ] && ok || bad "$cmd: '$(printf '%s\n' "$ERR" | head -1)', not '$want'"
done
# a short option, and one before the subcommand
run 2 loaxa queue remove -z "$Q"
expect_err "^loaxa queue: unknown option -z for 'queue remove'"
run 2 loaxa bulletin --bogus list
expect_err "^loaxa bulletin: unknown option --bogus$"
# a misspelt subcommand: the near one
run 2 loaxa bulletin aprove "$B"
expect_err "'aprove' is not a bulletin subcommand; did you mean approve\?"
# --force belongs to approve
run 2 loaxa bulletin retire "$B" --force
expect_err "unknown option --force for 'bulletin retire'"
db_unchanged "unknown options"

# --- CSV listings: one writer, read back by csv; formulas neutralised; as JSON
for what in "bulletin list" "clip list" "queue list"; do
	# shellcheck disable=SC2086
	loaxa $what --format csv >"$T/l.csv" && loaxa $what --format json >"$T/l.json" || bad "$what"
	python3 - "$T/l.csv" "$T/l.json" "$what" <<'PY' && ok || bad "$what --format csv: $(cat "$T/l.csv")"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n"), raw
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
objs = json.load(open(sys.argv[2]))
head, body = rows[0], rows[1:]
if sys.argv[3] == "clip list":  # the one named -rm
    body = [r for r in body if r[1] == "'-rm"]
    objs = [o for o in objs if o["name"] == "-rm"]
assert len(body) == len(objs) == 1, (rows, objs)
for k, c in zip(head, body[0]):
    if not isinstance(objs[0][k], (int, float)):  # a number keeps its minus
        assert c[:1] not in ("=", "+", "-", "@"), (c, body)
for k, v in zip(head, body[0]):
    j = objs[0][k]
    want = "" if j is None else str(j)
    if isinstance(j, str) and j[:1] in "=+-@":
        want = "'" + j
    if isinstance(j, float):
        assert float(v) == j, (k, v, j)
    else:
        assert v == want, (k, v, want)
what = sys.argv[3]
if what == "bulletin list":
    assert body[0][head.index("title")] == "'=HYPERLINK(\"http://evil\",\"bấm\")", body
    assert body[0][head.index("source")] == "'-2+3", body
if what == "clip list":
    assert body[0][head.index("name")] == "'-rm", body
    assert float(body[0][head.index("lufs")]) < 0, body
if what == "queue list":
    assert body[0][head.index("title")].startswith("'=HYPERLINK"), body
PY
done
finish
