#!/usr/bin/env bash
# Run molecule scenarios a few at a time (each has its own hosts and network), the
# longest first; then the figures the scenarios recorded. Ends with one
# "molecule: N passed, N failed" line. Refuses to run nothing.
#   tools/molecule-all.sh SCENARIO...        MOLECULE_JOBS=3 by default
#
# Each run writes into its own directory, so two runs at once keep their logs:
#   .cache/molecule/runs/<time>-<pid>/<scenario>.log, results, figures/
#   .cache/molecule/<scenario>.log   the log of the scenario's latest run (a symlink)
#   .cache/molecule/latest           the run that finished last (a symlink), and
#   .cache/molecule/results          its results, "scenario passed|FAILED seconds" a line
# The scenarios write figures to .cache/molecule/figures/<scenario>.txt
# (molecule/resources/include/figure.yml); a run clears and then keeps its own
# scenarios' files only. The last 20 runs are kept.
set -u
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  echo "tools/molecule-all.sh: no scenario given (is SCENARIOS empty?); refusing to report a pass for nothing run" >&2
  exit 2
fi
jobs=${MOLECULE_JOBS:-3}
base=.cache/molecule
run_id=$(date +%Y%m%d-%H%M%S)-$$
run=$base/runs/$run_id
mkdir -p "$run/figures" "$base/figures"
: >"$run/results"
for scenario in "$@"; do rm -f "$base/figures/$scenario.txt"; done
echo "molecule: this run's logs are in $run"

# Point LINK at TARGET (relative to LINK's directory) in one step, so a reader never
# sees it missing.
relink() {
  local target=$1 link=$2
  ln -sfn "$target" "$link.$$.tmp" && mv -fT "$link.$$.tmp" "$link"
}

# Molecule's "[scenario > step] Executing/Executed" lines get the time of day in front,
# for the step times printed at the end.
stamp_steps() {
  local line pattern='^INFO +\[[^]]+\] Execut'
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ $pattern ]]; then printf '%(%H:%M:%S)T %s\n' -1 "$line"; else printf '%s\n' "$line"; fi
  done
}

run_one() {
  local scenario=$1 start result cpu hostcpu
  start=$(date +%s)
  relink "runs/$run_id/$scenario.log" "$base/$scenario.log"
  echo "=== molecule test -s $scenario: started"
  set -o pipefail
  # SANDBOX_CPU_LOG: sandbox/down.yml writes there each host's CPU time when it removes it.
  # Unbuffered, so each step's line reaches stamp_steps when molecule prints it.
  if SANDBOX_CPU_LOG="$PWD/$run/$scenario.hostcpu" PYTHONUNBUFFERED=1 \
    molecule test -s "$scenario" 2>&1 | stamp_steps >"$run/$scenario.log"
  then result=passed; else result=FAILED; fi
  # The controller's CPU seconds (user + system) of molecule and everything it waited for
  # (ansible-playbook, its workers, the scenario's scripts), from bash's `times`; what
  # detaches (SSH control masters, the lock's keeper, async jobs) and the hosts' own work
  # in their containers are not counted. Not in a pipe or $( ): a subshell's `times`
  # counts its own children only.
  times >"$run/$scenario.times"
  cpu=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.0f", s }' "$run/$scenario.times")
  # The hosts' CPU seconds, each since its last start (a host restarted in a test counts
  # from its restart), as sandbox/down.yml read them at the final destroy.
  hostcpu=$(awk '{ s += $2 } END { printf "%.0f", s / 1e9 }' "$run/$scenario.hostcpu" 2>/dev/null)
  printf '%s %s %s %s %s\n' "$scenario" "$result" "$(( $(date +%s) - start ))" "$cpu" "${hostcpu:-?}" >>"$run/results"
  echo "=== molecule test -s $scenario: $result in $(( $(date +%s) - start ))s (controller CPU ${cpu}s, hosts ${hostcpu:-?}s)"
}
export -f run_one relink stamp_steps
export base run run_id

# Longest first, so no long one starts last: in a fresh-clone CI, three at a time, stack
# 51 min, default 44, bad_input and postgresql 13, haproxy 11, rabbitmq 10, redis 7, nginx
# 4, supervisor and firewall 2 (postgresql, started after nginx, was the last to end).
# bad_input, all controller CPU, runs beside default's converge: started after postgresql
# it overlapped default's deploys under load, where one lost 28 s of the other app's requests
# (503s; most likely its health checks timing out on the CPU three scenarios share).
ordered=()
for s in stack default bad_input postgresql haproxy rabbitmq redis nginx supervisor firewall; do
  for want in "$@"; do [ "$want" = "$s" ] && ordered+=("$s"); done
done
for want in "$@"; do
  case " ${ordered[*]} " in *" $want "*) ;; *) ordered+=("$want") ;; esac
done

printf '%s\n' "${ordered[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'

for scenario in "$@"; do
  [ -f "$base/figures/$scenario.txt" ] && cp "$base/figures/$scenario.txt" "$run/figures/"
done
relink "runs/$run_id" "$base/latest"
relink latest/results "$base/results"
# Keep the last 20 runs.
find "$base/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n -20 | xargs -r rm -rf

failed=0
passed=0
while read -r scenario result _; do
  if [ "$result" = passed ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo
    echo "=================== $scenario failed: its full log ==================="
    cat "$run/$scenario.log"
  fi
done <"$run/results"
echo
echo "molecule scenarios (wall time, $jobs at a time; CPU time of the controller, of the hosts):"
sort "$run/results" | awk '{printf "  %-12s %-7s %5ss  cpu %5ss  hosts %5ss\n", $1, $2, $3, $4, $5}'
echo "their steps (wall time):"
for log in "$run"/*.log; do
  awk -v name="$(basename "$log" .log)" '
    function secs(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
    / INFO +\[[^]]+\] Executing/ { step = $5; sub(/\]$/, "", step); at = secs($1) }
    / INFO +\[[^]]+\] Executed/ && step != "" {
      d = secs($1) - at; if (d < 0) d += 86400; line = line " " step " " d "s"; step = "" }
    END { printf "  %-12s%s%s\n", name, line, step != "" ? " " step " (unfinished)" : "" }' "$log"
done
if compgen -G "$run/figures/*.txt" >/dev/null; then
  echo
  echo "figures (molecule/*/ record them with molecule/resources/include/figure.yml):"
  for f in "$run"/figures/*.txt; do sed "s/^/  $(basename "$f" .txt): /" "$f"; done
fi
# A CI report may keep only the head and the tail of the output: repeat, after the
# figures, where each failed scenario failed (its first failed tasks, with the lines that
# say why), then the first of them in one line.
while read -r scenario result _; do
  [ "$result" = passed ] && continue
  echo
  echo "=================== $scenario failed here (excerpt) ==================="
  # Each failure with its task's name; failures the play ignores ("...ignoring") left out.
  awk '/^TASK \[/ { task = $0 }
       /^(fatal|failed): |^CRITICAL|^ERROR/ { if (block != "") flush(); block = task "\n" $0; n = 0; next }
       block != "" { if (/^\.\.\.ignoring/) { block = ""; next }
                     if (/^$/ || ++n > 12) flush(); else block = block "\n" $0 }
       function flush() { print block; print ""; block = "" }
       END { if (block != "") flush() }' "$run/$scenario.log" | cut -c1-1500 | head -n 40
done <"$run/results"
echo "logs: $run"
# The report's last lines: the failure that stopped each failed scenario (its last one
# not ignored), in two lines.
while read -r scenario result _; do
  [ "$result" = passed ] && continue
  awk -v name="$scenario" '/^TASK \[/ { task = $0 }
       /^(fatal|failed): / { last = task; why = $0 }
       /^\.\.\.ignoring/ { last = "" }
       /^(CRITICAL|ERROR)/ && molecule == "" { molecule = $0 }
       END { if (last != "") print name " stopped at " last "\n  " substr(why, 1, 400)
             else print name " failed, no failed task in its log: " substr(molecule, 1, 400) }' "$run/$scenario.log"
done <"$run/results"
echo "molecule: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq "$#" ]
