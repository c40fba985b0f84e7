# shellcheck shell=bash
# bench-measure.sh -- timing helpers for scripts/bench-e2e.  Bash; sourced, never run.
#
# The conventions follow ../shared/bench/run-peers.sh so that Forge rows and peer rows mean the
# same thing: each timed command runs under /usr/bin/time; `sync` runs before it (untimed) and after
# it (timed separately as "flush s"); "other CPU s" is the CPU time the whole machine spent during
# the command minus the command's own, i.e. how much another workload competed for the cores.
#
# Needs (set by the caller): BENCH_ROWS (results file), BENCH_LOGS (directory for command output
# and /usr/bin/time records), BENCH_ROUND, BENCH_QUIET_FRAC, BENCH_QUIET_MAX, BENCH_COLD_METHOD.

bench_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
bench_die() { printf 'bench-e2e: %s\n' "$*" >&2; exit 1; }

# apparent sizes (what the files hold), as run-peers.sh measures stores
bench_tree_bytes() { find "$@" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f\n", s}'; }
bench_tree_files() { find "$@" -type f | wc -l; }
bench_dir_bytes() { du -sb "$@" 2>/dev/null | awk '{s+=$1} END {printf "%.0f\n", s}'; }

_bench_cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# bench_wait_quiet: waits (at most BENCH_QUIET_MAX s) until the machine's non-idle CPU share,
# sampled over 2 s, is below BENCH_QUIET_FRAC; prints the share seen last (0.00-1.00).
bench_wait_quiet() {
  local waited=0 b0 t0 b1 t1 frac
  while :; do
    read -r b0 t0 < <(_bench_cpu_busy); sleep 2; read -r b1 t1 < <(_bench_cpu_busy)
    frac=$(awk -v a=$((b1 - b0)) -v b=$((t1 - t0)) 'BEGIN{printf "%.2f", (b>0)?a/b:0}')
    if awk -v f="$frac" -v q="$BENCH_QUIET_FRAC" 'BEGIN{exit !(f<q)}' || (( waited >= BENCH_QUIET_MAX )); then break; fi
    sleep 5; waited=$((waited + 7))
  done
  (( waited > 0 )) && bench_log "waited ${waited}s for a quiet machine (busy=$frac)"
  echo "$frac"
}

# bench_warm PATH...: reads every file under PATH into the page cache.  This VM evicts page cache
# untouched for ~60 s, so it runs right before each warm-cache step.
bench_warm() {
  [[ $# -gt 0 ]] || return 0
  if command -v vmtouch >/dev/null; then vmtouch -tqf "$@" >/dev/null 2>&1 && return 0; fi
  find "$@" -type f -print0 | xargs -0 -r cat > /dev/null
}

# bench_cold PATH...: empties the caches before a cold-cache step.  BENCH_COLD_METHOD=drop (the
# default) drops the whole page, dentry and inode cache (echo 3 > /proc/sys/vm/drop_caches; needs
# root; disturbs anyone else measuring on the machine); =evict evicts only the data pages of the
# files under PATH (vmtouch -e), leaving metadata caches warm.
bench_cold() {
  sync
  case $BENCH_COLD_METHOD in
    drop)  echo 3 > /proc/sys/vm/drop_caches ;;
    evict) [[ $# -eq 0 ]] || vmtouch -eqf "$@" >/dev/null ;;
    *) bench_die "unknown cold method '$BENCH_COLD_METHOD' (drop|evict)" ;;
  esac
}

# [BENCH_WARM="paths"] [BENCH_COLD="paths"] [BENCH_INNER_JSON=1] [BENCH_NOWAIT=1]
#   bench_measure TOOL OP RUN BYTES FILES COMMAND...
# Runs COMMAND (stdout+stderr to $BENCH_LOGS/TAG.out) under /usr/bin/time and appends one row to
# $BENCH_ROWS:
#   round tool op run rc wall_s user_s sys_s rss_kb bytes files flush_s other_cpu_s bg_busy cache inner_s
# cache is warm or cold; inner_s is the "seconds" field of the command's JSON output (the time the
# command measured itself, without JVM start), when BENCH_INNER_JSON=1.  A failing COMMAND is
# recorded (rc) and reported, not fatal: returns 0, and sets BENCH_RC to COMMAND's exit code and
# BENCH_OUT to the file with its output.
bench_measure() {
  local tool=$1 op=$2 run=$3 bytes=$4 files=$5; shift 5
  local cache=warm
  [[ -n ${BENCH_COLD+x} ]] && cache=cold
  local tag="r$BENCH_ROUND.$cache.$tool.$op${run:+.$run}"; tag=${tag//[^A-Za-z0-9._-]/_}
  local tf=$BENCH_LOGS/$tag.time out=$BENCH_LOGS/$tag.out
  sync
  local bg=-
  if [[ -z ${BENCH_NOWAIT:-} ]]; then bg=$(bench_wait_quiet); fi
  if [[ $cache == cold ]]; then
    # shellcheck disable=SC2086
    bench_cold ${BENCH_COLD}
  elif [[ -n ${BENCH_WARM:-} ]]; then
    # shellcheck disable=SC2086
    bench_warm ${BENCH_WARM}
  fi
  bench_log "RUN $tool $op${run:+ #$run} ($cache): $*"
  local b0 t0 b1 t1 rc=0
  read -r b0 t0 < <(_bench_cpu_busy)
  /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" > "$out" 2>&1 || rc=$?
  read -r b1 t1 < <(_bench_cpu_busy)
  local f0 f1; f0=$(date +%s.%N); sync; f1=$(date +%s.%N)
  local wall rss user sys
  # /usr/bin/time writes "Command exited with non-zero status N" first when rc != 0
  read -r wall rss user sys < <(tail -n 1 "$tf")
  local flush other inner=-
  flush=$(awk -v a="$f0" -v b="$f1" 'BEGIN{printf "%.2f", b-a}')
  other=$(awk -v d=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" -v u="$user" -v s="$sys" 'BEGIN{o=d/hz-u-s; if(o<0)o=0; printf "%.1f", o}')
  if [[ -n ${BENCH_INNER_JSON:-} && $rc == 0 ]]; then
    inner=$(sed -n 's/^ *"seconds" *: *\([0-9.eE+-]*\).*/\1/p' "$out" | tail -n 1)
    [[ -n $inner ]] || inner=-
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$BENCH_ROUND" "$tool" "$op" "${run:--}" \
    "$rc" "$wall" "$user" "$sys" "$rss" "$bytes" "$files" "$flush" "$other" "$bg" "$cache" "$inner" >> "$BENCH_ROWS"
  bench_log "  -> rc=$rc wall=${wall}s user=${user}s sys=${sys}s rss=$((rss / 1024))MiB flush=${flush}s other_cpu=${other}s$([[ $inner == - ]] || echo " inner=${inner}s")"
  if [[ $rc != 0 ]]; then
    bench_log "  FAILED: $tool $op (exit $rc); output in $out:"
    tail -n 5 "$out" >&2
  fi
  # shellcheck disable=SC2034  # read by the caller
  BENCH_RC=$rc BENCH_OUT=$out
  return 0
}
