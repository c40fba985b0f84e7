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

# FORGE_JAVA_OPTS is split on blanks, never globbed; it comes last so that it wins.
set -f
# shellcheck disable=SC2086
exec "$FORGE_JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+UseSerialGC -Xshare:auto -Xmx2g $FORGE_JAVA_OPTS -jar "$_forge_self" "$@"
exit 127
