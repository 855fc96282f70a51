"""URL configuration of the project."""

from django.contrib import admin
from django.urls import include, path
from uploads import views as uploads_views

from skeleton import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("sentry-test-error/", views.sentry_test_error, name="sentry-test-error"),
    path("celery/", include("celery_app.urls")),
    path("uploads/", include("uploads.urls")),
    # Uploaded files, from the storage every web host shares (uploads.views).
    path("media/<path:name>", uploads_views.media, name="media"),
    path("admin/", admin.site.urls),
]
