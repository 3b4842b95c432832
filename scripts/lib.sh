#!/usr/bin/env bash
# Shared helpers for scripts/*.sh and .ci/run. Source it:  . "$(dirname "$0")/lib.sh"
# Callers are expected to use `set -euo pipefail`.

# Repository root (the folder holding JkBoats.sln), whatever the caller's cwd.
JKB_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JKB_REPO_ROOT

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Progress and errors go to stderr so stdout stays clean for values (e.g. a connection string).
log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "${EUID:-$(id -u)}" -eq 0 ]; }

# Prints the command prefix needed for privileged commands ("" as root, "sudo" otherwise).
_jkb_sudo() {
  if is_root; then
    echo ""
  elif command -v sudo >/dev/null 2>&1; then
    echo "sudo"
  else
    die "Root rights are needed to install packages, but you are not root and sudo is missing."
  fi
}

_jkb_pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

_JKB_APT_UPDATED=0

# ensure_apt_packages pkg... : installs only the packages that are missing (Debian/Ubuntu).
ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    _jkb_pkg_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 \
    || die "Missing packages (${missing[*]}) and apt-get is not available: install them by hand."
  local sudo aptlog
  sudo="$(_jkb_sudo)"
  aptlog="$(mktemp -t jkboats-apt.XXXXXX)"
  if [ "$_JKB_APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$aptlog" 2>&1; then
      cat "$aptlog" >&2; rm -f "$aptlog"
      die "apt-get update failed"
    fi
    _JKB_APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$aptlog" 2>&1; then
    tail -n 40 "$aptlog" >&2; rm -f "$aptlog"
    die "apt-get install ${missing[*]} failed"
  fi
  # apt writes some warnings/errors that are worth seeing even on success.
  grep -E '^(E:|W:)' "$aptlog" >&2 || true
  rm -f "$aptlog"
}

# pg_bin_dir : prints the PostgreSQL server bin folder (highest /usr/lib/postgresql/<v>/bin, else from PATH).
# free_port : a free TCP port on 127.0.0.1 (the bench scripts' throwaway cluster and app).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

pg_bin_dir() {
  local d best=""
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
    d="$(dirname "$(command -v initdb)")"
    [ -x "$d/pg_ctl" ] && best="$d"
  fi
  [ -n "$best" ] || return 1
  echo "$best"
}

# ensure_dotnet : requires the .NET SDK with major version >= 10.
ensure_dotnet() {
  local v major
  if ! command -v dotnet >/dev/null 2>&1 && [ -x "$HOME/.dotnet/dotnet" ]; then
    export PATH="$HOME/.dotnet:$PATH"
  fi
  if command -v dotnet >/dev/null 2>&1; then
    v="$(dotnet --version 2>/dev/null || true)"
    major="${v%%.*}"
    if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge 10 ]; then
      log ".NET SDK $v"
      return 0
    fi
    printf 'ERROR: .NET SDK 10 or newer is required, found "%s".\n' "${v:-none}" >&2
  else
    printf 'ERROR: the .NET SDK (dotnet) is not on PATH.\n' >&2
  fi
  cat >&2 <<'MSG'
Install the .NET 10 SDK, e.g.:
  - Debian/Ubuntu: see https://learn.microsoft.com/dotnet/core/install/linux (package dotnet-sdk-10.0), or
  - any Linux/macOS:  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0
    then: export PATH="$HOME/.dotnet:$PATH"
MSG
  exit 1
}

# ensure_node : node and npm on PATH, else apt-get install nodejs npm.
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    log "node $(node --version 2>/dev/null), npm $(npm --version 2>/dev/null)"
    return 0
  fi
  ensure_apt_packages nodejs npm
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node/npm still missing after installing nodejs and npm"
  fi
}

# run_as_pg cmd args... : runs a command as the postgres OS user when we are root (initdb refuses root).
run_as_pg() {
  if is_root; then
    id postgres >/dev/null 2>&1 || die "Running as root but there is no 'postgres' OS user (apt-get install postgresql creates it)."
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# start_scratch_pg PG_BIN WORK PGDATA PORT [-c name=value ...] : a throwaway cluster on loopback with a database "jkboats",
# its socket and log (pg.log) in WORK; extra server settings are passed through. Dies with the log's tail if it fails.
start_scratch_pg() {
  local pg_bin="$1" work="$2" pgdata="$3" port="$4"
  shift 4
  mkdir -p "$pgdata"
  is_root && chown -R postgres:postgres "$work"
  run_as_pg "$pg_bin/initdb" -D "$pgdata" -A trust -U postgres -E UTF8 --no-locale >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  run_as_pg "$pg_bin/pg_ctl" -D "$pgdata" -l "$work/pg.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $work $*" >/dev/null || { tail -n 30 "$work/pg.log" >&2; die "PostgreSQL did not start"; }
  "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres -E UTF8 -T template0 jkboats
}

# stop_scratch_pg PG_BIN PGDATA : stops a cluster start_scratch_pg started (immediately: it is thrown away), if it runs.
stop_scratch_pg() {
  if [ -f "$2/postmaster.pid" ]; then
    run_as_pg "$1/pg_ctl" -D "$2" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

# stop_pids PID... : stops each of these (empty or gone ones are skipped) and waits for it.
stop_pids() {
  local pid
  for pid in "$@"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}
