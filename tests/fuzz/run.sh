#!/bin/sh
# Runs each libFuzzer target with a bound and prints, per target, the
# executions, the coverage reached (libFuzzer's "cov": edges of the
# instrumented code) and the crashes found; fails if any target crashed,
# tripped a sanitizer or an oracle, or timed out.
#   tests/fuzz/run.sh BUILD_DIR LIMIT TARGET...
# LIMIT is libFuzzer's bound: "-max_total_time=45" (make fuzz), or
# "-seed=1 -runs=200000" (make test: the same inputs on every run).
# New corpus entries go to BUILD_DIR/fuzz/corpus/TARGET, kept from run to
# run (the seeds in tests/fuzz/corpus/TARGET are only read); a failing
# input is saved as BUILD_DIR/fuzz/artifacts/TARGET-crash-<sha1> and can be
# replayed with
#   BUILD_DIR/fuzz/fuzz_TARGET BUILD_DIR/fuzz/artifacts/TARGET-crash-<sha1>
b=$1
limit=$2
shift 2
failed=""
for t in "$@"; do
	mkdir -p "$b/fuzz/corpus/$t" "$b/fuzz/artifacts"
	seeds="tests/fuzz/corpus/$t"
	[ -d "$seeds" ] || seeds=""
	echo "== fuzz_$t: $limit"
	# shellcheck disable=SC2086  # LIMIT holds several arguments
	"$b/fuzz/fuzz_$t" $limit -timeout=10 -rss_limit_mb=2048 \
		-max_len=2048 -print_final_stats=1 \
		-artifact_prefix="$b/fuzz/artifacts/$t-" \
		"$b/fuzz/corpus/$t" $seeds 2>"$b/fuzz/$t.log"
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$b/fuzz/$t.log" | tail -n 1)
	edges=$(grep -o 'cov: [0-9]*' "$b/fuzz/$t.log" | tail -n 1 | cut -d' ' -f2)
	crashes=$(grep -c 'Test unit written to' "$b/fuzz/$t.log")
	corpus=$(ls "$b/fuzz/corpus/$t" | wc -l)
	echo "fuzz_$t: ${execs:-0} executions, ${edges:-0} edges covered, $crashes crashes, corpus $corpus inputs"
	if [ $rc -ne 0 ]; then
		tail -n 60 "$b/fuzz/$t.log"
		echo "fuzz_$t FAILED (log: $b/fuzz/$t.log)"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzzing failed:$failed"
	exit 1
fi
