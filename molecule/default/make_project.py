"""Create "shop", a Django project that is not sample_app, the way a user would.

`django-admin startproject` and `startapp` make a stock project; then this script adds
what a project of its own has, and nothing for the deployment: settings read from the
environment, one model (registered in the admin), a page, a Celery app and task, a
plain unpinned requirements.txt, and a module the scenario deletes (orders/legacy.py).
No pyproject.toml, no lock, no readiness URL, no gunicorn config, no hashed static
names, none of the HTTPS settings `check --deploy` asks for: the collection's
variables must be enough (docs/your-project.md). The molecule default scenario deploys
it with the collection installed from its tarball.

    python make_project.py DEST --django-admin PATH
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = """\
Django>=5.2,<6
celery[redis]
gunicorn
psycopg[binary]
"""

# Appended to the stock settings.py: later assignments win.
SETTINGS = """

# --- Deployed by django_skeleton.stack: everything below comes from the environment.
import os
from urllib.parse import urlsplit

SECRET_KEY = os.environ["SHOP_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = os.environ["SHOP_ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHOP_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
INSTALLED_APPS += ["orders"]

_db = urlsplit(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username,
        "PASSWORD": _db.password,
        "HOST": _db.hostname,
        "PORT": _db.port or 5432,
        "CONN_MAX_AGE": 60,
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = os.environ["DJANGO_STATIC_ROOT"]
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]

# TLS ends at the proxy, which passes the scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ACKS_LATE = True
"""

CELERY = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""

INIT = """\
from .celery import app as celery_app

__all__ = ["celery_app"]
"""

URLS = """\
from django.contrib import admin
from django.urls import path

from orders import views

urlpatterns = [
    path("", views.home),
    path("orders/", views.orders),
    path("admin/", admin.site.urls),
]
"""

MODELS = """\
from django.db import models


class Order(models.Model):
    note = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)
"""

TASKS = """\
from celery import shared_task

from .models import Order


@shared_task
def create_order(note: str) -> int:
    return Order.objects.create(note=note).pk
"""

VIEWS = """\
import json
import os

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .models import Order
from .tasks import create_order


def home(request):
    context = {"orders": Order.objects.count(), "release": os.environ["APP_RELEASE"]}
    return render(request, "orders/home.html", context)


@csrf_exempt
def orders(request):
    if request.method == "POST":
        create_order.delay(json.loads(request.body)["note"])
        return JsonResponse({"queued": True}, status=202)
    return JsonResponse({"orders": list(Order.objects.values_list("note", flat=True))})
"""

TEMPLATE = """\
{% load static %}<!doctype html>
<html><head><title>Shop</title><link rel="stylesheet" href="{% static 'orders/shop.css' %}"></head>
<body><h1>Shop</h1><p>{{ orders }} orders, release {{ release }}</p></body></html>
"""

CSS = "h1 { color: teal; }\n"

ADMIN = """\
from django.contrib import admin

from .models import Order

admin.site.register(Order)
"""

# Deleted by the scenario's verify: it must then be gone from the hosts.
LEGACY = "def old_report():\n    return []\n"

# Enough to import the settings on the controller for makemigrations.
MAKEMIGRATIONS_ENV = {
    "SHOP_SECRET_KEY": "makemigrations-only",
    "SHOP_ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "postgres://shop@localhost/shop",
    "DJANGO_STATIC_ROOT": "/nonexistent",
    "DJANGO_MEDIA_ROOT": "/nonexistent",
    "CELERY_BROKER_URL": "memory://",
    "DJANGO_SETTINGS_MODULE": "shop.settings",
}


def write(path: Path, text: str, *, append: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w") as f:
        f.write(text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dest", type=Path)
    parser.add_argument(
        "--django-admin", required=True, help="django-admin of a virtualenv with Django and Celery"
    )
    args = parser.parse_args()

    shutil.rmtree(args.dest, ignore_errors=True)
    args.dest.mkdir(parents=True)
    run = {"cwd": args.dest, "check": True}
    # The commands are this script's own, with paths given by its caller.
    subprocess.run([args.django_admin, "startproject", "shop", "."], **run)  # noqa: S603 - fixed argv, no shell
    subprocess.run([args.django_admin, "startapp", "orders"], **run)  # noqa: S603 - fixed argv, no shell

    write(args.dest / "requirements.txt", REQUIREMENTS)
    write(args.dest / "shop" / "settings.py", SETTINGS, append=True)
    write(args.dest / "shop" / "celery.py", CELERY)
    write(args.dest / "shop" / "__init__.py", INIT)
    write(args.dest / "shop" / "urls.py", URLS)
    write(args.dest / "orders" / "models.py", MODELS)
    write(args.dest / "orders" / "tasks.py", TASKS)
    write(args.dest / "orders" / "views.py", VIEWS)
    write(args.dest / "orders" / "admin.py", ADMIN)
    write(args.dest / "orders" / "legacy.py", LEGACY)
    write(args.dest / "orders" / "templates" / "orders" / "home.html", TEMPLATE)
    write(args.dest / "orders" / "static" / "orders" / "shop.css", CSS)

    python = Path(args.django_admin).with_name("python")
    env = os.environ | MAKEMIGRATIONS_ENV
    makemigrations = [python, "manage.py", "makemigrations", "orders"]
    subprocess.run(makemigrations, env=env, stdout=subprocess.DEVNULL, **run)  # noqa: S603 - fixed argv, no shell
    print(f"shop: a Django project in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
