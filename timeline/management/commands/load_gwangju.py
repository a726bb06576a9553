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
        if Program.objects.exists() and not force:
            self.stdout.write("Programs already loaded; skipping the Gwangju fixture (use --force to reload).")
            return
        call_command("loaddata", str(FIXTURE), verbosity=options["verbosity"], stdout=self.stdout)
