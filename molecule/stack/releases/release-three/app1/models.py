from django.db import models


class App1Model(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    name = models.CharField(max_length=100)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    # Release three stopped using release two's note (0006_drop_note drops it after the
    # switch) and added a priority (molecule/stack/releases/README.md).
    rating = models.IntegerField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "app1 model"
        ordering = ("name",)
        indexes = (models.Index(fields=["name"], name="app1_name_idx"),)

    def __str__(self) -> str:
        return self.name


class Scratch(models.Model):
    label = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.label
