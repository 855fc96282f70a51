#!/usr/bin/env bash
# Run molecule scenarios a few at a time (each has its own hosts and network), the
# longest first; each scenario's output goes to .cache/molecule/<scenario>.log and
# is printed in full when it fails; then the figures the scenarios recorded. Ends with
# one "molecule: N passed, N failed" line.
#   tools/molecule-all.sh [SCENARIO...]        MOLECULE_JOBS=3 by default
set -u
cd "$(dirname "$0")/.."
jobs=${MOLECULE_JOBS:-3}
logs=.cache/molecule
mkdir -p "$logs"
rm -rf "$logs"/*.log "$logs/results" "$logs/figures"

run_one() {
  local scenario=$1 start result
  start=$(date +%s)
  echo "=== molecule test -s $scenario: started"
  if molecule test -s "$scenario" >"$logs/$scenario.log" 2>&1; then result=passed; else result=FAILED; fi
  printf '%s %s %s\n' "$scenario" "$result" "$(( $(date +%s) - start ))" >>"$logs/results"
  echo "=== molecule test -s $scenario: $result in $(( $(date +%s) - start ))s"
}
export -f run_one
export logs

# Longest first, so the slow multi-host scenarios do not start last.
ordered=()
for s in stack default rabbitmq postgresql nginx haproxy supervisor bad_input; do
  for want in "$@"; do [ "$want" = "$s" ] && ordered+=("$s"); done
done
for want in "$@"; do
  case " ${ordered[*]} " in *" $want "*) ;; *) ordered+=("$want") ;; esac
done

printf '%s\n' "${ordered[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'

failed=0
passed=0
while read -r scenario result seconds; do
  if [ "$result" = passed ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo
    echo "=================== $scenario failed: its full log ==================="
    cat "$logs/$scenario.log"
  fi
done <"$logs/results"
echo
echo "molecule scenarios (wall time, $jobs at a time):"
sort "$logs/results" | awk '{printf "  %-12s %-7s %5ss\n", $1, $2, $3}'
if compgen -G "$logs/figures/*.txt" >/dev/null; then
  echo
  echo "figures (molecule/*/ record them with molecule/resources/include/figure.yml):"
  for f in "$logs"/figures/*.txt; do sed "s/^/  $(basename "$f" .txt): /" "$f"; done
fi
echo "molecule: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq "$#" ]
