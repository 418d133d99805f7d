"""Signals of the targets app, for changes written in bulk (which send no post_save)."""

from django.dispatch import Signal

# Sent after a sync's transaction commits, with `target_ids`: members whose offices changed.
targets_changed = Signal()
