#!/bin/sh
# bench/report: a store with 1 000 000 aired items over ten years (filled
# through the store's own API), then: `loaxa report --year` time (goal
# <= 200 ms); `loaxa log --format csv` of everything against `sqlite3 -csv`
# running the equivalent query on the same database (goal <= 1.5x); and
# the export's peak RSS (goal: flat, not growing with rows).
set -eu
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-1000000}
B=$(mktemp -d /tmp/loaxa-bench.XXXXXX)
trap 'rm -rf "$B"' EXIT
make -s bench/fill
printf 'state_dir = "%s/state";\n' "$B" >"$B/loaxa.conf"
export LOAXA_CONFIG="$B/loaxa.conf" TZ=Asia/Ho_Chi_Minh
t0=$(date +%s.%N)
./bench/fill "$B/state" "$ITEMS"
t1=$(date +%s.%N)
echo "bench/report: filled in $(echo "$t1 - $t0" | bc) s"
now() { date +%s.%N; }
best=999
for _ in 1 2 3; do
	t0=$(now); ./loaxa report --year 2024 >/dev/null; t1=$(now)
	t=$(echo "$t1 - $t0" | bc)
	best=$(echo "if ($t < $best) $t else $best" | bc)
done
echo "  loaxa report --year 2024: $(echo "$best * 1000 / 1" | bc) ms (goal <= 200 ms)"
t0=$(now); /usr/bin/time -f '%M' -o "$B/rss" ./loaxa log --format csv -o "$B/log.csv"; t1=$(now)
ours=$(echo "$t1 - $t0" | bc)
t0=$(now)
sqlite3 -csv "$B/state/loaxa.db" "SELECT date(a.scheduled_at / 1000, 'unixepoch', 'localtime'),
  time(a.scheduled_at / 1000, 'unixepoch', 'localtime'), a.slot, a.program, i.bulletin_id, v.title,
  v.topic, v.class, i.length_s, a.status, a.reason, a.lateness_ms
  FROM airings a LEFT JOIN aired_items i ON i.airing_id = a.id
  LEFT JOIN bulletin_versions v ON v.bulletin_id = i.bulletin_id AND v.version = i.bulletin_version
  ORDER BY a.scheduled_at, a.id, i.seq" >"$B/sqlite.csv"
t1=$(now)
ref=$(echo "$t1 - $t0" | bc)
rows=$(($(wc -l <"$B/log.csv") - 1))
echo "  loaxa log --format csv: $rows rows in $ours s; sqlite3 -csv: $ref s; ratio $(echo "scale=2; $ours / $ref" | bc) (goal <= 1.5)"
t0=$(now); /usr/bin/time -f '%M' -o "$B/rss2" ./loaxa log --format csv --month 2024-06 -o "$B/month.csv"; t1=$(now)
echo "  export peak RSS: all $rows rows $(($(cat "$B/rss") / 1024)) MiB; one month $(($(cat "$B/rss2") / 1024)) MiB"
