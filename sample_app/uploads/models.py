from django.db import models


class Upload(models.Model):
    """A file a visitor uploaded. The file is in the default storage (STORAGES): object
    storage that every web host shares when AWS_STORAGE_BUCKET_NAME is set, else MEDIA_ROOT."""

    file = models.FileField(upload_to="uploads/%Y/%m/%d/", max_length=255)
    # The name it was uploaded with (the storage may have changed it to keep it unique).
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")

    def __str__(self) -> str:
        return self.name
