from django.urls import path

from celery_app import views

app_name = "celery"

urlpatterns = [
    path("", views.add_form, name="form"),
    path("email/", views.email_form, name="email"),
    path("result/<uuid:task_id>/", views.result, name="result"),
]
