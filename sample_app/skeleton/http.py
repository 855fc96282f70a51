"""Responses Django does not name."""

from django.http import HttpResponseRedirect


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a form's POST, the browser GETs the page it is sent to."""

    status_code = 303
