from django.db import models


class App1Model(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    name = models.CharField(max_length=100)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)

    class Meta:
        verbose_name = "app1 model"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
