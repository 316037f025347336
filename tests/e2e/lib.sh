# Shared helpers for the end-to-end tests (sourced).  Each test runs the
# real binary ($TZ_BIN) on temporary site folders and checks what it wrote.
set -eu
: "${TZ_BIN:?TZ_BIN must point at the tamizdat binary}"
: "${TZ_SHARED:=$(cd "$(dirname "$0")/../../../shared" && pwd)}"
export TZ_SHARED
# Debian's python has feedparser and aiosmtpd; a pyenv one may shadow it.
PY=/usr/bin/python3
T=$(mktemp -d /tmp/tz-e2e.XXXXXX)
trap 'rc=$?; [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$T"; exit $rc' EXIT
fails=0
passes=0

tz() { "$TZ_BIN" "$@"; }

ok() { passes=$((passes + 1)); }
bad() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}
contains() { # contains FILE TEXT
	grep -qF -- "$2" "$1"
}
# Runs a command that must fail; its stderr must contain TEXT.
fails_with() { # fails_with TEXT COMMAND...
	want=$1
	shift
	if "$@" >"$T/out" 2>"$T/err"; then
		bad "expected failure: $* (stdout: $(head -c 200 "$T/out"))"
		return
	fi
	if grep -qF -- "$want" "$T/err"; then ok; else
		bad "stderr of '$*' lacks '$want': $(cat "$T/err")"
	fi
}
finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
# A free TCP port on loopback.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
