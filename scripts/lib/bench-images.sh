# shellcheck shell=bash
# bench-images.sh -- the image-sequence corpus of scripts/bench-e2e.  Bash; sourced, never run.
#
# bench_make_images DIR N: DIR/seq_000 .. seq_NNN (about 100 directories, fewer when N < 100),
# N files frame.NNNNNNN.bin in all, each 4 to 64 KiB (uniform), so about 34 KiB on average
# (3.3 GiB for N = 100000).  Content is deterministic (Python random.Random seeded per file, stable
# across Python versions): 7 files in 8 are incompressible (like the compressed payload of
# PNG/JPEG/EXR frames), 1 in 8 is compressible (a short random period repeated with sparse
# noise: LZ4/zstd shrink it several times).  Every file and directory gets mtime 2024-01-01.
# DIR.done records N and the generator version; a DIR with a matching DIR.done is reused as it is.

BENCH_IMAGES_GEN=1   # bump when the content changes

bench_make_images() {
  local dir=$1 n=$2
  local stamp="gen=$BENCH_IMAGES_GEN n=$n"
  if [[ -d $dir && -f $dir.done && $(cat "$dir.done") == "$stamp" ]]; then
    bench_log "image sequence: reusing $dir ($stamp)"
    return 0
  fi
  bench_log "image sequence: generating $n files in $dir"
  rm -rf "$dir" "$dir.done"
  mkdir -p "$dir"
  local py=python3
  [[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
  # two workers (one per core on the reference machine), each writing every other directory
  local w pids=()
  for w in 0 1; do
    "$py" - "$dir" "$n" "$w" 2 <<'EOF' &
import os, random, sys
out, n, worker, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
SEED = 20240101
MTIME = 1704067200                      # 2024-01-01T00:00:00Z
ndirs = max(1, min(100, n))
per = -(-n // ndirs)                    # files per directory (the last ones may hold fewer)
for d in range(worker, ndirs, workers):
    sub = os.path.join(out, 'seq_%03d' % d)
    os.makedirs(sub, exist_ok=True)
    for i in range(d * per, min(n, (d + 1) * per)):
        r = random.Random(SEED * 10_000_000 + i)
        size = r.randint(4096, 65536)
        if r.random() < 0.125:
            # compressible: a random period of 64..1024 bytes repeated, one noise byte every ~97
            period = r.randbytes(r.randint(64, 1024))
            b = bytearray((period * (size // len(period) + 1))[:size])
            for p in range(r.randrange(97), size, 97):
                b[p] = r.getrandbits(8)
            data = bytes(b)
        else:
            data = r.randbytes(size)
        path = os.path.join(sub, 'frame.%07d.bin' % i)
        with open(path, 'wb') as f:
            f.write(data)
        os.utime(path, (MTIME, MTIME))
    os.utime(sub, (MTIME, MTIME))
EOF
    pids+=($!)
  done
  local p rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  [[ $rc == 0 ]] || bench_die "image sequence generator failed (exit $rc)"
  local got; got=$(bench_tree_files "$dir")
  [[ $got == "$n" ]] || bench_die "image sequence: expected $n files in $dir, found $got"
  echo "$stamp" > "$dir.done"
  bench_log "image sequence: $n files, $(( $(bench_tree_bytes "$dir") / 1048576 )) MiB"
}
