# Sourced by benchmark scripts: start_s3proxy WORK starts S3Proxy 4.0.0 (filesystem backend under
# WORK/s3, bucket "bench", signatures checked) behind scripts/lib/count-proxy.py, which counts
# requests and bytes both ways into WORK/stats ("requests up down"). Sets EP (the endpoint to use)
# and appends both processes to PIDS. Needs python3 and the S3Proxy jar in the local Maven
# repository (forge-mirror's test build downloads it); FORGE_JDK_HOME set (scripts/lib/find-jdk.sh).
S3PROXY_JAR=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/4.0.0/s3proxy-4.0.0-jar-with-dependencies.jar}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_s3proxy() {
  local work=$1 s3port port
  [ -f "$S3PROXY_JAR" ] || { echo "no S3Proxy jar at $S3PROXY_JAR" >&2; return 1; }
  s3port=$(free_port)
  mkdir -p "$work/s3/bench"
  cat > "$work/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
PROPS
  "$FORGE_JDK_HOME/bin/java" -Xmx1g -jar "$S3PROXY_JAR" --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 &
  PIDS+=($!)
  port=$(free_port)
  python3 "$ROOT/scripts/lib/count-proxy.py" "$port" "$s3port" "$work/stats" &
  PIDS+=($!)
  for _ in $(seq 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$s3port) 2>/dev/null && [ -f "$work/stats" ] && break
    sleep 0.1
  done
  EP=http://127.0.0.1:$port
  export FORGE_S3_ACCESS_KEY_ID=bench FORGE_S3_SECRET_ACCESS_KEY=bench-secret
}

# step NAME COMMAND...: runs it, appends to ROWS a Markdown row of wall seconds and the proxy's
# counters for it (MB up, MB down, requests); a failing command stops the script.
step() {
  local name=$1; shift
  sleep 0.3
  read -r r0 u0 d0 < "$WORK/stats"
  local t0; t0=$(date +%s.%N)
  "$@" >"$WORK/last.log" 2>&1 || { echo "$(basename "$0"): '$name' failed:" >&2; cat "$WORK/last.log" >&2; exit 1; }
  local t1; t1=$(date +%s.%N)
  sleep 0.3
  read -r r1 u1 d1 < "$WORK/stats"
  ROWS+=("$(printf '| %s | %.1f | %.1f | %.1f | %d |' "$name" "$(echo "$t1 - $t0" | bc)" "$(echo "($u1 - $u0)/1000000" | bc -l)" \
    "$(echo "($d1 - $d0)/1000000" | bc -l)" "$((r1 - r0))")")
  echo "${ROWS[-1]}" >&2
}
