#!/bin/sh
# Runs each libFuzzer target with a bound; fails on the first crash,
# sanitizer report, leak-check abort or timeout.
#   tests/fuzz/run.sh BUILD_DIR LIMIT TARGET...
# LIMIT is libFuzzer's bound: "-max_total_time=45" (make fuzz), or
# "-seed=1 -runs=200000" (make test: the same inputs on every run).
# New corpus entries go to BUILD_DIR/fuzz/corpus/TARGET (the seeds in
# tests/fuzz/corpus/TARGET are only read); a failing input is saved as
# BUILD_DIR/fuzz/artifacts/TARGET-crash-<sha1> and can be replayed with
#   BUILD_DIR/fuzz/fuzz_TARGET BUILD_DIR/fuzz/artifacts/TARGET-crash-<sha1>
set -e
b=$1
limit=$2
shift 2
for t in "$@"; do
	mkdir -p "$b/fuzz/corpus/$t" "$b/fuzz/artifacts"
	echo "== fuzz_$t: $limit"
	# shellcheck disable=SC2086  # LIMIT holds several arguments
	"$b/fuzz/fuzz_$t" $limit -timeout=10 -rss_limit_mb=2048 \
		-max_len=2048 -print_final_stats=1 \
		-artifact_prefix="$b/fuzz/artifacts/$t-" \
		"$b/fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2>"$b/fuzz/$t.log" || {
		tail -n 60 "$b/fuzz/$t.log"
		echo "fuzz_$t FAILED (log: $b/fuzz/$t.log)"
		exit 1
	}
	grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$b/fuzz/$t.log" || true
done
