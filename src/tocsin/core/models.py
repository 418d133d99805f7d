from django.db import models
from django.utils.translation import gettext_lazy as _


class Switches(models.Model):
    """The installation's switches, one row that an organizer edits in the back office and
    that takes effect without a deploy: rate limits, how fresh public counts are, and the
    kill switches to flip under attack. Read through `tocsin.core.switches.current()`."""

    signing_paused = models.BooleanField(
        _("stop taking signatures on every petition"),
        default=False,
        help_text=_("Each petition also has its own switch."),
    )
    calls_paused = models.BooleanField(
        _("stop taking call reports on every campaign"), default=False
    )
    challenge_everywhere = models.BooleanField(
        _("ask every browser to prove it is not a bot on every petition"),
        default=False,
        help_text=_(
            "A small puzzle the browser solves before signing. Signatures without it are held "
            "for review, not refused."
        ),
    )
    signatures_per_ip_per_minute = models.PositiveIntegerField(
        _("signatures per IP address per minute"), default=10
    )
    signatures_per_ip_per_hour = models.PositiveIntegerField(
        _("signatures per IP address per hour"), default=100
    )
    signatures_per_domain_per_minute = models.PositiveIntegerField(
        _("signatures per email domain per minute"), default=600
    )
    signatures_per_domain_per_hour = models.PositiveIntegerField(
        _("signatures per email domain per hour"), default=20_000
    )
    signatures_per_country_per_minute = models.PositiveIntegerField(
        _("signatures per country per minute"), default=3_000
    )
    signatures_per_country_per_hour = models.PositiveIntegerField(
        _("signatures per country per hour"), default=100_000
    )
    call_reports_per_ip_per_minute = models.PositiveIntegerField(
        _("call reports per IP address per minute, on each campaign"), default=20
    )
    call_reports_per_ip_per_hour = models.PositiveIntegerField(
        _("call reports per IP address per hour, on each campaign"), default=400
    )
    call_reports_per_campaign_per_minute = models.PositiveIntegerField(
        _("call reports per campaign per minute"), default=300
    )
    call_reports_per_campaign_per_hour = models.PositiveIntegerField(
        _("call reports per campaign per hour"), default=6_000
    )
    joins_per_ip_per_hour = models.PositiveIntegerField(
        _("joins per IP address per hour, on each campaign"),
        default=20,
        help_text=_("Generous: people at one meeting may share one connection."),
    )
    rsvps_per_ip_per_hour = models.PositiveIntegerField(
        _("answers per IP address per hour, for each event session"), default=10
    )
    count_refresh_seconds = models.PositiveSmallIntegerField(
        _("seconds a public count may be stale"),
        default=5,
        help_text=_("Counts on public pages are recounted at most this often."),
    )

    class Meta:
        verbose_name = _("switches and limits")
        verbose_name_plural = _("switches and limits")

    def __str__(self) -> str:
        return str(_("Switches and limits"))

    def call_report_limits(self) -> dict[str, list[tuple[int, int]]]:
        """{kind: [(window seconds, most reports in it), …]}; over a limit, not counted."""
        return {
            "ip": [
                (60, self.call_reports_per_ip_per_minute),
                (3600, self.call_reports_per_ip_per_hour),
            ],
            "campaign": [
                (60, self.call_reports_per_campaign_per_minute),
                (3600, self.call_reports_per_campaign_per_hour),
            ],
        }

    def signing_limits(self) -> dict[str, list[tuple[int, int]]]:
        """{kind: [(window seconds, most signatures in it), …]}; over a limit, held for
        review."""
        return {
            "ip": [
                (60, self.signatures_per_ip_per_minute),
                (3600, self.signatures_per_ip_per_hour),
            ],
            "domain": [
                (60, self.signatures_per_domain_per_minute),
                (3600, self.signatures_per_domain_per_hour),
            ],
            "country": [
                (60, self.signatures_per_country_per_minute),
                (3600, self.signatures_per_country_per_hour),
            ],
        }


class ScheduledJob(models.Model):
    """One row per job of settings.TOCSIN_SCHEDULE (see scheduling.py). The worker that moves
    `next_run_at` on claims the run, so every worker on every server can look at the schedule
    and a due job still runs once per period."""

    job = models.CharField(_("job"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    # The task that ran it last time: a job whose task is still waiting is not queued again.
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.job


class WorkerHeartbeat(models.Model):
    """When each `tocsin worker` last looked at the schedule, for a readiness check."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class SpentToken(models.Model):
    """A single-use proof (a solved challenge) that has been used, so that it is refused the
    second time by every process on every server. Kept until the proof would have expired
    anyway; the daily retention job deletes the rest (core/retention.py)."""

    # sha256 of the purpose and the proof: the proof itself is not kept.
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("spent token")
        verbose_name_plural = _("spent tokens")

    def __str__(self) -> str:
        return self.digest[:12]
