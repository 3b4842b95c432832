#!/usr/bin/env bash
# Runs the JK Boats web app locally in demo mode with a project-local PostgreSQL cluster.
#
#   ./scripts/run.sh              start (or reuse) the local database, then run the site on http://localhost:5000
#   ./scripts/run.sh --db-only    only prepare/start the database; prints the connection string on stdout and exits
#   ./scripts/run.sh --stop-db    stop the project-local PostgreSQL cluster (it keeps running after Ctrl-C)
#   ./scripts/run.sh -- ARGS      extra arguments after -- are passed to the app
#
# Environment:
#   ConnectionStrings__JkBoats    use this database as is (no local cluster is started)
#   JKBOATS_PG_PORT               port of the local cluster on 127.0.0.1 (default 5433)
#
# The cluster lives in <repo>/.data/pg (created once, data survives restarts), listens on 127.0.0.1 only,
# with trust authentication, and keeps its socket and log in <repo>/.data.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JKB_REPO_ROOT"

MODE=run
APP_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db-only) MODE=db-only ;;
    --stop-db) MODE=stop-db ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    --) shift; APP_ARGS+=("$@"); break ;;
    *) die "Unknown option '$1' (see --help)" ;;
  esac
  shift
done

PG_PORT="${JKBOATS_PG_PORT:-5433}"
DATA_ROOT="$JKB_REPO_ROOT/.data"
PGDATA_DIR="$DATA_ROOT/pg"
PG_LOG="$DATA_ROOT/pg.log"
SOCK_DIR="$DATA_ROOT/pg-sock"
DB_NAME=jkboats

# A Unix socket path may not exceed ~107 bytes; fall back to a short folder for deep checkouts.
if [ "$(printf '%s' "$SOCK_DIR/.s.PGSQL.$PG_PORT.lock" | wc -c)" -gt 100 ]; then
  SOCK_DIR="/tmp/jkboats-pg-sock-$(printf '%s' "$JKB_REPO_ROOT" | cksum | cut -d' ' -f1)"
fi

PG_BIN=""
find_pg_bin() {
  PG_BIN="$(pg_bin_dir || true)"
  [ -n "$PG_BIN" ]
}

cluster_running() {
  [ -f "$PGDATA_DIR/PG_VERSION" ] && run_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

# The port a running cluster really listens on (line 4 of postmaster.pid).
running_port() {
  sed -n '4p' "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true
}

stop_db() {
  if ! find_pg_bin; then
    log "PostgreSQL binaries not found; nothing to stop."
    return 0
  fi
  if cluster_running; then
    log "Stopping the local PostgreSQL cluster ($PGDATA_DIR)"
    run_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
    log "Stopped."
  else
    log "The local PostgreSQL cluster is not running."
  fi
}

prepare_db() {
  ensure_apt_packages postgresql
  find_pg_bin || die "PostgreSQL server binaries (initdb, pg_ctl) not found even after installing 'postgresql'."
  log "PostgreSQL binaries: $PG_BIN"

  mkdir -p "$DATA_ROOT" "$PGDATA_DIR" "$SOCK_DIR"
  touch "$PG_LOG"
  chmod 700 "$PGDATA_DIR"
  if is_root; then
    chown postgres:postgres "$PGDATA_DIR" "$SOCK_DIR" "$PG_LOG"
    if ! runuser -u postgres -- test -w "$PGDATA_DIR"; then
      die "The 'postgres' OS user cannot reach $PGDATA_DIR (a parent folder is not traversable, e.g. under /root). Move the checkout, or set ConnectionStrings__JkBoats to an existing database."
    fi
  fi

  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    if [ -n "$(ls -A "$PGDATA_DIR" 2>/dev/null)" ]; then
      die "$PGDATA_DIR is not empty but holds no cluster; remove it and try again."
    fi
    log "Creating the local PostgreSQL cluster in $PGDATA_DIR (once)"
    if ! run_as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --no-locale >"$DATA_ROOT/initdb.log" 2>&1; then
      cat "$DATA_ROOT/initdb.log" >&2
      die "initdb failed"
    fi
  fi

  local have want
  have="$(cat "$PGDATA_DIR/PG_VERSION")"
  want="$("$PG_BIN/pg_ctl" --version | grep -oE "[0-9]+" | awk "NR==1")"
  if [ "$have" != "$want" ]; then
    die "$PGDATA_DIR was made by PostgreSQL $have but the binaries are $want. Stop it and delete .data/pg (loses local data) to start afresh."
  fi

  if cluster_running; then
    local rp
    rp="$(running_port)"
    if [ -n "$rp" ] && [ "$rp" != "$PG_PORT" ]; then
      warn "The local cluster already runs on port $rp (not $PG_PORT); using $rp. Run --stop-db first to change the port."
      PG_PORT="$rp"
    fi
    log "Local PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    log "Starting local PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    if ! run_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 \
          -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $SOCK_DIR" start >/dev/null; then
      echo "--- tail of $PG_LOG ---" >&2
      tail -n 30 "$PG_LOG" >&2 || true
      die "PostgreSQL did not start. If port $PG_PORT is taken, set JKBOATS_PG_PORT to another port."
    fi
  fi

  local exists
  exists="$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -tAq \
             -c "select 1 from pg_database where datname = '$DB_NAME'")"
  if [ "$exists" != "1" ]; then
    log "Creating database $DB_NAME"
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -E UTF8 -T template0 "$DB_NAME"
  fi

  export ConnectionStrings__JkBoats="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$DB_NAME"
}

case "$MODE" in
  stop-db)
    stop_db
    exit 0
    ;;
  db-only)
    if [ -n "${ConnectionStrings__JkBoats:-}" ]; then
      log "ConnectionStrings__JkBoats is set; using it as is (no local cluster)."
    else
      prepare_db
    fi
    log "Database ready."
    printf '%s\n' "$ConnectionStrings__JkBoats"
    exit 0
    ;;
esac

ensure_dotnet
ensure_node
if [ -n "${ConnectionStrings__JkBoats:-}" ]; then
  log "ConnectionStrings__JkBoats is set; using it as is (no local cluster)."
else
  prepare_db
  log "Database: $ConnectionStrings__JkBoats"
fi

export JkBoats__DemoMode=true
# The demo's islands are Greek: it shows what a customer there would see, in euros and Athens time (override any of them).
export JkBoats__Locale__Currency="${JkBoats__Locale__Currency:-EUR}"
export JkBoats__Locale__Culture="${JkBoats__Locale__Culture:-en-GB}"
export JkBoats__TimeZone="${JkBoats__TimeZone:-Europe/Athens}"
# No load balancer drains a local demo: Ctrl-C stops at once (production keeps the 5 s default).
export JkBoats__Shutdown__DrainDelay="${JkBoats__Shutdown__DrainDelay:-00:00:00}"
echo
echo "Site      http://localhost:5000"
echo "API docs  http://localhost:5000/api/docs"
echo "(Ctrl-C stops the site; the local PostgreSQL keeps running: ./scripts/run.sh --stop-db stops it)"
echo
exec dotnet run --project JkBoats.Web -c Release --no-launch-profile -- --urls http://localhost:5000 ${APP_ARGS[@]+"${APP_ARGS[@]}"}
