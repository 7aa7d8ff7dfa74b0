#!/usr/bin/env bash
# Makes the pgvector extension available on the local PostgreSQL 15 server (127.0.0.1:5432).
#
# Debian 12 does not package pgvector for PostgreSQL 15, so this builds it from Debian 13's
# (trixie) `pgvector` source package against postgresql-server-dev-15 (see shared/STACK.md).
# The trixie source list lives in a private, temporary apt configuration: /etc/apt is not touched.
#
# Idempotent: when vector.control and vector.so are already installed it builds nothing and only
# checks that the server answers and that CREATE EXTENSION vector works (well under a second).
#
# Environment (all optional):
#   PG_MAJOR         PostgreSQL major version of the server      (default 15)
#   PGVECTOR_PGHOST  host the server listens on                  (default 127.0.0.1)
#   PGVECTOR_PGUSER  a superuser (trust auth on this machine)    (default postgres)
#   PGVECTOR_FORCE=1 rebuild and reinstall even when already installed
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGHOST_="${PGVECTOR_PGHOST:-127.0.0.1}"
PGUSER_="${PGVECTOR_PGUSER:-postgres}"
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PG_CONFIG="${PG_BIN}/pg_config"
SOURCE_SUITE="trixie"
KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"

export DEBIAN_FRONTEND=noninteractive

log() { printf 'pgvector: %s\n' "$*"; }
die() { printf 'pgvector: ERROR: %s\n' "$*" >&2; exit 1; }

WORK=""
LOG=""
cleanup() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

# Runs a noisy command with its output in a log file; on failure shows the end of that log.
quiet() {
  local what="$1"; shift
  if ! "$@" >>"$LOG" 2>&1; then
    printf 'pgvector: ERROR: %s failed: %s\n--- last lines of its output ---\n' "$what" "$*" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  : >"$LOG"
}

psql_() { PGOPTIONS="-c client_min_messages=warning" "${PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -U "$PGUSER_" "$@"; }

installed() {
  [ -f "$("$PG_CONFIG" --sharedir)/extension/vector.control" ] && [ -f "$("$PG_CONFIG" --pkglibdir)/vector.so" ]
}

# The same Debian mirror host that the machine's own apt sources use (deb.debian.org by default).
mirror() {
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -vE '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
    | grep -v 'snapshot\.' | head -n 1 | tr -d '[:space:]' || true)"
  uri="${uri%/}"
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

build() {
  command -v apt-get >/dev/null || die "apt-get not found: this script expects Debian"
  [ -f "$KEYRING" ] || die "$KEYRING is missing (package debian-archive-keyring)"
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/baton-pgvector.XXXXXX")"
  LOG="$WORK/log"
  : >"$LOG"

  local apt_dir="$WORK/apt" src_dir="$WORK/src" mirror_uri
  mirror_uri="$(mirror)"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$src_dir"
  printf 'deb-src [signed-by=%s] %s %s main\n' "$KEYRING" "$mirror_uri" "$SOURCE_SUITE" >"$apt_dir/sources.list"
  local private_apt=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=root"
  )

  log "building from Debian ${SOURCE_SUITE}'s source package (${mirror_uri}) against PostgreSQL ${PG_MAJOR}"
  local t0=$SECONDS
  quiet "apt-get update (private ${SOURCE_SUITE} deb-src list)" apt-get -q "${private_apt[@]}" update
  (cd "$src_dir" && quiet "apt-get source pgvector" apt-get -q "${private_apt[@]}" source pgvector)
  local tree
  tree="$(find "$src_dir" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
  [ -n "$tree" ] || die "apt-get source pgvector unpacked no pgvector-* directory in $src_dir"
  log "source: $(basename "$tree") ($((SECONDS - t0)) s)"

  # Build dependencies, from the machine's normal apt configuration.
  local pkgs=("postgresql-server-dev-${PG_MAJOR}")
  command -v make >/dev/null || pkgs+=(make)
  command -v gcc >/dev/null || pkgs+=(gcc)
  command -v dpkg-source >/dev/null || pkgs+=(dpkg-dev)
  t0=$SECONDS
  quiet "apt-get update" apt-get -q -o DPkg::Lock::Timeout=300 update
  # The dev package may upgrade the server packages to its minor version: keep existing config
  # files without asking, and wait for the dpkg lock rather than fail if another apt is running.
  quiet "apt-get install ${pkgs[*]}" apt-get -q -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install "${pkgs[@]}"
  [ -f "$("$PG_CONFIG" --pgxs)" ] || die "PGXS makefile not found after installing postgresql-server-dev-${PG_MAJOR}"
  log "installed ${pkgs[*]} ($((SECONDS - t0)) s)"

  # OPTFLAGS= as Debian builds it: no -march=native, so the library runs on any x86-64 machine.
  t0=$SECONDS
  local make_args=(USE_PGXS=1 with_llvm=no OPTFLAGS= "PG_CONFIG=$PG_CONFIG")
  quiet "make" make -C "$tree" -j"$(nproc)" "${make_args[@]}"
  quiet "make install" make -C "$tree" "${make_args[@]}" install
  installed || die "make install finished but vector.control/vector.so are not in the server's directories"
  log "built and installed ($((SECONDS - t0)) s)"
}

# Installing the dev package can upgrade (and so stop) the running server: make sure it answers.
ensure_server() {
  if "${PG_BIN}/pg_isready" -q -h "$PGHOST_"; then return; fi
  log "server on ${PGHOST_} does not answer; starting cluster ${PG_MAJOR}/main"
  pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start \
    || die "could not start PostgreSQL ${PG_MAJOR} (pg_ctlcluster --skip-systemctl-redirect ${PG_MAJOR} main start failed)"
  for _ in $(seq 1 30); do
    if "${PG_BIN}/pg_isready" -q -h "$PGHOST_"; then return; fi
    sleep 1
  done
  die "PostgreSQL ${PG_MAJOR} was started but does not answer on ${PGHOST_}:5432"
}

# CREATE EXTENSION vector and a small HNSW search in a scratch database, dropped afterwards.
check_extension() {
  local db="baton_pgvector_check_$$"
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" \
    || die "cannot create a scratch database on ${PGHOST_} as ${PGUSER_}"
  local version
  if ! version="$(psql_ -d "$db" -At \
    -c "CREATE EXTENSION IF NOT EXISTS vector" \
    -c "CREATE TABLE t (v vector(3))" \
    -c "INSERT INTO t VALUES ('[1,2,3]'), ('[3,2,1]')" \
    -c "CREATE INDEX ON t USING hnsw (v vector_l2_ops)" \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'" 2>&1)"; then
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    die "CREATE EXTENSION vector failed: $version"
  fi
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $db"
  log "CREATE EXTENSION vector works (pgvector ${version}, PostgreSQL ${PG_MAJOR} on ${PGHOST_})"
}

main() {
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and writes to the server's directories)"
  [ -x "$PG_CONFIG" ] || die "$PG_CONFIG not found: is the postgresql-${PG_MAJOR} server package installed?"
  if installed && [ "${PGVECTOR_FORCE:-0}" != 1 ]; then
    log "already installed in $("$PG_CONFIG" --sharedir)/extension"
  else
    build
  fi
  ensure_server
  check_extension
}

main "$@"
