from django.apps import AppConfig


class CeleryAppConfig(AppConfig):
    name = "celery_app"
    verbose_name = "Celery demo"
