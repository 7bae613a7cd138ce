#!/bin/sh
# loaxa-province and loaxa-link without a broker: the key is made once and
# never overwritten; a signed message made with --print verifies as a
# commune would; bad arguments, a bad communes file, a bad link section and
# an unreachable broker each give a sentence and the right exit code, and
# leave the province's store without the bulletin; acl follows the
# communes file; `loaxa province` runs loaxa-province.
. "$(dirname "$0")/lib.sh"
prov() { ${TEST_WRAP:-} "$TOP/loaxa-province" "$@"; }
P="$T/province"
mkdir -p "$P"
printf '# id district name\nc01 d1 Xã Một\nc02 d2 Phường Hai  # a comment\n' >"$P/communes"
cat >"$P/loaxa.conf" <<EOF
link = { host = "127.0.0.1"; port = 1; username = "province"; province = "hn";
  secret_key_file = "$P/key"; communes_file = "$P/communes"; province_state_dir = "$P/state"; };
EOF
export LOAXA_CONFIG="$P/loaxa.conf"

run 0 prov keygen && expect_out '^[A-Za-z0-9+/]{43}=$'
PUB=$OUT
[ "$(stat -c %a "$P/key")" = 600 ] && ok || bad "the key file is not 0600"
cp "$P/key" "$T/key.before"
run 1 prov keygen && expect_err 'already exists.*never overwritten'
cmp -s "$P/key" "$T/key.before" && ok || bad "keygen overwrote the key"

# --print: a signed message the commune's own decoder takes (unit-tested), here its shape
run 0 prov publish --title "Thông báo" --topic tthc --district d2 --zone cho \
	--text "Bà con chú ý." --print
printf '%s\n' "$OUT" >"$T/msg"
python3 - "$T/msg" <<'PY' && ok || bad "--print is not a signed envelope for d2"
import json, sys
m = json.load(open(sys.argv[1]))
b = json.loads(m["body"])
assert set(m) == {"v", "body", "sig"} and m["v"] == 1
assert b["targets"] == {"districts": ["d2"]} and b["zones"] == ["cho"] and b["province"] == "hn"
assert b["class"] == "normal" and len(b["id"]) == 32
PY
run 0 prov publish --title "Khẩn" --topic khac --class emergency --text "Bão." --print
python3 -c "import json,sys; b=json.loads(json.loads(sys.argv[1])['body']); sys.exit(0 if b['expires_at']-b['issued_at']==3600000 else 1)" "$OUT" &&
	ok || bad "an emergency does not expire in an hour by default"

# bad arguments: usage errors (2), each naming what is wrong
run 2 prov publish --topic tthc --text x && expect_err 'give --title'
run 2 prov publish --title T --topic tthc --text x --all --district d1 && expect_err 'at most one of'
run 2 prov publish --title T --topic tthc --text x --district 'd/1' && expect_err "'d/1' is not an id"
run 2 prov publish --title T --topic tthc --text x --expires-in 5x && expect_err 'expires-in'
run 2 prov publish --title T --topic tthc --text x --bogus && expect_err 'unknown option --bogus'
run 2 prov nosuch && expect_err "'nosuch' is not a command"
# refusals (1): unknown targets, topics, stale expiry, bad text
run 1 prov publish --title T --topic tthc --text x --district d9 && expect_err 'no district "d9"'
run 1 prov publish --title T --topic tthc --text x --commune c09 && expect_err 'no commune "c09"'
run 1 prov publish --title T --topic nope --text x && expect_err 'no topic "nope"'
run 1 prov publish --title T --topic tthc --text x --expires "2001-01-01 00:00" && expect_err 'in the past'
printf 'Xin ch\340o' >"$T/latin1.txt"
run 1 prov publish --title T --topic tthc --file "$T/latin1.txt" && expect_err 'not valid UTF-8'
run 1 prov publish --title T --topic tthc --text "$(printf 'a\033b')" --print && expect_err 'cannot be sent.*"text"'

# no broker there: a sentence, exit 1, and the bulletin is not recorded as sent
run 1 prov publish --title T --topic tthc --text "Xin chào." && expect_err 'did not take the bulletin'
{ [ ! -f "$P/state/province.db" ] || [ "$(sqlite3 "$P/state/province.db" 'SELECT count(*) FROM sent')" = 0 ]; } &&
	ok || bad "an unsent bulletin was recorded"

# the ACL follows the communes file
run 0 prov acl
expect_out '^user province$'
expect_out 'pattern write loaxa/hn/commune/%u/#'
printf '%s\n' "$OUT" | grep -A1 '^user c02$' | grep -q 'topic read loaxa/hn/bulletin/district/d2' && ok ||
	bad "acl: c02 does not read its district"
printf 'c01 d1\nc01 d2\n' >"$T/twice"
sed "s|$P/communes|$T/twice|" "$P/loaxa.conf" >"$T/twice.conf"
run 1 prov --config "$T/twice.conf" acl && expect_err 'twice.*:2: commune c01 is listed twice'

# status and report of an empty province: both communes listed
run 0 prov status && expect_out '^c01 +d1 +offline'
run 0 prov report --format json && expect_out '"commune": "c02"'
run 2 prov report --format xlsx && expect_err 'needs -o'

# loaxa province is loaxa-province
run 0 loaxa province acl && expect_out '^user province$'

# the commune's link section is checked like any other
printf 'link = { commune = "c/1"; };\n' >"$T/bad1.conf"
run 1 "$TOP/loaxa" --config "$T/bad1.conf" config check && expect_err 'bad1.conf:1: link.commune: may hold only'
printf 'link = { province_key = "short"; };\n' >"$T/bad2.conf"
run 1 "$TOP/loaxa" --config "$T/bad2.conf" config check && expect_err 'link.province_key: must be the province'
printf 'link = { certfile = "a.pem"; };\n' >"$T/bad3.conf"
run 1 "$TOP/loaxa" --config "$T/bad3.conf" config check && expect_err 'needs both link.certfile and link.keyfile'
# loaxa-link without a link section says what is missing and exits 1
printf 'state_dir = "%s/c";\n' "$T" >"$T/nolink.conf"
run 1 "$TOP/loaxa-link" --config "$T/nolink.conf" && expect_err 'link.province, link.commune and link.province_key'
run 2 "$TOP/loaxa-link" --bogus && expect_err 'unknown option --bogus'
finish
