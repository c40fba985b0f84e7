@echo off
rem forge.cmd -- Forge on Windows: the twin of the forge launcher. Keep both files together in a
rem folder on PATH; this one runs the jar inside "forge" (the file beside it) with a Java 25+.
rem Java: %JAVA_HOME%\bin\java.exe when JAVA_HOME is set, else java.exe on PATH.
rem FORGE_JAVA_OPTS adds JVM options, as on Linux and macOS.
setlocal
set "FORGE_JAVA="
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "FORGE_JAVA=%JAVA_HOME%\bin\java.exe"
if not defined FORGE_JAVA for %%J in (java.exe) do set "FORGE_JAVA=%%~$PATH:J"
if not defined FORGE_JAVA (
  echo forge: no Java runtime found: install a JDK 25 or newer ^(e.g. Temurin 25^) and set JAVA_HOME 1>&2
  exit /b 1
)
"%FORGE_JAVA%" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xmx2g -XX:-UsePerfData %FORGE_JAVA_OPTS% -jar "%~dp0forge" %*
exit /b %ERRORLEVEL%
