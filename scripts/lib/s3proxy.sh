# shellcheck shell=bash
# s3proxy.sh -- S3Proxy behind a byte counter, for the benchmark scripts (scripts/bench-remotes.sh,
# scripts/bench-e2e).  Bash; sourced, never run.  Needs ROOT (the repository), python3, the S3Proxy
# jar in the local Maven repository (forge-mirror's test build downloads it) and FORGE_JDK_HOME
# (scripts/lib/find-jdk.sh).
#
# start_s3proxy WORK   starts S3Proxy 4.0.0 (filesystem backend under WORK/s3, bucket "bench",
#                      signatures checked) behind scripts/lib/count-proxy.py, which counts requests
#                      and bytes both ways into WORK/stats ("requests up down"). Sets EP (the
#                      endpoint to use), S3PROXY_STATS (the counters file) and exports the Forge S3
#                      credentials; appends both processes to PIDS. Returns 1 when S3Proxy does not
#                      answer within 60 s.
# s3_peer_env          exports the credentials and endpoint of rclone (remote "bench:") and restic
#                      (RESTIC_PASSWORD; the repository URL is s3:$EP/bench/PREFIX) for EP.
# s3proxy_counters     prints "requests up down" as the proxy counted them so far (after 0.3 s, so
#                      that the request just finished is in the file).
# replace_tree FROM TO TO gets exactly FROM's files (like an artist's edits in place), .forge kept.
# step NAME COMMAND... runs COMMAND; appends to ROWS a Markdown row of wall seconds and the proxy's
#                      counters for it (MB up, MB down, requests); a failing command stops the script.
S3PROXY_JAR=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/4.0.0/s3proxy-4.0.0-jar-with-dependencies.jar}
S3PROXY_KEY=bench S3PROXY_SECRET=bench-secret
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_s3proxy() {
  local work=$1 s3port port up=0
  [ -f "$S3PROXY_JAR" ] || { echo "no S3Proxy jar at $S3PROXY_JAR" >&2; return 1; }
  s3port=$(free_port)
  mkdir -p "$work/s3/bench"
  cat > "$work/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3PROXY_KEY
s3proxy.credential=$S3PROXY_SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
PROPS
  "$FORGE_JDK_HOME/bin/java" -Xmx1g -jar "$S3PROXY_JAR" --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 &
  PIDS+=($!)
  port=$(free_port)
  python3 "$ROOT/scripts/lib/count-proxy.py" "$port" "$s3port" "$work/stats" &
  PIDS+=($!)
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$s3port") 2>/dev/null && [ -f "$work/stats" ]; then up=1; break; fi
    sleep 0.1
  done
  [ "$up" = 1 ] || { echo "S3Proxy did not answer within 60 s (log: $work/s3proxy.log)" >&2; return 1; }
  EP=http://127.0.0.1:$port
  S3PROXY_STATS=$work/stats
  export FORGE_S3_ACCESS_KEY_ID=$S3PROXY_KEY FORGE_S3_SECRET_ACCESS_KEY=$S3PROXY_SECRET
}

s3_peer_env() {
  unset AWS_CA_BUNDLE  # plain http on loopback; rclone refuses a custom CA bundle with its own transport
  export AWS_ACCESS_KEY_ID=$S3PROXY_KEY AWS_SECRET_ACCESS_KEY=$S3PROXY_SECRET RESTIC_PASSWORD=bench
  export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$S3PROXY_KEY \
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$S3PROXY_SECRET RCLONE_CONFIG_BENCH_ENDPOINT=$EP RCLONE_CONFIG_BENCH_REGION=us-east-1
}

s3proxy_counters() { sleep 0.3; cat "$S3PROXY_STATS"; }

replace_tree() {
  find "$2" -mindepth 1 -maxdepth 1 ! -name .forge -exec rm -rf {} +
  cp -a "$1/." "$2/"
}

# shellcheck disable=SC2153  # WORK: the caller's work directory
step() {
  local name=$1 r0 u0 d0 r1 u1 d1 t0 t1; shift
  read -r r0 u0 d0 < <(s3proxy_counters)
  t0=$(date +%s.%N)
  "$@" >"$WORK/last.log" 2>&1 || { echo "$(basename "$0"): '$name' failed:" >&2; cat "$WORK/last.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  read -r r1 u1 d1 < <(s3proxy_counters)
  ROWS+=("$(printf '| %s | %.1f | %.1f | %.1f | %d |' "$name" "$(echo "$t1 - $t0" | bc)" "$(echo "($u1 - $u0)/1000000" | bc -l)" \
    "$(echo "($d1 - $d0)/1000000" | bc -l)" "$((r1 - r0))")")
  echo "${ROWS[-1]}" >&2
}
