#!/usr/bin/env bash
# Back up Qyzmet: the PostgreSQL database and the attachments folder, together, in one dated
# folder under BACKUP_DIR, keeping the newest BACKUP_KEEP. Run it daily as the qyzmet user with
# the service's settings loaded, e.g. from cron:
#
#   15 2 * * *  qyzmet  set -a; . /etc/qyzmet/qyzmet.env; set +a; /srv/qyzmet/app/deploy/backup.sh
#
# A backup is a folder 20260615T021500Z/ holding qyzmet.dump (pg_dump's custom format),
# attachments.tar.gz and SHA256SUMS. How to restore one: docs/deploy.md, "Restore".
# Redis holds only rate-limit counters: it needs no backup.
set -euo pipefail
umask 077

: "${DATABASE_URL:?load the service settings first: set -a; . /etc/qyzmet/qyzmet.env; set +a}"
: "${UPLOAD_ROOT:?UPLOAD_ROOT is not set}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/qyzmet}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"

# pg_dump speaks libpq URLs: postgresql://..., without SQLAlchemy's "+psycopg" driver name.
database="${DATABASE_URL/#postgresql+psycopg:/postgresql:}"
database="${database/#postgres:/postgresql:}"
if [[ "$database" != postgresql:* ]]; then
    echo "backup.sh backs up PostgreSQL; DATABASE_URL is not a PostgreSQL URL" >&2
    exit 1
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/$stamp"
partial="$target.partial"
mkdir -p "$partial"

# 1. The database first: one consistent snapshot, compressed, restorable with pg_restore.
pg_dump --format=custom --no-owner --no-privileges --file="$partial/qyzmet.dump" "$database"

# 2. Then the attachments. A file is written and fsynced before its row commits and is never
#    changed or deleted afterwards, so this copy holds every file the dump refers to (and may
#    hold a few newer ones, which are harmless).
mkdir -p "$UPLOAD_ROOT"
tar --create --gzip --file="$partial/attachments.tar.gz" --directory="$UPLOAD_ROOT" .

# 3. Checksums, to check a copy before restoring it.
(cd "$partial" && sha256sum qyzmet.dump attachments.tar.gz >SHA256SUMS)

# Only a complete backup gets its final name; an interrupted one stays *.partial.
mv "$partial" "$target"

# Keep the newest BACKUP_KEEP complete backups; drop partial ones older than a day.
mapfile -t backups < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*Z' | sort)
for ((i = 0; i < ${#backups[@]} - BACKUP_KEEP; i++)); do
    rm -rf -- "${backups[i]}"
done
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*.partial' -mmin +1440 \
    -exec rm -rf -- {} +

echo "Qyzmet backup written to $target"
