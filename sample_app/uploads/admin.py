from django.contrib import admin

from uploads.models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ("name", "size", "uploaded_at", "file")
    readonly_fields = ("uploaded_at",)
