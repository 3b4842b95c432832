#!/usr/bin/env bash
# The phone's view: Lighthouse (npm lighthouse@12.2.3, pinned: newer needs Node 22) on Debian's Chromium, mobile profile
# (simulated slow 4G and a mid-range phone's CPU), over the home page, a departure, its booking form and Find my booking,
# served by the Release build in demo mode from a throwaway PostgreSQL cluster. Writes the four categories' scores per
# page to bench/results/<UTC time>-lighthouse.md and .json, and fails when a score is under BENCH_LIGHTHOUSE_MIN (95).
#
#   ./bench/lighthouse.sh
#   BENCH_KEEP=1 ./bench/lighthouse.sh    keep the work folder (the full Lighthouse reports) for a look afterwards
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$JKB_REPO_ROOT"

MIN="${BENCH_LIGHTHOUSE_MIN:-95}"
LIGHTHOUSE_VERSION=12.2.3
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS_DIR="$JKB_REPO_ROOT/bench/results"

ensure_dotnet
ensure_node
ensure_apt_packages postgresql chromium fonts-dejavu-core
CHROME="${JKBOATS_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROME" ] || die "Chromium not found at $CHROME"
PG_BIN="$(pg_bin_dir)" || die "PostgreSQL server binaries not found"

WORK="$(mktemp -d /tmp/jkboats-lighthouse.XXXXXX)"
chmod 755 "$WORK"
PGDATA_DIR="$WORK/pg"
PG_PORT="$(free_port)"
APP_PORT="$(free_port)"
APP_PID=""
cleanup() {
  local rc=$?
  stop_pids "$APP_PID"
  stop_scratch_pg "$PG_BIN" "$PGDATA_DIR"
  if [ "${BENCH_KEEP:-0}" = "1" ] || [ "$rc" -ne 0 ]; then
    log "Kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

log "Installing lighthouse@$LIGHTHOUSE_VERSION into $WORK/npm"
npm install --silent --no-audit --no-fund --prefix "$WORK/npm" "lighthouse@$LIGHTHOUSE_VERSION" >"$WORK/npm.log" 2>&1 \
  || { tail -n 20 "$WORK/npm.log" >&2; die "npm could not install lighthouse@$LIGHTHOUSE_VERSION"; }
LIGHTHOUSE="$WORK/npm/node_modules/.bin/lighthouse"

log "Building Release"
dotnet build JkBoats.Web/JkBoats.Web.csproj -c Release -v quiet -nologo >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; die "build failed"; }
APP_DLL="$JKB_REPO_ROOT/JkBoats.Web/bin/Release/net10.0/JkBoats.Web.dll"

log "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
start_scratch_pg "$PG_BIN" "$WORK" "$PGDATA_DIR" "$PG_PORT"

log "Starting the app in demo mode on 127.0.0.1:$APP_PORT"
(cd "$JKB_REPO_ROOT/JkBoats.Web" && exec env \
  ConnectionStrings__JkBoats="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=jkboats" \
  ASPNETCORE_ENVIRONMENT=Production JkBoats__DemoMode=true JkBoats__MigrateOnStartup=true \
  JkBoats__Locale__Currency=EUR JkBoats__Locale__Culture=en-GB JkBoats__TimeZone=Europe/Athens \
  Email__Worker__Enabled=false Email__PickupDirectory="$WORK/mail" \
  dotnet "$APP_DLL" --urls "http://127.0.0.1:$APP_PORT" --contentRoot "$JKB_REPO_ROOT/JkBoats.Web") >"$WORK/app.log" 2>&1 &
APP_PID=$!
BASE="http://127.0.0.1:$APP_PORT"
for _ in $(seq 1 120); do
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 40 "$WORK/app.log" >&2; die "the app exited"; }
  sleep 0.5
done
curl -fsS "$BASE/health/ready" >/dev/null || { tail -n 40 "$WORK/app.log" >&2; die "the app did not become ready"; }

# A departure with seats from tomorrow's demo listing.
DEPARTURE="$(curl -fsS "$BASE/api/boats?date=$(date -u -d tomorrow +%Y-%m-%d)" \
  | grep -oE '"departure_id":"[0-9a-f-]{36}"' | head -n1 | grep -oE '[0-9a-f-]{36}')" || true
[ -n "$DEPARTURE" ] || die "no departure in tomorrow's demo listing"

declare -a PAGES=("home /" "departure /departures/$DEPARTURE" "booking /departures/$DEPARTURE/book" "find /bookings/find")
declare -a ROWS=() JSON=()
LOW=0
for page in "${PAGES[@]}"; do
  name="${page%% *}"; path="${page#* }"
  log "Lighthouse (mobile) on $name: $path"
  CHROME_PATH="$CHROME" "$LIGHTHOUSE" "$BASE$path" --quiet --output=json --output-path="$WORK/$name.json" \
    --only-categories=performance,accessibility,best-practices,seo --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic" \
    >"$WORK/$name.log" 2>&1 || { tail -n 20 "$WORK/$name.log" >&2; die "lighthouse failed on $path"; }
  scores="$(node -e '
    const r = require(process.argv[1]);
    const c = r.categories;
    console.log(["performance", "accessibility", "best-practices", "seo"].map(k => Math.round(c[k].score * 100)).join(" "));
  ' "$WORK/$name.json")"
  read -r perf a11y bp seo <<<"$scores"
  for s in $perf $a11y $bp $seo; do [ "$s" -ge "$MIN" ] || LOW=$((LOW + 1)); done
  ROWS+=("| $name | \`$path\` | $perf | $a11y | $bp | $seo |")
  JSON+=("{\"page\":\"$name\",\"path\":\"$path\",\"performance\":$perf,\"accessibility\":$a11y,\"best_practices\":$bp,\"seo\":$seo}")
done

mkdir -p "$RESULTS_DIR"
{
  echo "# Lighthouse $STAMP (mobile profile, lighthouse@$LIGHTHOUSE_VERSION, $("$CHROME" --version 2>/dev/null | head -n1))"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' + uncommitted changes'); demo data, EUR, en-GB, Europe/Athens; target: every score >= $MIN."
  echo
  echo "| Page | Path | Performance | Accessibility | Best practices | SEO |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${ROWS[@]}"
} >"$RESULTS_DIR/$STAMP-lighthouse.md"
{
  printf '{"stamp":"%s","commit":"%s","lighthouse":"%s","minimum":%s,"pages":[\n  ' "$STAMP" "$(git rev-parse --short HEAD)" "$LIGHTHOUSE_VERSION" "$MIN"
  (IFS=$'\n'; printf '%s' "${JSON[*]}" | sed ':a;N;$!ba;s/\n/,\n  /g')
  printf '\n]}\n'
} >"$RESULTS_DIR/$STAMP-lighthouse.json"
cat "$RESULTS_DIR/$STAMP-lighthouse.md"
log "Written to bench/results/$STAMP-lighthouse.md and .json"
[ "$LOW" -eq 0 ] || die "$LOW score(s) under $MIN"
