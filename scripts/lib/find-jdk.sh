# shellcheck shell=sh
# find-jdk.sh -- find a Java 25+ runtime / JDK.  POSIX sh; sourced, never run.
#
# Written once, used twice: scripts/forge, scripts/test and .ci/run source this file, and the
# forge-cli build (antrun execution "dist") pastes it into the dist/forge launcher header.
#
#   forge_find_java      sets FORGE_JAVA to a java binary of version >= 25, or prints one line
#                        to stderr and returns 1.
#   forge_find_jdk_home  sets FORGE_JDK_HOME to a JDK >= 25 (has bin/javac), same contract.
#
# Order: $JAVA_HOME when it is 25 or newer; else the newest 25+ under $FORGE_JVM_ROOT
# (default /usr/lib/jvm; any directory name, the version is read from its `release` file,
# or from `java -version` when there is none); else java/javac on PATH when it is 25 or newer.
# It runs on every forge invocation, so the common paths spawn no process at all.
#
# Everything here is prefixed forge_ / _forge_ (sh has no local variables).

FORGE_MIN_JAVA=25

# _forge_key VERSION: _forge_k = a comparable integer for "25.0.3+9" / "25" / "26-ea" / "1.8.0_202".
_forge_key() {
  _forge_s=${1%%[!0-9.]*}
  case $_forge_s in 1.*) _forge_s=${_forge_s#1.} ;; esac
  _forge_a=${_forge_s%%.*}; _forge_s=${_forge_s#"$_forge_a"}; _forge_s=${_forge_s#.}
  _forge_b=${_forge_s%%.*}; _forge_s=${_forge_s#"$_forge_b"}; _forge_s=${_forge_s#.}
  _forge_c=${_forge_s%%.*}
  case $_forge_a$_forge_b$_forge_c in *[!0-9]*) _forge_k=0; return ;; esac
  # strip leading zeros so that $(( )) does not read them as octal
  _forge_a=${_forge_a#"${_forge_a%%[!0]*}"}; _forge_b=${_forge_b#"${_forge_b%%[!0]*}"}
  _forge_c=${_forge_c#"${_forge_c%%[!0]*}"}
  _forge_k=$(( ${_forge_a:-0} * 1000000 + ${_forge_b:-0} * 1000 + ${_forge_c:-0} ))
}

# _forge_home_key HOME TOOL: _forge_k = version key of the JDK/JRE at HOME, 0 when HOME/bin/TOOL
# is missing.  Reads HOME/release (no process); spawns HOME/bin/java -version only without one.
_forge_home_key() {
  _forge_k=0
  [ -x "$1/bin/$2" ] && [ -x "$1/bin/java" ] || return 0
  _forge_v=
  if [ -r "$1/release" ]; then
    while IFS= read -r _forge_l || [ -n "$_forge_l" ]; do
      case $_forge_l in
        JAVA_VERSION=*) _forge_v=${_forge_l#JAVA_VERSION=}; break ;;
      esac
    done < "$1/release"
    _forge_v=${_forge_v#\"}; _forge_v=${_forge_v%\"}
  fi
  if [ -z "$_forge_v" ]; then
    # openjdk version "25.0.3" 2026-04-21 LTS
    _forge_v=$("$1/bin/java" -version 2>&1) || _forge_v=
    case $_forge_v in
      *'version "'*) _forge_v=${_forge_v#*version \"}; _forge_v=${_forge_v%%\"*} ;;
      *) _forge_v= ;;
    esac
  fi
  _forge_key "$_forge_v"
}

# _forge_search TOOL: _forge_home = home of the chosen JDK (TOOL = java or javac), _forge_bin = its
# java binary.  Returns 1 when none is 25 or newer.
_forge_search() {
  _forge_min=$(( FORGE_MIN_JAVA * 1000000 ))
  _forge_home=; _forge_bin=
  # 1. JAVA_HOME, when it is new enough
  if [ -n "${JAVA_HOME:-}" ]; then
    _forge_home_key "${JAVA_HOME%/}" "$1"
    if [ "$_forge_k" -ge "$_forge_min" ]; then
      _forge_home=${JAVA_HOME%/}; _forge_bin=$_forge_home/bin/java; return 0
    fi
  fi
  # 2. the newest under /usr/lib/jvm (or $FORGE_JVM_ROOT), whatever the directories are called
  _forge_best=0
  for _forge_d in "${FORGE_JVM_ROOT:-/usr/lib/jvm}"/*; do
    [ -d "$_forge_d" ] || continue
    _forge_home_key "$_forge_d" "$1"
    if [ "$_forge_k" -ge "$_forge_min" ] && [ "$_forge_k" -gt "$_forge_best" ]; then
      _forge_best=$_forge_k; _forge_home=$_forge_d
    fi
  done
  if [ -n "$_forge_home" ]; then _forge_bin=$_forge_home/bin/java; return 0; fi
  # 3. TOOL on PATH, resolved through symlinks (/usr/bin/java -> /etc/alternatives/java -> ...)
  _forge_p=$(command -v "$1" 2>/dev/null) || return 1
  case $_forge_p in /*) ;; *) return 1 ;; esac
  _forge_n=0
  while [ -h "$_forge_p" ] && [ "$_forge_n" -lt 40 ]; do
    _forge_l=$(readlink "$_forge_p") || break
    case $_forge_l in /*) _forge_p=$_forge_l ;; *) _forge_p=${_forge_p%/*}/$_forge_l ;; esac
    _forge_n=$((_forge_n + 1))
  done
  _forge_d=${_forge_p%/*}; _forge_d=${_forge_d%/*}
  _forge_home_key "$_forge_d" "$1"
  [ "$_forge_k" -ge "$_forge_min" ] || return 1
  _forge_home=$_forge_d; _forge_bin=$_forge_d/bin/java
}

forge_find_java() {
  FORGE_JAVA=
  if _forge_search java; then
    # shellcheck disable=SC2034  # the caller's result
    FORGE_JAVA=$_forge_bin
    return 0
  fi
  echo "forge: needs a Java $FORGE_MIN_JAVA runtime; install Temurin $FORGE_MIN_JAVA (e.g. apt-get install temurin-$FORGE_MIN_JAVA-jdk) or set JAVA_HOME to one" >&2
  return 1
}

forge_find_jdk_home() {
  FORGE_JDK_HOME=
  if _forge_search javac; then
    # shellcheck disable=SC2034  # the caller's result
    FORGE_JDK_HOME=$_forge_home
    return 0
  fi
  echo "forge: needs a Java $FORGE_MIN_JAVA JDK (with javac); install Temurin $FORGE_MIN_JAVA (e.g. apt-get install temurin-$FORGE_MIN_JAVA-jdk) or set JAVA_HOME to one" >&2
  return 1
}
