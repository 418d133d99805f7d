class ReadOnlyAdminMixin:
    """For records the back office shows but nobody edits by hand (the syncs own them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
