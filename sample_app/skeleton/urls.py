"""URL configuration of the project."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from skeleton import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("sentry-test-error/", views.sentry_test_error, name="sentry-test-error"),
    path("celery/", include("celery_app.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files in development only; in production the web server serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
