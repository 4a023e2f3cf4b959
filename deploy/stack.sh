#!/bin/bash
# The private stack: MariaDB, vaora workers and nginx on 127.0.0.1, with all state under one
# folder. Usage: deploy/stack.sh start|stop|status
#
# Environment (all optional):
#   VAORA_VAR           state folder (default: var/ in the checkout)
#   VAORA_PORT          nginx port on 127.0.0.1 (default 8080)
#   VAORA_BIN           the vaora binary (default: ./vaora in the checkout)
#   VAORA_FAST_WORKERS  fast-pool workers (default 0: 16 per core)
#   VAORA_SERVE_HOSTS   `vaora serve` instances behind nginx (default 1), as worker hosts of
#                       a production site would be: instance N>1 has its own config
#                       (vaora2.conf, ...: the same but its sockets fastN.sock and slowN.sock),
#                       pid file (run/vaoraN.pid) and log (log/vaoraN.log); nginx spreads each
#                       pool over all of them (vaora.conf's upstream.fast and upstream.slow)
#   VAORA_SERVE_PORTS   TCP instead of unix sockets for the serve instances, as worker hosts on
#                       other machines listen: a fast and a slow port of 127.0.0.1 for each
#                       instance in turn ("F1 S1 F2 S2 ..."), fcgi_clients 127.0.0.1 (default
#                       none: unix sockets)
#   VAORA_TEMPLATES     templates folder (default: templates/ in the checkout)
#   VAORA_TEST_CLOCK    a file whose number, when present, is "now" (test builds only)
#   VAORA_DB_BUFFER_POOL  InnoDB buffer pool (default 256M: tests and the demo; the benchmark
#                       over the 10-million-check-in data set gives it a server's share)
#   VAORA_NGINX_EXTRA   a file of extra directives for nginx's server block, with the same
#                       @NAME@ placeholders as conf/nginx.conf.in (default: none; the
#                       benchmark's ceiling adds its hello location this way)
#   VAORA_S1_RETENTION_DAYS, VAORA_S2_RETENTION_DAYS
#                       days each shard keeps check-ins (default 30, the shipped setting)
#   VAORA_EDGE_LIMIT_LOGIN, _REGISTER, _CHECKIN, _LOOKUP
#                       nginx's per-address limits, "PER_MINUTE BURST" (default: vaora.conf's);
#                       the tests, all from 127.0.0.1, need looser ones
#   VAORA_TRUSTED_PROXIES  addresses whose X-Forwarded-For names the client (default none)
#   VAORA_DB_BINLOG     1: MariaDB keeps a binary log (in its datadir), as production should
#                       for point-in-time recovery; `vaora backup` then records its position
#                       (default off: the benchmarks measure commits without it)
#   VAORA_HTTPS_PROVINCES  province codes whose base_url is https://127.0.0.1:PORT, as if
#                       behind a TLS front (tests of cookies and HSTS)
#   VAORA_S1_NODES      shard s1 on a Galera cluster instead of the private MariaDB: its nodes
#                       as shard.s1.nodes takes them ("unix:/a.sock,unix:/b.sock,..."), the
#                       first a unix socket root may use (deploy/galera/cluster.sh's)
#   VAORA_DB_IO_TIMEOUT seconds a statement waits on a silent server (default vaora.conf's)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${VAORA_VAR:-$ROOT/var}
PORT=${VAORA_PORT:-8080}
BIN=${VAORA_BIN:-$ROOT/vaora}
FAST_WORKERS=${VAORA_FAST_WORKERS:-0}
SERVE_HOSTS=${VAORA_SERVE_HOSTS:-1}
SERVE_PORTS=${VAORA_SERVE_PORTS:-}
TEMPLATES=${VAORA_TEMPLATES:-$ROOT/templates}
ME=$(id -un)
# Seconds to wait for each server to come up or go down.
WAIT_SECONDS=60

log() { printf 'stack: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# A process that runs: a killed one nobody has reaped yet (a zombie) answers kill -0 but is
# gone, and a start that took it for running would trust what it left behind.
running() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${state:0:1}" != Z ]; }

alive() { local pid; [ -f "$1" ] && pid=$(tr -dc 0-9 < "$1") && [ -n "$pid" ] && running "$pid"; }

# Unix socket paths are limited to 107 bytes, so sockets live in a short folder under /tmp,
# remembered in $VAR/sockdir so stop and status find it again.
socket_dir() {
	local dir=""
	[ -f "$VAR/sockdir" ] && dir=$(cat "$VAR/sockdir")
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		dir=$(mktemp -d /tmp/vaora.XXXXXX)
		chmod 755 "$dir"
		echo "$dir" > "$VAR/sockdir"
	fi
	echo "$dir"
}

wait_for() { # description, command...
	local what=$1; shift
	for _ in $(seq $((WAIT_SECONDS * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "$what did not come up in ${WAIT_SECONDS}s (logs in $VAR/log)"
}

stop_pid() { # pidfile, signal
	local pidfile=$1 sig=$2 pid
	[ -f "$pidfile" ] || return 0
	pid=$(tr -dc 0-9 < "$pidfile")
	if [ -n "$pid" ] && running "$pid"; then
		kill -"$sig" "$pid" 2>/dev/null || true
		for _ in $(seq $((WAIT_SECONDS * 10))); do
			running "$pid" || break
			sleep 0.1
		done
		if running "$pid"; then
			log "pid $pid did not stop, killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$pidfile"
}

start_mariadb() {
	local sock=$1
	alive "$VAR/run/mariadb.pid" && return 0
	cat > "$VAR/my.cnf" <<CNF
[mysqld]
datadir = $VAR/db
socket = $sock/mysql.sock
pid-file = $VAR/run/mariadb.pid
# Its temporary tables in the stack's folder, not a shared /tmp others clean up.
tmpdir = $VAR/tmp
log-error = $VAR/log/mariadb.log
# Unix socket only: nothing listens on the network.
skip-networking
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
# Durable commits: an acknowledged check-in survives a crash.
innodb_flush_log_at_trx_commit = 1
innodb_buffer_pool_size = ${VAORA_DB_BUFFER_POOL:-256M}
# A restart comes back with the whole working set it had (the default keeps a quarter), so
# check-ins and dashboards after a restart do not wait on the disk page by page.
innodb_buffer_pool_dump_pct = 100
max_connections = 500
$( [ "${VAORA_DB_BINLOG:-0}" = 1 ] && printf '%s\n' "# Binary log: point-in-time recovery from a backup's position (README: Backups)." \
	"log_bin = mariadb-bin" "server_id = 1" \
	"# Migrations create triggers and procedures without SUPER; with a binary log that needs:" \
	"log_bin_trust_function_creators = 1" )

[client]
socket = $sock/mysql.sock
default-character-set = utf8mb4
CNF
	if [ ! -d "$VAR/db/mysql" ]; then
		log "creating the database in $VAR/db"
		mariadb-install-db --defaults-file="$VAR/my.cnf" --user="$ME" --skip-test-db \
			--auth-root-authentication-method=socket > "$VAR/log/mariadb-install.log" 2>&1 \
			|| die "mariadb-install-db failed: see $VAR/log/mariadb-install.log"
	fi
	# Started directly (not mysqld_safe, which would hide crashes by restarting).
	setsid mariadbd --defaults-file="$VAR/my.cnf" --user="$ME" < /dev/null >> "$VAR/log/mariadb.log" 2>&1 &
	echo $! > "$VAR/run/mariadb.pid"
	wait_for "MariaDB" mariadb-admin --defaults-file="$VAR/my.cnf" -u "$ME" ping
}

prepare_databases() {
	local pw
	if [ ! -s "$VAR/secrets/db-password" ]; then
		(umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$VAR/secrets/db-password")
	fi
	pw=$(cat "$VAR/secrets/db-password")
	shard_database vaora_s2 "$pw" --defaults-file="$VAR/my.cnf"
	if [ -n "${VAORA_S1_NODES:-}" ]; then
		local first=${VAORA_S1_NODES%%,*}
		shard_database vaora_s1 "$pw" --socket="${first#unix:}"
	else
		shard_database vaora_s1 "$pw" --defaults-file="$VAR/my.cnf"
	fi
}

shard_database() { # database password mariadb-connection-option
	mariadb "$3" -u "$ME" <<SQL
CREATE DATABASE IF NOT EXISTS $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'vaora'@'localhost' IDENTIFIED BY '$2';
ALTER USER 'vaora'@'localhost' IDENTIFIED BY '$2';
GRANT ALL PRIVILEGES ON $1.* TO 'vaora'@'localhost';
SQL
}

# Where shard s1 lives: the private MariaDB, or the cluster of VAORA_S1_NODES.
shard_s1_address() {
	if [ -n "${VAORA_S1_NODES:-}" ]; then
		echo "shard.s1.nodes = $VAORA_S1_NODES"
	else
		echo "shard.s1.socket = $1/mysql.sock"
	fi
}

# Where instance N's pool listens: a unix socket in the short folder (fast.sock, fastN.sock),
# or its port of VAORA_SERVE_PORTS on 127.0.0.1.
serve_socket() { # pool(fast|slow) instance socket-folder
	if [ -z "$SERVE_PORTS" ]; then
		[ "$2" -eq 1 ] && echo "$3/$1.sock" || echo "$3/$1$2.sock"
		return
	fi
	local ports i=$((($2 - 1) * 2))
	read -ra ports <<< "$SERVE_PORTS"
	[ "$1" = slow ] && i=$((i + 1))
	echo "127.0.0.1:${ports[$i]}"
}

# The same as an nginx upstream server: unix:/path or 127.0.0.1:PORT.
upstream_server() { # pool instance socket-folder
	local s
	s=$(serve_socket "$@")
	case "$s" in /*) echo "unix:$s" ;; *) echo "$s" ;; esac
}

write_vaora_conf() {
	local sock=$1
	local provinces=$ROOT/conf/provinces.conf code
	if [ -n "${VAORA_HTTPS_PROVINCES:-}" ]; then
		provinces=$VAR/provinces.conf
		cp "$ROOT/conf/provinces.conf" "$provinces"
		for code in $VAORA_HTTPS_PROVINCES; do
			echo "$code.base_url = https://127.0.0.1:$PORT" >> "$provinces"
		done
	fi
	cat > "$VAR/vaora.conf" <<CONF
# Written by deploy/stack.sh for the private stack; see conf/vaora.conf for every key.
provinces_file = $provinces
templates_dir = $TEMPLATES
static_dir = $TEMPLATES/static
schema_dir = $ROOT/schema
secret_file = $VAR/secret
base_url = http://127.0.0.1:$PORT
fast_socket = $(serve_socket fast 1 "$sock")
slow_socket = $(serve_socket slow 1 "$sock")
fast_workers = $FAST_WORKERS
slow_workers = 2
shutdown_grace = 30
db_connect_timeout = 2
$(shard_s1_address "$sock")
shard.s1.database = vaora_s1
shard.s1.user = vaora
shard.s1.password_file = $VAR/secrets/db-password
shard.s1.retention_days = ${VAORA_S1_RETENTION_DAYS:-30}
shard.s2.socket = $sock/mysql.sock
shard.s2.database = vaora_s2
shard.s2.user = vaora
shard.s2.password_file = $VAR/secrets/db-password
shard.s2.retention_days = ${VAORA_S2_RETENTION_DAYS:-30}
socket_group = $(id -gn)
pid_file = $VAR/run/vaora.pid
log_file = $VAR/log/vaora.log
trusted_proxies = ${VAORA_TRUSTED_PROXIES:-}
CONF
	local name value
	[ -n "${VAORA_DB_IO_TIMEOUT:-}" ] && echo "db_io_timeout = $VAORA_DB_IO_TIMEOUT" >> "$VAR/vaora.conf"
	[ -n "${VAORA_METRICS_ALLOW:-}" ] && echo "metrics_allow = $VAORA_METRICS_ALLOW" >> "$VAR/vaora.conf"
	for name in LOGIN REGISTER CHECKIN LOOKUP; do
		value=VAORA_EDGE_LIMIT_$name
		[ -n "${!value:-}" ] && echo "edge_limit.${name,,} = ${!value}" >> "$VAR/vaora.conf"
	done
	[ -n "$SERVE_PORTS" ] && echo "fcgi_clients = 127.0.0.1" >> "$VAR/vaora.conf"
	[ "$SERVE_HOSTS" -gt 1 ] || return 0
	local n fast slow
	fast=$(upstream_server fast 1 "$sock")
	slow=$(upstream_server slow 1 "$sock")
	for n in $(seq 2 "$SERVE_HOSTS"); do
		fast="$fast, $(upstream_server fast "$n" "$sock")"
		slow="$slow, $(upstream_server slow "$n" "$sock")"
	done
	printf 'upstream.fast = %s\nupstream.slow = %s\n' "$fast" "$slow" >> "$VAR/vaora.conf"
	for n in $(seq 2 "$SERVE_HOSTS"); do
		sed -e "s|^fast_socket = .*|fast_socket = $(serve_socket fast "$n" "$sock")|" \
			-e "s|^slow_socket = .*|slow_socket = $(serve_socket slow "$n" "$sock")|" \
			-e "s|^pid_file = .*|pid_file = $VAR/run/vaora$n.pid|" \
			-e "s|^log_file = .*|log_file = $VAR/log/vaora$n.log|" "$VAR/vaora.conf" > "$VAR/vaora$n.conf"
	done
}

# Instance N's files: vaora.conf, vaora.pid, vaora.log for the first; vaoraN.* for the others.
instance() { [ "$1" -eq 1 ] && echo vaora || echo "vaora$1"; }

# Ready means this master serves: it writes its pid file (vaora.conf's pid_file) only once
# its sockets are bound and its workers forked. The socket files a killed master left, and
# any worker of its still leaving, answer nothing of this; the master unlinks and rebinds
# the paths, which it may since no live master owns them (the alive check).
start_vaora() { # instance number
	local pid name
	name=$(instance "$1")
	alive "$VAR/run/$name.pid" && return 0
	rm -f "$VAR/run/$name.pid"
	setsid env VAORA_CLOCK_FILE="${VAORA_TEST_CLOCK:-}" "$BIN" -c "$VAR/$name.conf" serve \
		< /dev/null >> "$VAR/log/$name.log" 2>&1 &
	pid=$!
	for _ in $(seq $((WAIT_SECONDS * 10))); do
		[ "$(tr -dc 0-9 2>/dev/null < "$VAR/run/$name.pid")" = "$pid" ] && return 0
		running "$pid" || die "vaora serve exited at start (log in $VAR/log/$name.log)"
		sleep 0.1
	done
	die "vaora serve did not come up in ${WAIT_SECONDS}s (log in $VAR/log/$name.log)"
}

start_nginx() {
	local sock=$1 user_directive="" rlimit_directive="" connections=8192
	alive "$VAR/run/nginx.pid" && return 0
	if [ "$(id -u)" -eq 0 ]; then
		user_directive="user root;"
		rlimit_directive="worker_rlimit_nofile 20000;"
	else
		local limit
		limit=$(ulimit -n)
		[ "$limit" != unlimited ] && [ "$limit" -lt $((connections + 64)) ] && connections=$((limit - 64))
	fi
	mkdir -p "$VAR/nginx/tmp"
	"$BIN" -c "$VAR/vaora.conf" nginx-conf "$VAR/nginx"
	"$BIN" -c "$VAR/vaora.conf" error-pages "$VAR/www/errors"
	for pool in fast slow; do
		# As `vaora nginx-conf` writes them (FAST_POOL_DB_MARGIN_SECONDS): the fast pool
		# waits past the workers' db_io_timeout, so their 503 reaches the client.
		local timeout=$(( ${VAORA_DB_IO_TIMEOUT:-30} + 10 ))
		[ "$timeout" -lt 30 ] && timeout=30
		timeout=${timeout}s
		[ $pool = slow ] && timeout=300s
		# The pool's FastCGI settings apart from its upstream: the benchmark's hello
		# (tests/bench/hello-nginx.conf) is served with the fast pool's, like for like.
		cat > "$VAR/nginx/fastcgi-$pool.conf" <<POOL
include /etc/nginx/fastcgi_params;
# The request id vaora's log lines carry, and when nginx passed the request on (the queue wait).
fastcgi_param VAORA_REQUEST_ID \$request_id;
fastcgi_param VAORA_QUEUE_START \$msec;
fastcgi_read_timeout $timeout;
fastcgi_send_timeout $timeout;
POOL
		cat > "$VAR/nginx/vaora-$pool.conf" <<POOL
include $VAR/nginx/fastcgi-$pool.conf;
fastcgi_pass vaora_$pool;
POOL
	done
	local fill=(-e "s|@USER_DIRECTIVE@|$user_directive|" -e "s|@RLIMIT_DIRECTIVE@|$rlimit_directive|"
		-e "s|@WORKER_CONNECTIONS@|$connections|" -e "s|@VAR@|$VAR|g" -e "s|@SOCK@|$sock|g"
		-e "s|@PORT@|$PORT|g" -e "s|@STATIC@|$TEMPLATES/static|g")
	sed "${fill[@]}" "$ROOT/conf/nginx.conf.in" > "$VAR/nginx/nginx.conf"
	# Empty unless asked for: what the stack serves stays the same for everyone else.
	if [ -n "${VAORA_NGINX_EXTRA:-}" ]; then
		sed "${fill[@]}" "$VAORA_NGINX_EXTRA" > "$VAR/nginx/extra.conf"
	else
		: > "$VAR/nginx/extra.conf"
	fi
	/usr/sbin/nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log" \
		|| die "nginx did not start (port $PORT taken?): see $VAR/log/nginx-error.log"
	wait_for "nginx" test -s "$VAR/run/nginx.pid"
}

cmd_start() {
	[ -x "$BIN" ] || die "no binary at $BIN: run make first"
	case "$SERVE_HOSTS" in [1-9]) ;; *) die "VAORA_SERVE_HOSTS: 1 to 9 serve instances" ;; esac
	if [ -n "$SERVE_PORTS" ]; then
		local ports
		read -ra ports <<< "$SERVE_PORTS"
		[ "${#ports[@]}" -eq $((SERVE_HOSTS * 2)) ] && [[ ! "$SERVE_PORTS" =~ [^0-9\ ] ]] \
			|| die "VAORA_SERVE_PORTS: a fast and a slow port for each of the $SERVE_HOSTS serve instances"
	fi
	mkdir -p "$VAR"/{db,log,run,secrets,tmp,www}
	chmod 700 "$VAR/secrets"
	local sock
	sock=$(socket_dir)
	[ ${#sock} -lt 80 ] || die "socket folder path too long: $sock"
	start_mariadb "$sock"
	prepare_databases
	write_vaora_conf "$sock"
	"$BIN" -c "$VAR/vaora.conf" secret init
	"$BIN" -c "$VAR/vaora.conf" migrate
	"$BIN" -c "$VAR/vaora.conf" seed-demo > "$VAR/log/seed-demo.txt"
	grep -v '^demo: login' "$VAR/log/seed-demo.txt" || true
	local n
	for n in $(seq 1 "$SERVE_HOSTS"); do
		start_vaora "$n"
	done
	start_nginx "$sock"
	wait_for "vaora behind nginx" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz"
	log "running on http://127.0.0.1:$PORT/ (logs in $VAR/log)"
	echo "Demo logins (province logins at /ha-noi/login, the operator at /login):"
	sed -n 's/^demo: login /  /p' "$VAR/log/seed-demo.txt"
}

cmd_stop() {
	[ -d "$VAR/run" ] || return 0
	# Front to back: nginx finishes its requests (QUIT), then the workers theirs, then MariaDB.
	stop_pid "$VAR/run/nginx.pid" QUIT
	# Every serve instance that ran (VAORA_SERVE_HOSTS), by its pid file.
	local pidfile
	for pidfile in "$VAR"/run/vaora*.pid; do
		stop_pid "$pidfile" TERM
	done
	stop_pid "$VAR/run/mariadb.pid" TERM
	if [ -f "$VAR/sockdir" ]; then
		local sock
		sock=$(cat "$VAR/sockdir")
		case "$sock" in /tmp/vaora.*) rm -rf "$sock" ;; esac
		rm -f "$VAR/sockdir"
	fi
	log "stopped"
}

cmd_status() {
	local rc=0 n parts=(mariadb)
	for n in $(seq 1 "$SERVE_HOSTS"); do
		parts+=("$(instance "$n")")
	done
	for part in "${parts[@]}" nginx; do
		if alive "$VAR/run/$part.pid"; then
			echo "$part: running (pid $(cat "$VAR/run/$part.pid"))"
		else
			echo "$part: stopped"
			rc=3
		fi
	done
	return $rc
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
