"""Which tracked writes make an entry, beyond auditlog's settings."""

# Rows supporters write themselves (a signature being signed, or deleted unconfirmed by the
# nightly clean-up): only organizers' changes to them (release, invalidation) are recorded.
UPDATES_ONLY = {"petitions.signature"}


def skip_supporters_own_rows(sender, instance, action, **kwargs):
    from auditlog.models import LogEntry

    if sender._meta.label_lower in UPDATES_ONLY and action != LogEntry.Action.UPDATE:
        return False
    return None
