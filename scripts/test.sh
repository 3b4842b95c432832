#!/usr/bin/env bash
# Builds and runs all tests:  ./scripts/test.sh [extra dotnet test args, e.g. --filter "FullyQualifiedName~Booking"]
#
# Installs what the tests need when missing (Debian packages: postgresql binaries for a throwaway
# test cluster, chromium + fonts for browser tests; node/npm), runs `dotnet test` with console and
# TRX loggers into <repo>/TestResults, and ends with one line: "N passed, N failed[, N skipped]".
# The exit code is dotnet test's.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JKB_REPO_ROOT"

RESULTS_DIR="$JKB_REPO_ROOT/TestResults"

# summarize_trx DIR RC : prints "N passed, N failed[, N skipped]" from the <Counters> of every *.trx in DIR.
# A non-zero RC with no failed test counted (build error, crashed test host, no trx) counts as 1 failed.
summarize_trx() {
  local dir="$1" rc="$2" passed=0 failed=0 skipped=0 files=0 f counters
  attr() { printf '%s' "$counters" | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' || echo 0; }
  if [ -d "$dir" ]; then
    while IFS= read -r -d '' f; do
      counters="$(grep -oE '<Counters [^>]*>' "$f" | awk 'NR==1' || true)"
      [ -n "$counters" ] || continue
      files=$((files + 1))
      passed=$((passed + $(attr passed)))
      failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
      # xunit's skipped tests show up only as total - executed (notExecuted stays 0).
      local total executed not_run
      total="$(attr total)"; executed="$(attr executed)"; not_run="$(attr notExecuted)"
      if [ $((total - executed)) -gt "$not_run" ]; then not_run=$((total - executed)); fi
      skipped=$((skipped + not_run))
    done < <(find "$dir" -maxdepth 2 -name '*.trx' -print0)
  fi
  if [ "$files" -eq 0 ]; then
    if [ "$rc" -ne 0 ]; then log "No TRX results found in $dir."; fi
    passed=0; failed=1; skipped=0
  elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    log "dotnet test exited with $rc although no test failed (build error or test host crash?)."
    failed=1
  fi
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
}

# list_failures DIR : for every failed test in DIR's *.trx, its name and the first lines of its message,
# so the end of a long CI log says what failed (the console logger prints it far above).
list_failures() {
  local dir="$1" f
  [ -d "$dir" ] || return 0
  while IFS= read -r -d '' f; do
    awk '
      /<UnitTestResult / {
        failed = ($0 ~ /outcome="Failed"/)
        if (failed) { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name); print "FAILED " name; lines = 0 }
      }
      failed && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
      failed && inmsg {
        done = sub(/<\/Message>.*/, "")
        if (lines < 12) { gsub(/&lt;/, "<"); gsub(/&gt;/, ">"); gsub(/&quot;/, "\""); gsub(/&amp;/, "\\&"); print "    " $0; lines++ }
        if (done) { inmsg = 0; failed = 0 }
      }
    ' "$f"
  done < <(find "$dir" -maxdepth 2 -name '*.trx' -print0)
}

# Self-check hook for the counting logic: ./scripts/test.sh --summarize-only DIR [RC]
if [ "${1:-}" = "--summarize-only" ]; then
  summarize_trx "${2:?directory}" "${3:-0}"
  exit 0
fi

ensure_dotnet
ensure_apt_packages postgresql chromium fonts-dejavu-core
ensure_node
if [ -x /usr/bin/chromium ] && [ -z "${JKBOATS_CHROMIUM:-}" ]; then
  export JKBOATS_CHROMIUM=/usr/bin/chromium
fi

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

log "dotnet test JkBoats.sln -c Release $*"
set +e
dotnet test JkBoats.sln -c Release \
  --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" \
  --results-directory "$RESULTS_DIR" \
  "$@"
rc=$?
set -e

list_failures "$RESULTS_DIR"
summarize_trx "$RESULTS_DIR" "$rc"
exit "$rc"
