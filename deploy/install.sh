#!/bin/bash
# Installs vaora for production (FHS places, the vaora user, systemd units, each shard's
# databases and accounts, the migrations) and prints what is left for a person to do.
# Run again at will: a second run changes nothing. OPERATIONS.md walks through it.
#
# Usage: deploy/install.sh [--no-database]      (or `make install`, which passes the variables)
#
# Variables (environment or make's command line), with their defaults:
#   PREFIX=/usr/local       binary in PREFIX/bin, templates and schema in PREFIX/share/vaora,
#                           OPERATIONS.md and README.md in PREFIX/share/doc/vaora
#   SYSCONFDIR=/etc         configuration and secrets in SYSCONFDIR/vaora
#   LOCALSTATEDIR=/var      LOCALSTATEDIR/lib/vaora, LOCALSTATEDIR/log/vaora
#   UNITDIR=SYSCONFDIR/systemd/system   vaora.service, vaora-purge.service and .timer
#   DESTDIR=                a staging root (a package or a machine image): files, modes and
#                           owners only. Secrets, databases and migrations belong to the
#                           machine that runs vaora, so they are made by a run without DESTDIR.
#   VAORA_BIN=./vaora       the binary to install (`make` builds it)
#   VAORA_DB_ADMIN=         extra `mariadb` client options for an account that may create
#                           databases and users (default: root by unix socket, as Debian sets
#                           it up); e.g. --defaults-extra-file=/root/admin.cnf
#
# Run as root: the users, groups and owners need it. Not root with a DESTDIR, files are
# staged with the caller as owner and the chown commands to run are printed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
LOCALSTATEDIR=${LOCALSTATEDIR:-/var}
UNITDIR=${UNITDIR:-$SYSCONFDIR/systemd/system}
DESTDIR=${DESTDIR:-}
BIN=${VAORA_BIN:-$ROOT/vaora}
DB_ADMIN=${VAORA_DB_ADMIN:-}
WITH_DATABASE=yes

BINDIR=$PREFIX/bin
DATADIR=$PREFIX/share/vaora
DOCDIR=$PREFIX/share/doc/vaora
CONFDIR=$SYSCONFDIR/vaora
SECRETSDIR=$CONFDIR/secrets
CONF=$CONFDIR/vaora.conf
STATEDIR=$LOCALSTATEDIR/lib/vaora
LOGDIR=$LOCALSTATEDIR/log/vaora
# The service's account, and the group whose members may read the migration account's
# password (the purge; never the server).
USER_NAME=vaora
MIGRATE_GROUP=vaora-migrate
# Bytes of randomness in a generated database password (base64, about 32 characters).
PASSWORD_BYTES=24

CHANGED=0
TODO=()

say() { printf 'install: %s\n' "$*"; }
changed() { CHANGED=1; say "$*"; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }
todo() { TODO+=("$*"); }

for arg in "$@"; do
	case "$arg" in
	--no-database) WITH_DATABASE=no ;;
	*) die "unknown argument $arg (usage: deploy/install.sh [--no-database])" ;;
	esac
done

[ -x "$BIN" ] || die "no binary at $BIN: run make first"
IS_ROOT=no
[ "$(id -u)" -eq 0 ] && IS_ROOT=yes
[ -n "$DESTDIR" ] || [ $IS_ROOT = yes ] || die "run as root (or stage into a DESTDIR)"

# Owner and group a path should have; when not root (staging only), whatever the caller gets.
owner_of() { [ $IS_ROOT = yes ] && echo "$1" || id -un; }
group_of() { [ $IS_ROOT = yes ] && echo "$1" || id -gn; }

# Sets mode and owner:group of path when they differ (a chmod/chown that changes nothing
# still counts as nothing).
set_attrs() { # path mode owner group
	local path=$1 mode=$2 owner group
	owner=$(owner_of "$3")
	group=$(group_of "$4")
	if [ "$(stat -c %a "$path")" != "${mode#0}" ]; then
		chmod "$mode" "$path"
		changed "mode $mode on ${path#"$DESTDIR"}"
	fi
	if [ "$(stat -c %U:%G "$path")" != "$owner:$group" ]; then
		chown "$owner:$group" "$path"
		changed "owner $owner:$group on ${path#"$DESTDIR"}"
	fi
}

make_dir() { # path mode owner group
	local path=$DESTDIR$1
	if [ ! -d "$path" ]; then
		mkdir -p "$path"
		changed "made ${1}"
	fi
	set_attrs "$path" "$2" "$3" "$4"
}

# Copies a file (or stdin when src is -) to dest when the contents differ.
put() { # src dest mode owner group
	local src=$1 dest=$DESTDIR$2 tmp=""
	if [ "$src" = - ]; then
		tmp=$(mktemp)
		cat > "$tmp"
		src=$tmp
	fi
	if [ ! -f "$dest" ] || ! cmp -s "$src" "$dest"; then
		mkdir -p "$(dirname "$dest")"
		# Into place by rename, so a running server never reads half a template.
		cp "$src" "$dest.new"
		chmod "$3" "$dest.new"
		mv -f "$dest.new" "$dest"
		changed "wrote $2"
	fi
	[ -z "$tmp" ] || rm -f "$tmp"
	set_attrs "$dest" "$3" "$4" "$5"
}

# A tree of data files (templates, schema): files 0644, folders 0755, root's. Files the
# source no longer has are removed, so an upgrade leaves no stale template behind.
put_tree() { # src dest
	local src=$1 dest=$2 rel
	make_dir "$dest" 0755 root root
	while IFS= read -r rel; do
		make_dir "$dest/$rel" 0755 root root
	done < <(cd "$src" && find . -mindepth 1 -type d -printf '%P\n' | sort)
	while IFS= read -r rel; do
		put "$src/$rel" "$dest/$rel" 0644 root root
	done < <(cd "$src" && find . -type f -printf '%P\n' | sort)
	while IFS= read -r rel; do
		[ -e "$src/$rel" ] && continue
		rm -f "$DESTDIR$dest/$rel"
		changed "removed $dest/$rel"
	done < <(cd "$DESTDIR$dest" && find . -type f -printf '%P\n' | sort)
}

# The units with this install's paths.
unit_text() {
	sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" -e "s|@DOCDIR@|$DOCDIR|g" "$1"
}

# conf/vaora.conf with the installed paths; written only when there is none (the
# operator's edits are kept; a new version lands beside it as vaora.conf.dist).
config_text() {
	sed -e "s|^templates_dir = .*|templates_dir = $DATADIR/templates|" \
		-e "s|^static_dir = .*|static_dir = $DATADIR/templates/static|" \
		-e "s|^schema_dir = .*|schema_dir = $DATADIR/schema|" \
		-e "s|^secret_file = .*|secret_file = $SECRETSDIR/instance-secret|" \
		-e "s|^log_file = .*|log_file = $LOGDIR/vaora.log|" \
		-e "s|^\(shard\.[a-z0-9_]*\.password_file\) = .*|\1 = $SECRETSDIR/db-password|" \
		-e "s|^\(shard\.[a-z0-9_]*\.migrate_password_file\) = .*|\1 = $CONFDIR/db-migrate-password|" \
		"$ROOT/conf/vaora.conf"
}

install_config_file() { # text-producing command, name
	local name=$2 dest=$DESTDIR$CONFDIR/$2
	if [ -f "$dest" ] && ! "$1" | cmp -s - "$dest"; then
		# The operator's edits are kept; what this version ships lands beside them.
		"$1" | put - "$CONFDIR/$name.dist" 0640 root "$USER_NAME"
		set_attrs "$dest" 0640 root "$USER_NAME"
	else
		"$1" | put - "$CONFDIR/$name" 0640 root "$USER_NAME"
	fi
}

provinces_text() { cat "$ROOT/conf/provinces.conf"; }

create_users() {
	if [ $IS_ROOT = no ]; then
		todo "as root: chown the staged tree's owners (run deploy/install.sh as root to see them)"
		return
	fi
	if ! getent group "$USER_NAME" >/dev/null; then
		groupadd --system "$USER_NAME"
		changed "created group $USER_NAME"
	fi
	if ! getent passwd "$USER_NAME" >/dev/null; then
		useradd --system --gid "$USER_NAME" --home-dir "$STATEDIR" --no-create-home \
			--shell /usr/sbin/nologin --comment "vaora check-in service" "$USER_NAME"
		changed "created user $USER_NAME"
	fi
	if ! getent group "$MIGRATE_GROUP" >/dev/null; then
		groupadd --system "$MIGRATE_GROUP"
		changed "created group $MIGRATE_GROUP"
	fi
	# The purge runs as vaora with this group added by its unit (SupplementaryGroups), so
	# the user itself is not a member: the server never reads the migration password.
}

install_files() {
	make_dir "$BINDIR" 0755 root root
	put "$BIN" "$BINDIR/vaora" 0755 root root
	put_tree "$ROOT/templates" "$DATADIR/templates"
	put_tree "$ROOT/schema" "$DATADIR/schema"
	make_dir "$DOCDIR" 0755 root root
	put "$ROOT/OPERATIONS.md" "$DOCDIR/OPERATIONS.md" 0644 root root
	put "$ROOT/README.md" "$DOCDIR/README.md" 0644 root root
	make_dir "$CONFDIR" 0755 root root
	install_config_file config_text vaora.conf
	install_config_file provinces_text provinces.conf
	# Only vaora may write here: `vaora secret rotate` (run as vaora) replaces the secret
	# by rename.
	make_dir "$SECRETSDIR" 0700 "$USER_NAME" "$USER_NAME"
	make_dir "$STATEDIR" 0750 "$USER_NAME" "$USER_NAME"
	make_dir "$LOGDIR" 0750 "$USER_NAME" "$USER_NAME"
	make_dir "$UNITDIR" 0755 root root
	local unit
	for unit in vaora.service vaora-purge.service vaora-purge.timer; do
		unit_text "$ROOT/deploy/$unit" | put - "$UNITDIR/$unit" 0644 root root
	done
}

# A password file with fresh random content, when there is none.
make_password() { # path mode owner group
	if [ ! -s "$1" ]; then
		(umask 077; head -c $PASSWORD_BYTES /dev/urandom | base64 | tr -d '/+=\n' > "$1"; echo >> "$1")
		changed "made $1"
	fi
	set_attrs "$1" "$2" "$3" "$4"
}

# The configuration's value of shard.NAME.KEY (the last one wins, as vaora reads it).
shard_value() { # name key
	sed -n "s|^shard\.$1\.$2[[:space:]]*=[[:space:]]*||p" "$CONF" | tail -n 1
}

conf_value() { # key, default
	local v
	v=$(sed -n "s|^$1[[:space:]]*=[[:space:]]*||p" "$CONF" | tail -n 1)
	echo "${v:-$2}"
}

# The connections this host's vaora holds to each shard: one per worker (fast_workers 0 is 16
# per core, config.c), and a few more for the check-in writer, the counters' folder and a
# command run meanwhile.
connections_needed() {
	local fast
	fast=$(conf_value fast_workers 0)
	[ "$fast" != 0 ] || fast=$((16 * $(nproc)))
	echo $((fast + $(conf_value slow_workers 2) + 8))
}

# MariaDB refuses connections past max_connections (Debian's default: 151).
check_connections() { # socket, shard name
	local allowed needed
	allowed=$(admin_sql "$1" "SELECT @@max_connections") || return 0
	needed=$(connections_needed)
	[ "$allowed" -ge "$needed" ] ||
		todo "shard $2: MariaDB allows $allowed connections and this host's vaora holds $needed (fast_workers + slow_workers + 8): set max_connections to at least $needed times the hosts writing to it (OPERATIONS.md, Capacity) and restart MariaDB"
}

# Every password_file / migrate_password_file the configuration names, made when missing.
make_secrets() {
	local name file
	for name in $(sed -n 's|^shard\.\([a-z0-9_]*\)\..*|\1|p' "$CONF" | sort -u); do
		file=$(shard_value "$name" password_file)
		[ -n "$file" ] && make_password "$file" 0600 "$USER_NAME" "$USER_NAME"
		file=$(shard_value "$name" migrate_password_file)
		[ -n "$file" ] && make_password "$file" 0640 root "$MIGRATE_GROUP"
	done
	local out
	out=$(runuser -u "$USER_NAME" -- "$BINDIR/vaora" -c "$CONF" secret init) || die "vaora secret init failed"
	case "$out" in
	*"already there"*) ;;
	*) changed "$out"; todo "back up $SECRETSDIR/instance-secret offline (OPERATIONS.md, Backup and restore)" ;;
	esac
}

# Runs SQL as the admin account and prints its rows. The SQL goes through stdin, so the
# passwords in it never show in the process list.
admin_sql() { # socket, sql
	# shellcheck disable=SC2086
	printf '%s\n' "$2" | mariadb $DB_ADMIN --socket="$1" --batch --skip-column-names
}

sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }

# Gives account exactly these rights on db (as SHOW GRANTS words them): rights are set, not
# added to, so an account that had more (a development set-up) loses them. Nothing is done
# when they are already so: a running server never loses its rights for a moment.
grant_exactly() { # socket, shard name, db, account, rights
	local socket=$1 name=$2 db=$3 account who current
	account=$(sql_string "$4")@"'localhost'"
	who="\`$4\`@\`localhost\`"
	current=$(admin_sql "$socket" "SHOW GRANTS FOR $account" | grep -F " ON \`$db\`.* TO " || true)
	[ "$current" = "GRANT $5 ON \`$db\`.* TO $who" ] && return 0
	local sql=""
	[ -n "$current" ] && sql="REVOKE ALL PRIVILEGES ON \`$db\`.* FROM $account;"
	admin_sql "$socket" "${sql}GRANT $5 ON \`$db\`.* TO $account;" \
		|| die "shard $name: granting $5 on $db to $4 failed"
	changed "shard $name: $4 may now $5 on $db"
}

# Creates the shard's database and its two accounts (when missing) and sets their rights:
# the service account reads and writes rows and calls the procedures; the migration account
# does everything on that one database. Re-running sets the same rights and passwords.
setup_shard() { # name
	local name=$1 socket db user pwfile muser mpwfile pw mpw
	socket=$(shard_value "$name" socket)
	db=$(shard_value "$name" database)
	user=$(shard_value "$name" user)
	pwfile=$(shard_value "$name" password_file)
	muser=$(shard_value "$name" migrate_user)
	mpwfile=$(shard_value "$name" migrate_password_file)
	if [ -z "$socket" ]; then
		todo "shard $name is on $(shard_value "$name" host): on that server create database $db, account $user (SELECT, INSERT, UPDATE, DELETE, EXECUTE on $db.*) and ${muser:-no migration account} (ALL on $db.*) for this host, with the passwords in $pwfile and $mpwfile; then run deploy/install.sh again"
		return 1
	fi
	# shellcheck disable=SC2086
	if ! mariadb-admin $DB_ADMIN --socket="$socket" ping >/dev/null 2>&1; then
		todo "shard $name: no MariaDB answers at $socket; start it (systemctl start mariadb) and run deploy/install.sh again"
		return 1
	fi
	[ -n "$db" ] && [ -n "$user" ] || die "shard $name: set shard.$name.database and shard.$name.user in $CONF"
	pw=$([ -n "$pwfile" ] && head -n 1 "$pwfile" || true)
	mpw=$([ -n "$mpwfile" ] && head -n 1 "$mpwfile" || true)
	local before after
	before=$(admin_sql "$socket" "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = $(sql_string "$db")")
	local sql="CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
	local account
	for account in "$user" ${muser:+"$muser"}; do
		local a
		a="$(sql_string "$account")@'localhost'"
		if [ "$(admin_sql "$socket" "SELECT COUNT(*) FROM mysql.global_priv WHERE User = $(sql_string "$account") AND Host = 'localhost'")" = 0 ]; then
			changed "shard $name: created account $account"
		fi
		sql+="CREATE USER IF NOT EXISTS $a;"
		if [ "$account" = "$user" ] && [ -n "$pw" ]; then sql+="ALTER USER $a IDENTIFIED BY $(sql_string "$pw");"; fi
		if [ "$account" = "$muser" ] && [ -n "$mpw" ]; then sql+="ALTER USER $a IDENTIFIED BY $(sql_string "$mpw");"; fi
	done
	local service_rights="SELECT, INSERT, UPDATE, DELETE, EXECUTE"
	if [ -z "$muser" ] || [ "$muser" = "$user" ]; then
		service_rights="ALL PRIVILEGES"
		todo "shard $name has no shard.$name.migrate_user: its service account $user keeps the right to change tables"
	fi
	admin_sql "$socket" "$sql" > /dev/null || die "shard $name: creating $db and its accounts failed"
	after=$(admin_sql "$socket" "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = $(sql_string "$db")")
	[ "$before" = "$after" ] || changed "shard $name: created database $db"
	grant_exactly "$socket" "$name" "$db" "$user" "$service_rights"
	if [ -n "$muser" ] && [ "$muser" != "$user" ]; then
		grant_exactly "$socket" "$name" "$db" "$muser" "ALL PRIVILEGES"
	fi
	check_connections "$socket" "$name"
	return 0
}

setup_databases() {
	local name all=yes
	for name in $(sed -n 's|^shard\.\([a-z0-9_]*\)\..*|\1|p' "$CONF" | sort -u); do
		setup_shard "$name" || all=no
	done
	if [ $all = no ]; then
		todo "then: $BINDIR/vaora -c $CONF migrate (as root)"
		return
	fi
	local out applied
	# Its progress lines go to the log (stderr): one "applied NNN-name.sql" per migration run.
	out=$("$BINDIR/vaora" -c "$CONF" migrate 2>&1) || die "vaora migrate failed: $out"
	applied=$(grep -c ' applied ' <<< "$out" || true)
	[ "$applied" = 0 ] || changed "vaora migrate: $applied migrations applied over all shards"
}

reload_systemd() {
	# Only on a machine systemd runs, and only when this run changed something.
	if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && [ $CHANGED = 1 ]; then
		systemctl daemon-reload
	fi
}

print_todo() {
	[ $CHANGED = 1 ] || say "nothing to change"
	local base
	base=$(sed -n 's|^base_url[[:space:]]*=[[:space:]]*||p' "$DESTDIR$CONF" | tail -n 1)
	case "$base" in
	https://*) ;;
	*) todo "set base_url in $CONF to the public https:// address printed on posters (now $base)" ;;
	esac
	grep -q '^tls_certificate[[:space:]]*=[[:space:]]*[^[:space:]]' "$DESTDIR$CONF" ||
		todo "get a certificate (certbot certonly --webroot -w /var/www/letsencrypt -d HOST), set server_name, tls_certificate and tls_certificate_key in $CONF"
	todo "edit $CONFDIR/provinces.conf: the provinces this instance serves and their shards"
	todo "write the nginx site: $BINDIR/vaora -c $CONF nginx-conf --production /etc/nginx/vaora; ln -s /etc/nginx/vaora/vaora-site.conf /etc/nginx/sites-enabled/vaora; nginx -t && systemctl reload nginx"
	todo "start it: systemctl enable --now vaora.service vaora-purge.timer"
	todo "create the first operator: $BINDIR/vaora -c $CONF account add --role operator --login NAME (OPERATIONS.md, First admin)"
	echo "Left for you to do (OPERATIONS.md has each step):"
	local item
	for item in "${TODO[@]}"; do
		echo "  - $item"
	done
}

create_users
install_files
if [ -z "$DESTDIR" ]; then
	make_secrets
	if [ $WITH_DATABASE = yes ]; then
		setup_databases
	else
		todo "create the databases and run the migrations: deploy/install.sh (without --no-database)"
	fi
	reload_systemd
else
	todo "on the machine that runs it: deploy/install.sh without DESTDIR, for the secrets, databases and migrations"
fi
print_todo
