"""Make sure a superuser exists, so a fresh site can be edited at /admin/.

With no superuser yet, creates one named by DJANGO_SUPERUSER_USERNAME (default
"admin") with the password in DJANGO_SUPERUSER_PASSWORD, or a random one that is
printed once and kept in var/admin-password.txt (readable only by its owner).
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an admin login when none exists, and say how to log in."

    def handle(self, *args, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(f"Admin login exists: user {existing.get_username()!r} (unchanged).")
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if "DJANGO_SUPERUSER_PASSWORD" in os.environ:
            self.stdout.write(f"Created admin user {username!r} with the password in DJANGO_SUPERUSER_PASSWORD.")
            return
        path = settings.VAR_DIR / "admin-password.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"username: {username}\npassword: {password}\n", encoding="utf-8")
        path.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Created admin user {username!r} with password {password!r} (also saved in {path}).")
        )
