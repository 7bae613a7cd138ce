#!/bin/sh
# bench/report: a store with 1 000 000 aired items over ten years (filled
# through the store's own API by bench/fill), then prints:
#  - `loaxa report --year` time (goal <= 200 ms), best and median of 5, and
#    against `sqlite3` running the report's grouped query for the same year;
#  - `loaxa log --format csv` of everything against `sqlite3 -csv` running
#    the equivalent query on the same database (goal <= 1.5x);
#  - peak RSS of the export, all rows against one month (goal: flat), and
#    of the XLSX export (libxlsxwriter's constant-memory mode).
#
#   bench/report.sh            ITEMS=200000 bench/report.sh   (a quicker run)
set -eu
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-1000000}
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
make -s loaxa bench/fill
printf 'state_dir = "%s/state";\n' "$B" >"$B/loaxa.conf"
export LOAXA_CONFIG="$B/loaxa.conf" TZ=Asia/Ho_Chi_Minh LC_ALL=C.UTF-8
DB="$B/state/loaxa.db"
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

t0=$(now)
./bench/fill "$B/state" "$ITEMS"
t1=$(now)
echo "bench/report: filled $ITEMS items in $(ms "$t0" "$t1") ms ($(du -m "$DB" | cut -f1) MiB)"

# --- loaxa report --year: 5 runs, best and median
: >"$B/times"
for _ in 1 2 3 4 5; do
	t0=$(now); ./loaxa report --year 2024 >/dev/null; t1=$(now)
	ms "$t0" "$t1" >>"$B/times"
done
best=$(sort -n "$B/times" | head -1)
median=$(sort -n "$B/times" | sed -n 3p)
# the reference: sqlite3 itself running the report's grouped query, month by month
y0=$(date -d '2024-01-01 00:00' +%s)000
y1=$(date -d '2025-01-01 00:00' +%s)000
t0=$(now)
sqlite3 "$DB" "SELECT strftime('%Y-%m', a.scheduled_at / 1000, 'unixepoch', 'localtime') AS m,
  i.bulletin_id, v.topic, count(*), total(i.length_s)
  FROM airings a JOIN aired_items i ON i.airing_id = a.id
  JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id AND v.version = i.bulletin_version
  WHERE a.scheduled_at >= $y0 AND a.scheduled_at < $y1 AND a.status IN ('completed','interrupted')
  AND i.kind = 'bulletin' AND i.completed = 1 GROUP BY m, i.bulletin_id, v.topic" >/dev/null
t1=$(now)
ref=$(ms "$t0" "$t1")
echo "  loaxa report --year 2024: best $best ms, median $median ms (goal <= 200 ms);" \
	"sqlite3 grouped query alone: $ref ms"

# --- loaxa log --format csv, everything, against sqlite3 -csv
t0=$(now); /usr/bin/time -f '%M' -o "$B/rss" ./loaxa log --format csv -o "$B/log.csv"; t1=$(now)
ours=$(ms "$t0" "$t1")
t0=$(now)
sqlite3 -csv "$DB" "SELECT date(a.scheduled_at / 1000, 'unixepoch', 'localtime'),
  time(a.scheduled_at / 1000, 'unixepoch', 'localtime'), a.slot, a.program, i.bulletin_id,
  coalesce(v.title, c.name), v.topic, v.class, i.length_s, a.status, a.reason, a.lateness_ms
  FROM airings a LEFT JOIN aired_items i ON i.airing_id = a.id
  LEFT JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id AND v.version = i.bulletin_version
  LEFT JOIN clips c ON c.id = i.clip_id
  ORDER BY a.scheduled_at, a.id, i.seq" >"$B/sqlite.csv"
t1=$(now)
ref=$(ms "$t0" "$t1")
rows=$(($(wc -l <"$B/log.csv") - 1))
refrows=$(wc -l <"$B/sqlite.csv")
[ "$rows" = "$refrows" ] || echo "  WARNING: $rows rows from loaxa, $refrows from sqlite3"
echo "  loaxa log --format csv: $rows rows in $ours ms; sqlite3 -csv: $ref ms;" \
	"ratio $(echo "scale=2; $ours / $ref" | bc) (goal <= 1.5)"

# --- memory: all rows against one month, and the XLSX export
/usr/bin/time -f '%M' -o "$B/rss2" ./loaxa log --format csv --month 2024-06 -o "$B/month.csv"
t0=$(now); /usr/bin/time -f '%M' -o "$B/rss3" ./loaxa log --format xlsx -o "$B/log.xlsx"; t1=$(now)
echo "  export peak RSS: csv all $rows rows $(($(cat "$B/rss") / 1024)) MiB," \
	"one month $(($(wc -l <"$B/month.csv") - 1)) rows $(($(cat "$B/rss2") / 1024)) MiB;" \
	"xlsx all rows $(($(cat "$B/rss3") / 1024)) MiB in $(ms "$t0" "$t1") ms"
