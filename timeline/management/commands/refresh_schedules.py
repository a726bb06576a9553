from django.core.management.base import BaseCommand

from timeline.refresh import refresh_schedules


class Command(BaseCommand):
    help = "Recompute every milestone's cached schedule from its claims."

    def handle(self, *args, **options):
        count = refresh_schedules()
        self.stdout.write(f"Refreshed the schedules of {count} milestones.")
