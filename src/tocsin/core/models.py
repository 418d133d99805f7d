from django.db import models


class JournalPosition(models.Model):
    """How far draining has read one journal file (see journal.py), moved on in the same
    transaction as the lines read are stored."""

    journal = models.CharField(max_length=40)
    file = models.CharField(max_length=100)
    offset = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journal", "file"], name="one_position_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.journal}/{self.file} @ {self.offset}"
