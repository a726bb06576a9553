"""Django's loaddata, followed by one pass that refreshes every cached schedule.

loaddata saves rows raw, so the signals that keep schedules current stand aside;
the refresh runs inside loaddata's own transaction once the whole fixture is in,
so a broken fixture leaves nothing behind and a good one leaves no stale schedule.
"""

from django.core.management.commands import loaddata

from timeline.models import Milestone
from timeline.refresh import refresh_schedules


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        super().loaddata(fixture_labels)
        count = refresh_schedules(Milestone.objects.using(self.using))
        if self.verbosity >= 1:
            self.stdout.write(f"Refreshed the schedules of {count} milestones.")
