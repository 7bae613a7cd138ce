# The web group of the bad-input corpus (sourced by run.sh): a private
# loaxa-web on the corpus's store, its people (op, lead, officer, admin),
# and one kind of case:
#
#   http NAME WHO METHOD PATH STATUS ERROR-PATTERN [BODY [CONTENT-TYPE [HEADER:VALUE]]]
#
# BODY is a Python bytes expression (see webclient.py).  The answer must have
# the status and a JSON {"error": ...} matching the pattern, loaxa-web must
# still answer, and the store (rows and clips/) must be unchanged.

# Debian's python3 (a version manager's shim on PATH can take half a second to start)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

web_start() {
	export W
	for u in "op operator" "lead approver" "officer officer" "admin admin"; do
		set -- $u
		printf 'mat-khau-123\n' | "$TOP/loaxa" user add "$1" --role "$2" --password-stdin ||
			return 1
	done
	. "$TOP/tests/web/lib.sh"
	web_up "$W/web.log" "$TOP/loaxa-web" --static "$TOP/web/static" --listen 127.0.0.1:0
}

web_stop() {
	[ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null
	WEB_PID=
	if grep -q 'mat-khau-123' "$W/web.log"; then
		echo "FAIL web: a password is in loaxa-web's log" >&2
		FAIL=$((FAIL + 1))
	fi
}

http() {
	case_start "$1"
	_who=$2 _m=$3 _p=$4 _st=$5 _pat=$6
	shift 6
	execute "$PY" "$TOP/tests/badinput/webclient.py" "$WEB_URL" "$_who" "$_m" "$_p" "$@"
	if [ "$RC" != 0 ]; then
		bad "no answer from loaxa-web: $ERR"
	elif ! printf '%s\n' "$OUT" | grep -Eq -- "^$_st \{\"error\":\".*$_pat"; then
		bad "wanted $_st with /$_pat/, got $(printf '%s' "$OUT" | head -c 300)"
	fi
	if ! kill -0 "$WEB_PID" 2>/dev/null; then
		bad "loaxa-web died; its log: $(tail -3 "$W/web.log" | tr '\n' ' ')"
		web_start || exit 1
	elif ! "$PY" "$TOP/tests/badinput/webclient.py" "$WEB_URL" none GET /api/v1/i18n >/dev/null 2>&1; then
		bad "loaxa-web stopped answering after it"
	fi
	store_unchanged
	case_end
}
