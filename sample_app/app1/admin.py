from django.contrib import admin

from app1.models import App1Model


@admin.register(App1Model)
class App1ModelAdmin(admin.ModelAdmin):
    list_display = ("name", "gender")
    list_filter = ("gender",)
    search_fields = ("name",)
