# shellcheck shell=sh
# ---- forge launcher (tail.sh) -------------------------------------------------------------
forge_find_java || exit 1

# This file, through symlinks, so that forge works from PATH.
_forge_self=$0
_forge_n=0
while [ -h "$_forge_self" ] && [ "$_forge_n" -lt 40 ]; do
  _forge_l=$(readlink "$_forge_self") || break
  case $_forge_l in
    /*) _forge_self=$_forge_l ;;
    *) case $_forge_self in */*) _forge_self=${_forge_self%/*}/$_forge_l ;; *) _forge_self=$_forge_l ;; esac ;;
  esac
  _forge_n=$((_forge_n + 1))
done
# Absolute and canonical: the AOT cache is only valid for the jar path it was made with.
case $_forge_self in */*) ;; *) _forge_self=./$_forge_self ;; esac
_forge_dir=$(cd -P "${_forge_self%/*}" 2>/dev/null && pwd -P) && _forge_self=$_forge_dir/${_forge_self##*/}

# Start-up cache: the JDK's AOT cache (JEP 483/514/515) holds the classes forge loads, already
# parsed and linked, and the method profiles of its hot paths, so a run starts faster and compiles
# its loops earlier (docs/benchmarks.md, "Start-up"). It is made once per (forge file, java) pair in
# the user's cache folder, in the background and at low priority, by the first run that finds none:
# `java -XX:AOTCacheOutput=... -cp forge dev.forge.cli.Main __aot-train` runs the everyday commands on a small
# generated project in a temporary folder. That run never blocks or prints anything; the cache is
# written under a temporary name and renamed, so no run maps half a cache; a lock folder keeps two
# trainers from running at once (left by a killed trainer, it expires after 10 minutes).
# FORGE_NO_AOT=1 (or the older FORGE_NO_CDS=1) turns all of it off.
# -Xlog:cds*=off,aot*=off keeps the JVM's archive notes off the user's terminal.
# No --add-modules jdk.incubator.vector: with an incubator module resolved the JVM prints "WARNING:
# Using incubator modules" on every run (no option silences it), and the chunker's scalar form beats
# its Vector API form on this hardware anyway (docs/benchmarks.md, "Chunking (JMH)"). To try it:
# FORGE_JAVA_OPTS="--add-modules jdk.incubator.vector -Dforge.chunker.form=VECTOR".
# -XX:-UsePerfData: no hsperfdata file in /tmp per run (jstat cannot attach; 70 ms less start-up).
# -Djdk.console=java.base: System.console() (asked whether to draw a progress bar) otherwise loads the
# JDK's JLine-based console from jdk.internal.le; java.base's own answers isTerminal() the same.
_forge_flags="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xmx2g -XX:-UsePerfData -Djdk.console=java.base -Xlog:cds*=off -Xlog:aot*=off"
# Commands that only read and write metadata finish in a fraction of a second, before the JIT's
# optimising compiler (C2) has paid for itself: on two cores its threads took half the CPU of a
# `status` of 4,000 files. They run with the quick compiler alone (-XX:TieredStopAtLevel=1;
# docs/benchmarks.md, "Start-up"); commands that chunk, hash or copy file contents keep C2. Not so
# clone and fetch, whose work is native (BLAKE3, CRC32C, zstd) or in the kernel: C2 compiling the
# HTTP and fetch paths took about a sixth of a clone's CPU, and a clone of 2 GB took 0.78x the CPU
# from S3 and 0.85x from a folder with C1 alone (docs/benchmarks.md, "Clone writes files as the
# chunks arrive"). push keeps C2: its request signing hashes every byte in Java (1.6x the CPU
# under C1). Nor checkout, switch, restore and pull, which read chunks (native BLAKE3, pread) and
# write files (O_DIRECT or the page cache): C2's compiles were a third of the CPU of a 1 GB checkout,
# which took 0.75x the CPU with C1 alone, and a checkout of 4,000 small files 0.81x
# (docs/benchmarks.md, "status and add without picocli; checkout, switch, restore and pull with the
# quick compiler"). Nor
# init and commit: a commit takes the tree its stage's last change recorded (or builds
# trees from metadata), and under C1 alone one of 100,000 files took 0.78x the CPU (0.69x where it
# builds the trees), init 0.78x (docs/benchmarks.md, "Add + commit of 100,000 files, fourth part").
# The name is the first argument that is not one of forge's own options (-C DIR,
# --debug, -q), as in Main.
_forge_cmd=
_forge_skip=
for _forge_a in "$@"; do
  if [ -n "$_forge_skip" ]; then _forge_skip=; continue; fi
  case $_forge_a in
    -C) _forge_skip=1 ;;
    -C* | --debug | -q | --quiet) ;;
    *) _forge_cmd=$_forge_a; break ;;
  esac
done
case $_forge_cmd in
  version | --version | -V | help | --help | -h | config | branch | tag | log | op | remote | locks | completion | status | clone | fetch | checkout | switch | restore | pull | init | commit)
    _forge_jit=-XX:TieredStopAtLevel=1 ;;
  *) _forge_jit= ;;
esac

# The build's id also names forge's extracted native library (libblake3), so finding it needs no
# look into the jar.
if [ -n "${_forge_build:-}" ]; then _forge_flags="$_forge_flags -Dforge.build=$_forge_build"; fi

_forge_aot=
if [ -z "${FORGE_NO_AOT:-}${FORGE_NO_CDS:-}" ]; then
  # The JVM accepts a cache only for the same jar (path, size, mtime) and java. The name says which
  # build (_forge_build: the jar's MD5, written into this header by the build) at which path with
  # which java (both paths with '/' spelled '+'), worked out without a child process (naming it by
  # `stat` and `cksum` cost two, 5-10 ms of every command); a forge file newer than its cache
  # (touched, or rebuilt in place with the same jar) gets a new one, below.
  _forge_p=$_forge_self@$FORGE_JAVA
  _forge_k=
  while :; do
    case $_forge_p in
      */*) _forge_k=$_forge_k${_forge_p%%/*}+; _forge_p=${_forge_p#*/} ;;
      *) _forge_k=$_forge_k$_forge_p; break ;;
    esac
  done
  _forge_cache=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/forge
  if [ -n "${_forge_build:-}" ] && [ "${#_forge_k}" -le 180 ]; then
    _forge_aot=$_forge_cache/forge-$_forge_build-$_forge_k.aot
  else
    # Very long paths: name it as before, by stat and cksum.
    _forge_key=$(stat -L -c '%s-%Y' "$_forge_self" 2>/dev/null) || _forge_key=
    _forge_jkey=$(printf '%s\n%s' "$FORGE_JAVA" "$_forge_self" | cksum 2>/dev/null) || _forge_jkey=
    if [ -n "$_forge_key" ] && [ -n "$_forge_jkey" ]; then
      _forge_aot=$_forge_cache/forge-$_forge_key-${_forge_jkey%% *}.aot
    fi
  fi
fi

# RocksDB's loader otherwise asks `ldd /usr/bin/env | grep musl` through a child process on every
# start (a quarter of a second of `forge status`); a glob answers the same question.
if [ -z "${ROCKSDB_MUSL_LIBC:-}" ]; then
  ROCKSDB_MUSL_LIBC=false
  for _forge_m in /lib/ld-musl-*; do [ -e "$_forge_m" ] && ROCKSDB_MUSL_LIBC=true; done
  export ROCKSDB_MUSL_LIBC
fi

# File names: the JVM decodes every name with the charset of the locale it starts in
# (sun.jnu.encoding; no -D flag changes it on JDK 18+), so under LANG=C `é.wav` and `ü.wav` would both
# read as `??.wav`. Forge records names as UTF-8, so the JVM runs under a UTF-8 locale when the
# user's is not one (LC_ALL wins over LC_CTYPE over LANG, as in setlocale). Forge starts no child
# processes and prints numbers the same in every locale, so nothing else changes. Where C.UTF-8 does
# not exist (glibc older than 2.35 without the Debian patch), the JVM falls back to ASCII and forge
# refuses non-ASCII names rather than merge them (dev.forge.core.io.FileNames).
case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
  *.[Uu][Tt][Ff]-8 | *.[Uu][Tt][Ff]8 | *.[Uu][Tt][Ff]-8@* | *.[Uu][Tt][Ff]8@*) ;;
  *) LC_ALL=C.UTF-8; export LC_ALL ;;
esac

# FORGE_JAVA_OPTS is split on blanks, never globbed; it comes last so that it wins (a cache that
# does not fit the options it sets is ignored by the JVM, silently).
# -cp FILE dev.forge.cli.Main rather than -jar FILE: with -jar the java launcher opens the jar to read
# its manifest and closes it again, so the first class-path look-up of a run (a resource, a class not
# in the AOT cache) reads the directory of its 14,000 entries a second time; with -cp and every class
# in the cache, `forge version` never opens it (docs/benchmarks.md, "Start-up, fourth part").
set -f
# (-nt is not in POSIX, but every sh forge runs under has it: dash, bash, ksh, zsh, busybox.)
# shellcheck disable=SC3013
if [ -n "$_forge_aot" ] && [ -f "$_forge_aot" ] && ! [ "$_forge_self" -nt "$_forge_aot" ]; then
  # shellcheck disable=SC2086
  exec "$FORGE_JAVA" $_forge_flags $_forge_jit -XX:AOTCache="$_forge_aot" $FORGE_JAVA_OPTS -cp "$_forge_self" dev.forge.cli.Main "$@"
fi
if [ -n "$_forge_aot" ] && mkdir -p "${_forge_aot%/*}" 2>/dev/null && [ -w "${_forge_aot%/*}" ]; then
  _forge_lock=$_forge_aot.lock
  # Trainers that were killed (of this forge file or of any other, older build): their locks and
  # half-written caches, tens of MB each, once they are more than 10 minutes old.
  find "${_forge_aot%/*}" -maxdepth 1 -name 'forge-*.aot.*.part*' -mmin +10 -exec rm -f {} + 2>/dev/null
  find "${_forge_aot%/*}" -maxdepth 1 -name 'forge-*.aot.lock' -type d -mmin +10 -exec rmdir {} + 2>/dev/null
  if mkdir "$_forge_lock" 2>/dev/null; then
    (
      set +f
      _forge_tmp=$_forge_aot.$$.part
      # shellcheck disable=SC2086
      if nice -n 10 "$FORGE_JAVA" $_forge_flags -XX:AOTCacheOutput="$_forge_tmp" -cp "$_forge_self" dev.forge.cli.Main __aot-train && [ -s "$_forge_tmp" ]; then
        mv -f "$_forge_tmp" "$_forge_aot"
        # Caches of other forge builds: keep the three newest, and drop the older CDS archives.
        # shellcheck disable=SC2012
        ls -t "${_forge_aot%/*}"/forge-*.aot 2>/dev/null | tail -n +4 | while IFS= read -r _forge_old; do rm -f "$_forge_old"; done
        rm -f "${_forge_aot%/*}"/forge-*.jsa
      fi
      rm -f "$_forge_tmp" "$_forge_tmp.config"
      rmdir "$_forge_lock"
    ) </dev/null >/dev/null 2>&1 &
  fi
fi
# shellcheck disable=SC2086
exec "$FORGE_JAVA" $_forge_flags $_forge_jit -Xshare:auto $FORGE_JAVA_OPTS -cp "$_forge_self" dev.forge.cli.Main "$@"
exit 127
