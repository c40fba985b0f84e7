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

# Class-data sharing: the classes a forge run loads are archived once per (forge file, java) pair in
# the user's cache, and every later run maps them instead of loading and verifying them again (about
# a quarter of start-up CPU; see docs/benchmarks.md). The first run writes the archive to a temporary
# name and renames it, so a concurrent run never maps half an archive. FORGE_NO_CDS=1 turns it off.
# -Xlog:cds*=off,aot*=off keeps the JVM's archive notes off the user's terminal.
# No --add-modules jdk.incubator.vector: with an incubator module resolved the JVM prints "WARNING:
# Using incubator modules" on every run (no option silences it), and the chunker's scalar form beats
# its Vector API form on this hardware anyway (docs/benchmarks.md, "Chunking (JMH)"). To try it:
# FORGE_JAVA_OPTS="--add-modules jdk.incubator.vector -Dforge.chunker.form=VECTOR".
_forge_flags="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xmx2g -Xlog:cds*=off -Xlog:aot*=off"
_forge_jsa=
if [ -z "${FORGE_NO_CDS:-}" ]; then
  _forge_key=$(stat -L -c '%s-%Y' "$_forge_self" 2>/dev/null) || _forge_key=
  _forge_jkey=$(printf '%s' "$FORGE_JAVA" | cksum 2>/dev/null) || _forge_jkey=
  _forge_cache=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/forge
  if [ -n "$_forge_key" ] && [ -n "$_forge_jkey" ]; then
    _forge_jsa=$_forge_cache/forge-$_forge_key-${_forge_jkey%% *}.jsa
  fi
fi

# FORGE_JAVA_OPTS is split on blanks, never globbed; it comes last so that it wins.
set -f
if [ -n "$_forge_jsa" ] && [ -f "$_forge_jsa" ]; then
  # shellcheck disable=SC2086
  exec "$FORGE_JAVA" $_forge_flags -XX:SharedArchiveFile="$_forge_jsa" $FORGE_JAVA_OPTS -jar "$_forge_self" "$@"
fi
if [ -n "$_forge_jsa" ] && mkdir -p "${_forge_jsa%/*}" 2>/dev/null && [ -w "${_forge_jsa%/*}" ]; then
  _forge_tmp=$_forge_jsa.$$.part
  # shellcheck disable=SC2086
  "$FORGE_JAVA" $_forge_flags -XX:ArchiveClassesAtExit="$_forge_tmp" $FORGE_JAVA_OPTS -jar "$_forge_self" "$@"
  _forge_rc=$?
  if [ -s "$_forge_tmp" ]; then mv -f "$_forge_tmp" "$_forge_jsa" 2>/dev/null || rm -f "$_forge_tmp"; else rm -f "$_forge_tmp"; fi
  exit $_forge_rc
fi
# shellcheck disable=SC2086
exec "$FORGE_JAVA" $_forge_flags -Xshare:auto $FORGE_JAVA_OPTS -jar "$_forge_self" "$@"
exit 127
