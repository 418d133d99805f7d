from django.db import models
from django.utils.translation import gettext_lazy as _


class ZipDistrict(models.Model):
    """One ZCTA–district pair; a ZIP that spans several districts has several rows."""

    zcta = models.CharField(max_length=5, db_index=True)
    state = models.CharField(max_length=2)
    district = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zcta", "state", "district"], name="unique_zip_district"
            )
        ]
        verbose_name = _("ZIP–district pair")
        verbose_name_plural = _("ZIP–district pairs")

    def __str__(self) -> str:
        return f"{self.zcta} → {self.state}-{self.district}"


class DistrictBoundary(models.Model):
    state = models.CharField(max_length=2)
    district = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120, blank=True)
    geometry_wkb = models.BinaryField(help_text="Polygon or MultiPolygon, lon/lat, as WKB.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "district"], name="unique_boundary")
        ]
        verbose_name = _("district boundary")
        verbose_name_plural = _("district boundaries")

    def __str__(self) -> str:
        return f"{self.state}-{self.district}"


class DatasetImport(models.Model):
    """What each sync command last loaded, from where, and how much."""

    dataset = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=500)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dataset import")
        verbose_name_plural = _("dataset imports")

    def __str__(self) -> str:
        return f"{self.dataset}: {self.rows} rows from {self.source}"


class Constituency(models.Model):
    """A UK Parliament (Westminster) constituency, with its 2024 boundary."""

    class Nation(models.TextChoices):
        ENGLAND = "E", _("England")
        WALES = "W", _("Wales")
        SCOTLAND = "S", _("Scotland")
        NORTHERN_IRELAND = "N", _("Northern Ireland")

    code = models.CharField(
        max_length=9, unique=True, help_text=_("ONS (GSS) code, e.g. E14001172.")
    )
    name = models.CharField(max_length=120)
    name_cy = models.CharField(
        max_length=120, blank=True, help_text=_("Welsh name, where it has one.")
    )
    nation = models.CharField(max_length=1, choices=Nation.choices)
    geometry_wkb = models.BinaryField(help_text=_("Polygon or MultiPolygon, lon/lat, as WKB."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PostcodeRangeTable(models.Model):
    """mySociety's Great Britain postcode ranges, packed into one row.

    A postcode's number is its letters and digits read as base 36; the range with the greatest
    start at or below that number gives its seat. `starts` holds the sorted starts as
    little-endian unsigned 64-bit integers, `seat_positions` one little-endian signed 16-bit
    position per range into the space-separated `seat_codes` (-1: no seat).
    """

    starts = models.BinaryField()
    seat_positions = models.BinaryField()
    seat_codes = models.TextField()

    class Meta:
        verbose_name = _("postcode range table")
        verbose_name_plural = _("postcode range tables")

    def __str__(self) -> str:
        return f"{len(self.starts) // 8} postcode ranges"


class PostcodeOutward(models.Model):
    """Every Great Britain postcode of one outward code ("SW1A"), to tell real ones apart.

    `inward_codes` holds the sorted inward codes ("0AA") as little-endian unsigned 16-bit
    integers: digit × 676 + letter × 26 + letter.
    """

    outward = models.CharField(max_length=4, unique=True)
    inward_codes = models.BinaryField()

    class Meta:
        verbose_name = _("postcode outward code")
        verbose_name_plural = _("postcode outward codes")

    def __str__(self) -> str:
        return f"{self.outward}: {len(self.inward_codes) // 2} postcodes"
