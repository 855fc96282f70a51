"""WSGI entry point for gunicorn: skeleton.wsgi:application."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skeleton.settings")

application = get_wsgi_application()
