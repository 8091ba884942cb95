#!/usr/bin/env bash
# Runs `check` against every bug server in bugs/ RUNS times (10 unless
# given), each time against a fresh server, and fails unless every run
# catches the bug: exit status 1, with points lost in the category the bug
# belongs to. A race that `check` catches only sometimes would let a team
# keep marks it should lose; this is the proof that it does not.
#
#   bash check/catch-every-bug.sh [RUNS]
#
# Prints each bug server's catch rate. Uses the debug build (`cargo test`
# has built it already in CI); five to seven minutes on two busy cores.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"

# The category each bug server must lose points in.
declare -A category=(
    [bug-01]="framing"
    [bug-02]="order"
    [bug-03]="requests and responses"
    [bug-04]="concurrency"
    [bug-05]="requests and responses"
    [bug-06]="framing"
    [bug-07]="concurrency"
    [bug-08]="requests and responses"
    [bug-09]="concurrency"
    [bug-10]="concurrency"
)

cargo build --quiet --bins -p chamada-check -p chamada-bugs
bin=target/debug
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# Starts bug server $1 on a port the system picks; sets $server and $addr.
start() {
    # A new file each time: the shell creates it in the background job, so
    # an old one could still be read here, with a dead server's address.
    rm -f "$work/server.out"
    "$bin/$1" --bind 127.0.0.1:0 > "$work/server.out" 2>&1 &
    server=$!
    addr=""
    for _ in $(seq 100); do
        addr="$(sed -n 's/^listening on //p' "$work/server.out" 2>/dev/null | head -n 1)"
        [ -n "$addr" ] && return 0
        sleep 0.1
    done
    echo "$1 did not start: $(cat "$work/server.out")" >&2
    exit 1
}

stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
}

# True if report $1 shows category $2 short of full marks.
lost_points_in() {
    awk -v want="$2" '
        index($0, want " (") == 1 {
            split(substr($0, length(want) + 3), n, /[\/)]/)
            if (n[1] < n[2]) found = 1
        }
        END { exit !found }' "$1"
}

missed=0
for name in $(printf '%s\n' "${!category[@]}" | sort); do
    caught=0
    for _ in $(seq "$runs"); do
        start "$name"
        status=0
        # In English whatever the locale: the report is read for the
        # category's English name.
        "$bin/check" --lang en --timeout 1 "$addr" > "$work/report.txt" || status=$?
        stop
        if [ "$status" -eq 1 ] && lost_points_in "$work/report.txt" "${category[$name]}"; then
            caught=$((caught + 1))
        else
            cp "$work/report.txt" "target/missed-$name.txt" 2>/dev/null || true
        fi
    done
    echo "$name: caught in $caught of $runs runs (${category[$name]})"
    [ "$caught" -eq "$runs" ] || missed=1
done
if [ "$missed" -ne 0 ]; then
    echo "check missed a bug in some run; the report of the last miss is in target/missed-<bug>.txt" >&2
    exit 1
fi
echo "every bug server caught in every run"
