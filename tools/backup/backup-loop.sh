#!/bin/sh
# Scheduled backups for `docker compose --profile backup up -d` (the `backup`
# service of docker-compose.yml; README "Backup, restore, upgrades"): every
# PIAO_BACKUP_EVERY seconds (default one day) it writes a backup of the whole
# installation into PIAO_BACKUP_DIR, reads it back with `piao backup verify`,
# and only then removes the oldest files beyond PIAO_BACKUP_KEEP (default 14).
# A failed or damaged backup is removed and never counts towards the kept
# ones, so a run of failures cannot rotate the good backups away.
set -u
dir=${PIAO_BACKUP_DIR:-/backups}
keep=${PIAO_BACKUP_KEEP:-14}
every=${PIAO_BACKUP_EVERY:-86400}
piao=${PIAO_BIN:-piao}

once() {
    name="$dir/piao-$(date -u +%Y%m%dT%H%M%SZ).piao-backup"
    if "$piao" backup -o "$name" && "$piao" backup verify "$name"; then
        # newest first; the file names sort by time
        ls -1 "$dir"/piao-*.piao-backup | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
            rm -f -- "$old"
        done
        return 0
    fi
    echo "backup non riuscito: $name rimosso, i backup precedenti restano" >&2
    rm -f -- "$name"
    return 1
}

mkdir -p "$dir" || exit 1
if [ "${1:-}" = "once" ]; then
    once
    exit $?
fi
while :; do
    once
    sleep "$every"
done
