"""Delete the files of online forms never sent, a day after upload (also done on every upload)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from intake.services import attachments_purge


class Command(BaseCommand):
    help = "Delete files uploaded on the online complaint form that were never sent (older than a day)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {attachments_purge(now=timezone.now())} unsent uploads.")
