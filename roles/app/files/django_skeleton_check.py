"""`django-admin check --deploy --fail-level WARNING` on a release, with the checks the
project accepts (app_check_deploy_silenced, given as arguments) silenced the way its own
SILENCED_SYSTEM_CHECKS setting would silence them.

    app-run --release ID python /srv/app/lib/django_skeleton_check.py [CHECK_ID ...]
"""

import sys

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

django.setup()
settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, *sys.argv[1:]]
try:
    call_command("check", deploy=True, fail_level="WARNING")
except SystemCheckError as error:
    sys.exit(str(error))
