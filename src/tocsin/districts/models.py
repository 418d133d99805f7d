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
