#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster: initdb into a temp dir, a server on a
# unix socket in that dir only (no TCP), one database; FEEDD_TEST_PG_URL names it. The
# cluster is stopped and removed on exit, whatever the command did. Exit status: the command's.
#   scripts/with-postgres.sh build/storage_test
# As root (initdb refuses root) the cluster runs as an unprivileged user (FEEDD_PG_USER,
# default nobody); the command itself runs as the caller.
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 64
fi

bindir="${FEEDD_PG_BINDIR:-}"
if [[ -z $bindir ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x $candidate/initdb ]] && bindir=$candidate
  done
fi
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
  echo "with-postgres: no PostgreSQL server found (install the Debian package 'postgresql')" >&2
  exit 69
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/feedd-pg-XXXXXX")
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  pg_user="${FEEDD_PG_USER:-nobody}"
  chown "$pg_user" "$dir"
  run_as=(runuser -u "$pg_user" --)
else
  pg_user=$(id -un)
fi

cleanup() {
  local status=$?
  if [[ -f $dir/data/postmaster.pid ]]; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The cluster's files are its user's; nothing listens on TCP; fsync off (throwaway data).
"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U "$pg_user" -A trust -E UTF8 --no-locale \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 70; }
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 70; }
"${run_as[@]}" "$bindir/createdb" -h "$dir" -U "$pg_user" feedd_test

# libpq's URI form with the socket folder as the host (percent-encoded).
encoded_dir=$(printf '%s' "$dir" | sed 's,/,%2F,g')
export FEEDD_TEST_PG_URL="postgresql://$pg_user@$encoded_dir/feedd_test"
echo "with-postgres: $FEEDD_TEST_PG_URL" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
