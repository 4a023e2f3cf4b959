#!/bin/bash
# A Galera cluster of NODES MariaDB servers on this machine, for one shard's drills and tests:
# each node its own datadir, unix socket and ports on 127.0.0.1. Usage:
#   deploy/galera/cluster.sh start|stop|status
#   deploy/galera/cluster.sh kill N | restart N | pause N | resume N   (restart: stop if running, start)
#   deploy/galera/cluster.sh sql N "STATEMENT"
# Environment: GALERA_DIR (state, default var/galera), GALERA_NODES (default 3),
# GALERA_BASE_PORT (default 24000: node N uses BASE+10N .. BASE+10N+3 for MariaDB, Galera
# replication, IST and SST). The production template with the settings explained is
# deploy/galera/galera.cnf.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${GALERA_DIR:-$ROOT/var/galera}
NODES=${GALERA_NODES:-3}
BASE=${GALERA_BASE_PORT:-24000}
ME=$(id -un)
PROVIDER=/usr/lib/galera/libgalera_smm.so
WAIT_SECONDS=90

log() { printf 'galera: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

running() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${state:0:1}" != Z ]; }
pid_of() { [ -f "$DIR/node$1/mariadb.pid" ] && tr -dc 0-9 < "$DIR/node$1/mariadb.pid"; }
alive() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && running "$pid"; }
port() { echo $((BASE + 10 * $1 + $2)); }

# Unix socket paths are limited to 107 bytes: sockets live in a short folder under /tmp.
socket_dir() {
	if [ ! -s "$DIR/sockdir" ] || [ ! -d "$(cat "$DIR/sockdir")" ]; then
		local d
		d=$(mktemp -d /tmp/galera.XXXXXX)
		chmod 755 "$d"
		echo "$d" > "$DIR/sockdir"
	fi
	cat "$DIR/sockdir"
}

cluster_address() {
	local n list=""
	for n in $(seq 1 "$NODES"); do list="$list${list:+,}127.0.0.1:$(port "$n" 1)"; done
	echo "gcomm://$list"
}

write_cnf() { # node
	local n=$1 sock
	sock=$(socket_dir)
	cat > "$DIR/node$n/my.cnf" <<CNF
[mysqld]
datadir = $DIR/node$n/data
socket = $sock/node$n.sock
port = $(port "$n" 0)
bind-address = 127.0.0.1
pid-file = $DIR/node$n/mariadb.pid
log-error = $DIR/node$n/mariadb.log
tmpdir = $DIR/node$n/tmp
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
innodb_buffer_pool_size = 128M
max_connections = 300
# Galera replicates row events of InnoDB tables; interleaved auto-increment locks let nodes
# apply writes in parallel.
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
# vaora's migrations create triggers and procedures as the shard's own account, which has no
# SUPER: with row events replicated, their bodies are not re-run from the log, so it is safe.
log_bin_trust_function_creators = 1
# Durable on each node as on a single server: a node that is killed alone loses nothing the
# cluster acknowledged (see galera.cnf for the trade-off).
innodb_flush_log_at_trx_commit = 1
wsrep_on = ON
wsrep_provider = $PROVIDER
wsrep_cluster_name = vaora_drill
wsrep_cluster_address = $(cluster_address)
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(port "$n" 1)
wsrep_sst_method = mariabackup
# mariabackup connects to the donor over its socket as the server's own OS user (unix_socket).
wsrep_sst_auth = root:
wsrep_sst_receive_address = 127.0.0.1:$(port "$n" 3)
# Short failure detection, so a dead node stalls commits about 2 s, not the defaults' 6+.
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(port "$n" 1); ist.recv_addr=127.0.0.1:$(port "$n" 2); evs.inactive_check_period=PT0.5S; evs.suspect_timeout=PT1.5S; evs.inactive_timeout=PT2S; evs.install_timeout=PT2S; evs.keepalive_period=PT0.5S; gcache.size=64M"
# Reads wait until the node has applied what the cluster committed before them: a check-in
# page read on the node just written to sees the write.
wsrep_sync_wait = 1

[client]
socket = $sock/node$n.sock
default-character-set = utf8mb4
CNF
}

wait_synced() { # node
	local n=$1
	for _ in $(seq $((WAIT_SECONDS * 10))); do
		if [ "$(node_sql "$n" "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" = Synced ]; then
			return 0
		fi
		alive "$n" || die "node $n exited (log: $DIR/node$n/mariadb.log)"
		sleep 0.1
	done
	die "node $n not synced in ${WAIT_SECONDS}s (log: $DIR/node$n/mariadb.log)"
}

node_sql() { # node statement
	mariadb --defaults-file="$DIR/node$1/my.cnf" -u root -N -B -e "$2"
}

start_node() { # node [extra mariadbd options...]
	local n=$1; shift
	alive "$n" && return 0
	mkdir -p "$DIR/node$n/tmp"
	write_cnf "$n"
	if [ ! -d "$DIR/node$n/data/mysql" ]; then
		mkdir -p "$DIR/node$n/data"
		if [ "$n" = 1 ]; then
			mariadb-install-db --defaults-file="$DIR/node$n/my.cnf" --user="$ME" --skip-test-db \
				--auth-root-authentication-method=socket > "$DIR/node$n/install.log" 2>&1 \
				|| die "mariadb-install-db failed: $DIR/node$n/install.log"
		fi
	fi
	setsid mariadbd --defaults-file="$DIR/node$n/my.cnf" --user="$ME" "$@" < /dev/null \
		>> "$DIR/node$n/mariadb.log" 2>&1 &
	echo $! > "$DIR/node$n/mariadb.pid"
	wait_synced "$n"
}

# The first node bootstraps a new cluster only when no node has run yet; a node that was a
# member before rejoins (IST when the gcache still holds what it missed, else SST by rsync).
cmd_start() {
	mkdir -p "$DIR"
	local n first=1
	[ -f "$DIR/bootstrapped" ] || first=0
	for n in $(seq 1 "$NODES"); do
		if [ "$n" = 1 ] && [ "$first" = 0 ]; then
			start_node 1 --wsrep-new-cluster
			touch "$DIR/bootstrapped"
		else
			start_node "$n"
		fi
	done
	log "cluster of $NODES nodes synced; sockets in $(socket_dir)"
	cmd_status
}

stop_node() { # node signal
	local pid
	pid=$(pid_of "$1") || return 0
	[ -n "$pid" ] || return 0
	if running "$pid"; then
		kill -"$2" "$pid" 2>/dev/null || true
		for _ in $(seq $((WAIT_SECONDS * 10))); do running "$pid" || break; sleep 0.1; done
		running "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$DIR/node$1/mariadb.pid"
}

cmd_stop() {
	[ -d "$DIR" ] || return 0
	local n
	# A paused node would never stop; the last one to stop is safe to bootstrap from.
	for n in $(seq "$NODES" -1 1); do
		alive "$n" && kill -CONT "$(pid_of "$n")" 2>/dev/null || true
		stop_node "$n" TERM
	done
	local sock
	sock=$(cat "$DIR/sockdir" 2>/dev/null || true)
	case "$sock" in /tmp/galera.*) rm -rf "$sock" ;; esac
	rm -f "$DIR/sockdir" "$DIR/bootstrapped"
	log "stopped"
}

cmd_status() {
	local n sock
	sock=$(socket_dir)
	for n in $(seq 1 "$NODES"); do
		if alive "$n"; then
			echo "node$n: pid $(pid_of "$n") socket $sock/node$n.sock port $(port "$n" 0)" \
				"$(node_sql "$n" "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment','wsrep_cluster_size','wsrep_ready')" 2>/dev/null | tr '\t\n' '= ')"
		else
			echo "node$n: stopped"
		fi
	done
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
kill) stop_node "$2" KILL ;;
restart) stop_node "$2" TERM; start_node "$2" ;;
pause) kill -STOP "$(pid_of "$2")" ;;
resume) kill -CONT "$(pid_of "$2")" ;;
sql) node_sql "$2" "$3" ;;
*) echo "usage: $0 start|stop|status|kill N|restart N|pause N|resume N|sql N STATEMENT" >&2; exit 2 ;;
esac
