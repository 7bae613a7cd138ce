# Starting loaxa-web for a test or a bench (sourced): web_up LOG ARGS...
# runs it in the background with its log in LOG, waits for the first line
# that names its port, and sets WEB_PID and WEB_URL (0 when it came up).
WEB_PID=
WEB_URL=

web_up() {
	_log=$1
	shift
	"$@" 2>"$_log" &
	WEB_PID=$!
	for _ in $(seq 100); do
		_port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$_log")
		if [ -n "$_port" ]; then
			WEB_URL="http://127.0.0.1:$_port"
			return 0
		fi
		kill -0 "$WEB_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "loaxa-web did not start:" >&2
	cat "$_log" >&2
	return 1
}
