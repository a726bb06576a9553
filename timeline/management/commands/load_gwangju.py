from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from timeline.models import Program

FIXTURE = settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"


class Command(BaseCommand):
    help = "Load the Gwangju AI cluster data when the database has no program yet (or always, with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when programs exist (no duplicates).")

    def handle(self, *args, force: bool = False, **options):
        fresh = not Program.objects.exists()
        if not fresh and not force:
            self.stdout.write("Programs already loaded; skipping the Gwangju fixture (use --force to reload).")
            return
        call_command("loaddata", str(FIXTURE), verbosity=options["verbosity"], stdout=self.stdout)
        if fresh:
            # loaddata writes no history (raw saves): give every loaded row its first version,
            # so the admin's history starts at the loaded data and edits can be reverted to it.
            # Its per-model progress lines are noise here: one line says what was done.
            call_command("populate_history", auto=True, verbosity=0, stdout=self.stdout, stderr=self.stderr)
            if options["verbosity"] >= 1:
                self.stdout.write("Gave every loaded row its first history version.")
