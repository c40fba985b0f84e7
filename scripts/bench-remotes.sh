#!/usr/bin/env bash
# scripts/bench-remotes.sh [CORPUS_DIR] -- forge push/clone against S3Proxy beside rclone and restic.
#
# Starts S3Proxy 4.0.0 (filesystem backend, signatures checked) on a free port of 127.0.0.1 behind
# scripts/lib/count-proxy.py, which counts requests and bytes both ways for every tool alike, then:
#   forge:  push v1 (fresh remote), clone v1 into a new folder, push v2 after v1
#   rclone: sync v1, sync v2 (same bucket prefix)
#   restic: backup v1, backup v2 (same repository)
# and prints one Markdown table: wall seconds, MB up, MB down, requests.
#
# CORPUS_DIR holds v1/ and v2/ from ../shared/corpus/make-corpus.sh (default: the e2e tests' corpus
# at forge-cli/target/e2e-corpus/scale-2). Needs dist/forge (scripts/forge builds it), rclone and
# restic (apt-get install rclone restic), python3, and the S3Proxy jar in the local Maven repository
# (forge-mirror's test build downloads it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
CORPUS=${1:-$ROOT/forge-cli/target/e2e-corpus/scale-2}
FORGE=$ROOT/dist/forge
# shellcheck source=scripts/lib/find-jdk.sh
. "$ROOT/scripts/lib/find-jdk.sh"
# shellcheck source=scripts/lib/s3proxy.sh
. "$ROOT/scripts/lib/s3proxy.sh"
forge_find_jdk_home
for t in rclone restic python3; do command -v $t >/dev/null || { echo "bench-remotes: missing $t" >&2; exit 1; }; done
[ -x "$FORGE" ] || { echo "bench-remotes: build dist/forge first (scripts/forge version)" >&2; exit 1; }
if [ ! -d "$CORPUS/v1" ] || [ ! -d "$CORPUS/v2" ]; then echo "bench-remotes: no corpus v1/ v2/ in $CORPUS" >&2; exit 1; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/forge-bench-remotes.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start_s3proxy "$WORK"

s3_peer_env
export CI=true FORGE_AUTHOR="Bench <bench@forge.invalid>"
ROWS=()

# forge
mkdir -p "$WORK/forge/tree"
cp -a "$CORPUS/v1/." "$WORK/forge/tree/"
( cd "$WORK/forge/tree" && "$FORGE" init >/dev/null && "$FORGE" add . >/dev/null && "$FORGE" commit -m v1 >/dev/null \
  && "$FORGE" remote add origin "s3://bench/forge?endpoint=$EP&path-style=true" >/dev/null )
step "forge push v1" "$FORGE" -C "$WORK/forge/tree" push
step "forge clone v1" "$FORGE" -C "$WORK/forge" clone "s3://bench/forge?endpoint=$EP&path-style=true" clone
replace_tree "$CORPUS/v2" "$WORK/forge/tree"
( cd "$WORK/forge/tree" && "$FORGE" add . >/dev/null && "$FORGE" commit -m v2 >/dev/null )
step "forge push v2" "$FORGE" -C "$WORK/forge/tree" push
step "forge pull v2 (into the clone)" "$FORGE" -C "$WORK/forge/clone" pull
rm -rf "$WORK/forge"

# rclone
mkdir -p "$WORK/rclone"
cp -a "$CORPUS/v1/." "$WORK/rclone/"
step "rclone sync v1" rclone sync --transfers 8 "$WORK/rclone" bench:bench/rclone
replace_tree "$CORPUS/v2" "$WORK/rclone"
step "rclone sync v2" rclone sync --transfers 8 "$WORK/rclone" bench:bench/rclone
step "rclone copy v2 back (restore)" rclone copy --transfers 8 bench:bench/rclone "$WORK/rclone-restore"
rm -rf "$WORK/rclone" "$WORK/rclone-restore"

# restic
export RESTIC_REPOSITORY="s3:$EP/bench/restic"
restic init >/dev/null
mkdir -p "$WORK/restic/tree"
cp -a "$CORPUS/v1/." "$WORK/restic/tree/"
step "restic backup v1" restic backup --quiet "$WORK/restic/tree"
replace_tree "$CORPUS/v2" "$WORK/restic/tree"
step "restic backup v2" restic backup --quiet "$WORK/restic/tree"
step "restic restore v2" restic restore latest --target "$WORK/restic-restore"

V1=$(du -sb "$CORPUS/v1" | cut -f1)
V2=$(du -sb "$CORPUS/v2" | cut -f1)
echo
echo "Corpus $CORPUS: v1 $(echo "$V1/1000000" | bc) MB, v2 $(echo "$V2/1000000" | bc) MB; S3Proxy 4.0.0 (filesystem) on 127.0.0.1"
echo
echo "| step | wall s | MB up | MB down | requests |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
