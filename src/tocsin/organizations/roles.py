"""The "Organizers" group: what a member of an organization may do in the back office.

Kept in step after every migrate, so a new model's permissions reach organizers without anyone
editing the group by hand. What they see is further limited to their own organizations.
"""

from django.contrib.auth.models import Group, Permission

ORGANIZERS_GROUP = "Organizers"

ORGANIZER_PERMISSIONS = {
    "campaigns": {
        "campaign": ["add", "change", "delete", "view"],
        "demand": ["add", "change", "delete", "view"],
        "source": ["add", "change", "delete", "view"],
        "campaigntarget": ["add", "change", "delete", "view"],
        "targetstance": ["add", "change", "delete", "view"],
        "stanceevidence": ["add", "change", "delete", "view"],
        "partnership": ["add", "change", "delete", "view"],
    },
    "calls": {
        "callaction": ["add", "change", "delete", "view"],
        "scriptvariant": ["add", "change", "delete", "view"],
        "callreport": ["view"],
        "calltally": ["view"],
        "answertally": ["view"],
        "blockednumber": ["add", "change", "delete", "view"],
    },
    # Members of Congress are shared: organizers change only their own custom targets (the
    # admin checks which) and correct offices for their own campaigns.
    "targets": {
        "target": ["add", "change", "delete", "view"],
        "office": ["add", "change", "delete", "view"],
        "socialaccount": ["add", "change", "delete", "view"],
        "officecorrection": ["add", "change", "delete", "view"],
    },
    "petitions": {
        "petitionaction": ["add", "change", "delete", "view"],
        "signature": ["change", "view"],
    },
    "events": {
        "event": ["add", "change", "delete", "view"],
        "session": ["add", "change", "delete", "view"],
        "rsvp": ["change", "view"],
    },
    "fundraising": {
        "fundraiser": ["add", "change", "delete", "view"],
        "gift": ["add", "delete", "view"],
    },
    "supporters": {
        "supporter": ["view", "erase", "tag", "import"],
        "consent": ["view"],
        "tag": ["view"],
        "activity": ["view"],
    },
    # Sending is a permission of its own (send_alert): writing an alert sends nothing.
    "alerts": {
        "alert": ["add", "change", "delete", "view", "send"],
        "alertrecipient": ["view"],
    },
    "organizations": {"organization": ["change", "view"]},
    "districts": {"datasetimport": ["view"]},
}


def organizer_permissions():
    wanted = [
        (app, f"{action}_{model}")
        for app, models in ORGANIZER_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=ORGANIZER_PERMISSIONS.keys()
    ).select_related("content_type")
    return [p for p in permissions if (p.content_type.app_label, p.codename) in wanted]


def ensure_organizers_group(**kwargs) -> Group:
    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    group.permissions.set(organizer_permissions())
    return group
