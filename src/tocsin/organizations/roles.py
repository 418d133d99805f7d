"""One group per role: what a member of an organization may do in the back office.

Owners do everything, members included; campaigners run campaigns, actions, alerts and
exports (what the single "Organizers" group allowed before roles); volunteers check people in
at the door and read dashboards, without people's personal data. The groups are kept in step
after every migrate, so a new model's permissions reach organizers without anyone editing a
group by hand, and a user's groups follow their memberships (`services.sync_groups`). What
they see is further limited to their own organizations, and Django's permissions being one
set per user, a page acting for one organization also asks `scoping.may`.
"""

from django.contrib.auth.models import Group, Permission

from .models import Role

ROLE_GROUPS = {
    Role.OWNER: "Owners",
    Role.CAMPAIGNER: "Campaigners",
    Role.VOLUNTEER: "Volunteers",
}
# The one group before roles: campaigners have what it had.
ORGANIZERS_GROUP = ROLE_GROUPS[Role.CAMPAIGNER]

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
    # Letters are supporters' words: organizers read them and mark addresses bad, not edit them.
    "letters": {
        "writeaction": ["add", "change", "delete", "view"],
        "lettervariant": ["add", "change", "delete", "view"],
        "letter": ["view"],
        "badaddress": ["change", "view"],
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
    "organizations": {"organization": ["change", "view"], "membership": ["view", "check_in"]},
    "districts": {"datasetimport": ["view"]},
}

OWNER_ONLY_PERMISSIONS = {
    "organizations": {
        "membership": ["change", "delete"],
        "invitation": ["add", "delete", "view"],
    },
    # The record of who changed what is the owners' to read; nobody writes to it by hand.
    # (the permission is audit.view_log, on its log entries)
    "audit": {"log": ["view"]},
    # API keys and webhook endpoints hand the organization's data to other systems; their
    # pages ask scoping.may(…, "manage_keys") too, these only show the links.
    "api": {"apikey": ["add", "view"]},
    "webhooks": {"endpoint": ["add", "change", "delete", "view"]},
}

VOLUNTEER_PERMISSIONS = {
    "campaigns": {"campaign": ["view"]},
    "events": {"event": ["view"], "session": ["view"]},
    "organizations": {"organization": ["view"], "membership": ["view", "check_in"]},
}


def _merged(*tables: dict) -> dict:
    merged: dict[str, dict[str, list[str]]] = {}
    for table in tables:
        for app, models in table.items():
            for model, actions in models.items():
                wanted = merged.setdefault(app, {}).setdefault(model, [])
                wanted.extend(a for a in actions if a not in wanted)
    return merged


ROLE_PERMISSIONS = {
    Role.OWNER: _merged(ORGANIZER_PERMISSIONS, OWNER_ONLY_PERMISSIONS),
    Role.CAMPAIGNER: ORGANIZER_PERMISSIONS,
    Role.VOLUNTEER: VOLUNTEER_PERMISSIONS,
}


def role_permissions(role: str) -> list[Permission]:
    table = ROLE_PERMISSIONS[role]
    wanted = {
        (app, f"{action}_{model}")
        for app, models in table.items()
        for model, actions in models.items()
        for action in actions
    }
    permissions = Permission.objects.filter(content_type__app_label__in=table.keys())
    return [
        p
        for p in permissions.select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]


def organizer_permissions() -> list[Permission]:
    return role_permissions(Role.CAMPAIGNER)


def ensure_role_groups(**kwargs) -> dict[str, Group]:
    groups = {}
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(role_permissions(role))
        groups[role] = group
    return groups


def ensure_organizers_group(**kwargs) -> Group:
    """The campaigners' group (what "Organizers" was), every role's group kept in step."""
    return ensure_role_groups()[Role.CAMPAIGNER]
