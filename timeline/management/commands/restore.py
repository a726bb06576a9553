from django.core.management.base import BaseCommand, CommandError

from timeline.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Load a backup written by `backup` into an empty database, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Merge into a database that already has data, by natural keys (the history is not merged).",
        )

    def handle(self, *args, path: str, force: bool = False, **options):
        try:
            restore(path, force=force)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {path}.")
