#!/usr/bin/env bash
# The benchmark suite: builds Release, starts a throwaway PostgreSQL cluster (durability on) and the app on
# loopback, loads a realistic data set, warms up, then measures with wrk and pgbench, checks the seat invariant
# and prints one table, also written to bench/results/<timestamp>.md.
#
#   ./bench/run.sh                 everything (about 7 minutes on 2 cores)
#   BENCH_DURATION=15 ./bench/run.sh   seconds per measured run (default 10)
#   BENCH_KEEP=1 ./bench/run.sh    leave the cluster folder behind for a look afterwards
#   BENCH_ONLY="hot pg_hot64" ./bench/run.sh   only these runs (names as in the table's first column)
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$JKB_REPO_ROOT"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-4}"
ONLY="${BENCH_ONLY:-}"
BENCH_DIR="$JKB_REPO_ROOT/bench"
RESULTS_DIR="$BENCH_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
STARTED_AT=$SECONDS

ensure_dotnet
ensure_apt_packages postgresql wrk
command -v wrk >/dev/null || die "wrk is missing after installing it"
PG_BIN="$(pg_bin_dir)" || die "PostgreSQL server binaries not found"
[ -x "$PG_BIN/pgbench" ] || die "pgbench not found in $PG_BIN"
is_root && ! id postgres >/dev/null 2>&1 && die "Running as root but there is no 'postgres' OS user."

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

WORK="$(mktemp -d /tmp/jkboats-bench.XXXXXX)"
chmod 755 "$WORK"
PGDATA_DIR="$WORK/pg"
PG_PORT="$(free_port)"
APP_PORT="$(free_port)"
APP_PID=""
APP_LOG="$WORK/app.log"

cleanup() {
  local rc=$?
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "${BENCH_KEEP:-0}" = "1" ] || [ "$rc" -ne 0 ]; then
    log "Kept $WORK (app log: $APP_LOG)"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

log "Building Release"
dotnet build JkBoats.Web/JkBoats.Web.csproj -c Release -v quiet -nologo >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; die "build failed"; }
APP_DLL="$JKB_REPO_ROOT/JkBoats.Web/bin/Release/net10.0/JkBoats.Web.dll"
[ -f "$APP_DLL" ] || die "$APP_DLL not found after the build"

log "Starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (durable: fsync and synchronous_commit on)"
mkdir -p "$PGDATA_DIR"
is_root && chown -R postgres:postgres "$WORK"
run_as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
run_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/pg.log" -w -t 60 start -o "$(printf '%s ' \
  "-p $PG_PORT" "-c listen_addresses=127.0.0.1" "-k $WORK" \
  "-c max_connections=300" "-c shared_buffers=256MB" "-c max_wal_size=4GB" "-c checkpoint_timeout=30min" \
  "-c timezone=UTC")" >/dev/null || { tail -n 30 "$WORK/pg.log" >&2; die "PostgreSQL did not start"; }
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -tAq -c "show fsync" | grep -qx on || die "fsync is off"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -tAq -c "show synchronous_commit" | grep -qx on || die "synchronous_commit is off"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -E UTF8 -T template0 jkboats

psql_db() { PGTZ=UTC "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d jkboats -X -q -v ON_ERROR_STOP=1 "$@"; }
sql_value() { psql_db -tA -c "$1"; }

export ConnectionStrings__JkBoats="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=jkboats"
export ASPNETCORE_ENVIRONMENT=Production
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export JkBoats__Bench__Enabled=true
export JkBoats__MigrateOnStartup=true
export JkBoats__DemoMode=false
# Per-client rate limits must not shape a benchmark sent from one address; the concurrency cap stays as configured.
export JkBoats__RateLimits__BookingsPerMinute=100000000
export JkBoats__RateLimits__LookupsPerMinute=100000000
# Outbox rows are still written by every booking; the worker that sends them is left out of the measurement.
export Email__Worker__Enabled=false
export Email__PickupDirectory="$WORK/mail"

log "Migrating"
(cd "$WORK" && dotnet "$APP_DLL" migrate >"$WORK/migrate.log" 2>&1) || { cat "$WORK/migrate.log" >&2; die "migration failed"; }

log "Loading the data set (24 boats, 5 destinations, 14,600 departures, 100,000 customers, 300,000 bookings)"
load_started=$SECONDS
psql_db -f "$BENCH_DIR/sql/load.sql" >"$WORK/load.log" 2>&1 || { cat "$WORK/load.log" >&2; die "loading data failed"; }
log "Loaded in $((SECONDS - load_started)) s: $(sql_value "select (select count(*) from boats) || ' boats, ' || (select count(*) from departures) || ' departures, ' || (select count(*) from customers) || ' customers, ' || (select count(*) from bookings) || ' bookings'")"

sql_value "select departure_id from bench_departures where kind = 'spread' order by n" >"$WORK/spread.ids"
sql_value "select departure_id from bench_departures where kind = 'hot'" >"$WORK/hot.ids"
LISTING_DAY="$(date -u -d tomorrow +%Y-%m-%d)"
LISTING_PATH="/?destination=Hydra&date=$LISTING_DAY"

log "Starting the app on 127.0.0.1:$APP_PORT from $APP_DLL"
mkdir -p "$WORK/app"
(cd "$JKB_REPO_ROOT/JkBoats.Web" && exec dotnet "$APP_DLL" --urls "http://127.0.0.1:$APP_PORT" --contentRoot "$JKB_REPO_ROOT/JkBoats.Web") \
  >"$APP_LOG" 2>&1 &
APP_PID=$!
BASE="http://127.0.0.1:$APP_PORT"
for _ in $(seq 1 120); do
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 40 "$APP_LOG" >&2; die "the app exited"; }
  sleep 0.5
done
curl -fsS "$BASE/health/ready" >/dev/null || { tail -n 40 "$APP_LOG" >&2; die "the app did not become ready"; }
curl -fsS "$BASE/bench/static" >/dev/null || die "$BASE/bench/static is not served (JkBoats:Bench:Enabled)"
STATIC_BYTES="$(curl -fsS "$BASE/bench/static" | wc -c)"
curl -fsS "$BASE$LISTING_PATH" >"$WORK/listing.html"
LISTING_BYTES="$(wc -c <"$WORK/listing.html")"
log "Page sizes: static $STATIC_BYTES bytes, listing $LISTING_BYTES bytes ($LISTING_PATH)"

export BENCH_LUA_DIR="$BENCH_DIR/lua"
declare -a ROWS=()
FIVE_XX=0

want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# wrk_run NAME CONNECTIONS LUA URL [IDS_FILE] : one measured wrk run, appended to the table.
wrk_run() {
  local name="$1" conns="$2" script="$3" url="$4" ids="${5:-}" out line rps unit
  want "$name" || return 0
  log "wrk $name: $conns connections, ${DURATION}s"
  out="$(BENCH_IDS_FILE="$ids" wrk -t2 -c"$conns" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH_LUA_DIR/$script" "$url" 2>&1)" \
    || { echo "$out" >&2; die "wrk $name failed"; }
  line="$(grep '^BENCH_RESULT' <<<"$out")" || { echo "$out" >&2; die "wrk $name printed no result"; }
  echo "$line" >>"$WORK/raw.txt"
  if [ "$script" = book.lua ]; then
    rps="$(awk -v n="$(field s201 "$line")" -v s="$(field seconds "$line")" 'BEGIN { printf "%.0f", n / s }')"
    unit="bookings/s"
  else
    rps="$(printf '%.0f' "$(field rps "$line")")"
    unit="req/s"
  fi
  FIVE_XX=$((FIVE_XX + $(field s5xx "$line") + $(field socket_errors "$line")))
  ROWS+=("| $name | $conns | $rps $unit | $(field p50 "$line") | $(field p95 "$line") | $(field p99 "$line") | $(field s2xx "$line") | $(field s4xx "$line") | $(field s5xx "$line") / $(field socket_errors "$line") |")
  eval "RESULT_${name//[^a-zA-Z0-9]/_}=$rps"
}

# pgbench_run NAME KIND COUNT CLIENTS : the naive transaction straight against PostgreSQL.
pgbench_run() {
  local name="$1" kind="$2" count="$3" clients="$4" script before after out tps p50 p95 p99 booked failed
  want "$name" || return 0
  log "pgbench $name: $clients clients, ${DURATION}s"
  script="$WORK/$name.pgbench"
  sed -e "s/BENCH_KIND/$kind/" -e "s/BENCH_COUNT/$count/" "$BENCH_DIR/sql/naive_booking.pgbench" >"$script"
  before="$(sql_value "select count(*) from bookings")"
  rm -rf "$WORK/pglog" && mkdir -p "$WORK/pglog"
  out="$(cd "$WORK/pglog" && "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$clients" -j 2 \
          -T "$DURATION" -l -f "$script" jkboats 2>&1)" || { echo "$out" >&2; die "pgbench $name failed"; }
  after="$(sql_value "select count(*) from bookings")"
  tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -n1)"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")"
  booked=$((after - before))
  read -r p50 p95 p99 < <(cat "$WORK"/pglog/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -n | awk '
    { v[NR] = $1 } END { printf "%.2f %.2f %.2f\n", v[int(NR * 0.50) + 1], v[int(NR * 0.95) + 1], v[int(NR * 0.99) + 1] }')
  local rate
  rate="$(awk -v n="$booked" -v s="$DURATION" 'BEGIN { printf "%.0f", n / s }')"
  echo "BENCH_PGBENCH name=$name tps=$tps booked=$booked failed=${failed:-0}" >>"$WORK/raw.txt"
  ROWS+=("| $name | $clients | $rate bookings/s | $p50 | $p95 | $p99 | $booked | - | failed ${failed:-0} |")
  eval "RESULT_${name//[^a-zA-Z0-9]/_}=$rate"
}

log "Warming up (${WARMUP}s per endpoint)"
for path in /bench/static "$LISTING_PATH" "/api/boats?destination=Hydra&date=$LISTING_DAY"; do
  wrk -t2 -c16 -d"${WARMUP}s" "$BASE$path" >/dev/null 2>&1 || true
done
BENCH_LUA_DIR="$BENCH_LUA_DIR" BENCH_IDS_FILE="$WORK/spread.ids" \
  wrk -t2 -c16 -d"${WARMUP}s" -s "$BENCH_LUA_DIR/book.lua" "$BASE/api/bookings" >/dev/null 2>&1 || true

wrk_run static 64 get.lua "$BASE/bench/static"
wrk_run listing 64 get.lua "$BASE$LISTING_PATH"
API_PATH="/api/boats?destination=Hydra&date=$LISTING_DAY"
wrk_run api 64 get.lua "$BASE$API_PATH"
wrk_run spread16 16 book.lua "$BASE/api/bookings" "$WORK/spread.ids"
wrk_run spread64 64 book.lua "$BASE/api/bookings" "$WORK/spread.ids"
wrk_run hot64 64 book.lua "$BASE/api/bookings" "$WORK/hot.ids"
PEAK_RSS_KB="$(awk '/^VmHWM/ { print $2 }' "/proc/$APP_PID/status")"
pgbench_run pg_spread16 pg_spread 100 16
pgbench_run pg_spread64 pg_spread 100 64
pgbench_run pg_hot16 pg_hot 1 16
pgbench_run pg_hot64 pg_hot 1 64

BROKEN="$(psql_db -tA -f "$BENCH_DIR/sql/check.sql")"
HOT_LEFT="$(sql_value "select available_seats from departures where id = (select departure_id from bench_departures where kind = 'hot')")"

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
REPORT="$WORK/report.md"
{
  echo "# Benchmark $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes numbers noisy; compare ratios within one run)."
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' + uncommitted changes'), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (fsync on, synchronous_commit on), .NET $(dotnet --version)."
  echo "Each run ${DURATION}s; wrk -t2; pgbench -M prepared -j 2. Listing: $LISTING_PATH ($LISTING_BYTES bytes), static page $STATIC_BYTES bytes, API: $API_PATH."
  echo
  echo "| Run | Clients | Throughput | p50 ms | p95 ms | p99 ms | 2xx / booked | 4xx | 5xx / socket errors |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| Check | Value |"
  echo "| --- | --- |"
  echo "| Listing / static ceiling | $(ratio "${RESULT_listing:-}" "${RESULT_static:-}") (target >= 0.60) |"
  echo "| Spread 16 / pgbench spread 16 | $(ratio "${RESULT_spread16:-}" "${RESULT_pg_spread16:-}") (target >= 0.70) |"
  echo "| Spread 64 / pgbench spread 64 | $(ratio "${RESULT_spread64:-}" "${RESULT_pg_spread64:-}") (target >= 0.70) |"
  echo "| Hot 64 / pgbench hot 64 | $(ratio "${RESULT_hot64:-}" "${RESULT_pg_hot64:-}") (target >= 3) |"
  echo "| Departures breaking available + confirmed = capacity | $BROKEN |"
  echo "| 5xx responses and socket errors | $FIVE_XX |"
  echo "| Hot departure seats left at the end | $HOT_LEFT |"
  echo "| App peak memory (VmHWM) | $((${PEAK_RSS_KB:-0} / 1024)) MB |"
  echo "| Suite wall time | $((SECONDS - STARTED_AT)) s |"
} >"$REPORT"

mkdir -p "$RESULTS_DIR"
cp "$REPORT" "$RESULTS_DIR/$STAMP.md"
echo
cat "$REPORT"
echo
log "Written to bench/results/$STAMP.md"
[ "$BROKEN" = "0" ] || die "the seat invariant is broken on $BROKEN departures"
