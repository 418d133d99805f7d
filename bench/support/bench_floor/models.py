from django.db import models


class FloorRow(models.Model):
    """What the floor view stores: a small form's fields, one row per key."""

    key = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
