from django.core.management.base import BaseCommand, CommandError

from timeline.backup import dump


class Command(BaseCommand):
    help = (
        "Write every user, group, program, milestone, source and claim, and their change history, "
        "to a JSON file (ids kept; natural keys for users, groups and permissions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, e.g. var/backup-2026-11-25.json")

    def handle(self, *args, path: str, **options):
        try:
            count = dump(path)
        except OSError as exc:
            raise CommandError(f"Cannot write the backup to {path}: {exc}") from exc
        self.stdout.write(f"Wrote {count} objects to {path}.")
