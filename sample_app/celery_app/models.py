"""What the load tests count: every run of `record_token` leaves one row."""

from django.db import models


class TokenRun(models.Model):
    """One execution of `celery_app.tasks.record_token`.

    A task may run more than once (delivery is at-least-once), so a token can have several
    rows; "done" means at least one.
    """

    batch = models.CharField(max_length=64, db_index=True)
    token = models.CharField(max_length=128)
    host = models.CharField(max_length=255)
    release = models.CharField(max_length=128, blank=True)
    ran_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.token} on {self.host}"
