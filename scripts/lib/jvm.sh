# Shared by scripts/kafka.sh and scripts/keycloak.sh (sourced, never run): their
# messages, the version their pom pins, and the Java 17+ both need.
# The caller sets NAME (how its messages start) before sourcing this file.

die() {
  echo "$NAME: $*" >&2
  exit 1
}
say() { echo "$NAME: $*" >&2; }

# pom_version POM TAG: the text of <TAG> in POM.
pom_version() {
  local version
  version="$(sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$1" | head -n1)"
  [[ -n "$version" ]] || die "no <$2> in $1"
  echo "$version"
}

# java17 PRODUCT: the java binary (JAVA_HOME's, else the one on PATH), checked to be
# Java 17 or newer; PRODUCT names what needs it in the message if not.
java17() {
  local j
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    j="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    j="$(command -v java)"
  else
    die "java not found. $1 needs Java 17 or newer: install a JDK/JRE \
(Debian: apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME."
  fi
  local major
  major="$("$j" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p' | head -n1)"
  major="${major#1.}"
  if [[ -z "$major" || "${major%%.*}" -lt 17 ]]; then
    die "$j is Java ${major:-unknown}; $1 needs Java 17 or newer (set JAVA_HOME)."
  fi
  echo "$j"
}
