"""Error pages that must not need the database.

When the database is unreachable, Django's 500 handler runs inside the `except`
block of the failing request: a database error becomes a 503 with Retry-After, so
clients and proxies know to come back, and the page itself touches no database.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE) or (isinstance(exc, DatabaseError) and "connection" in str(exc).lower()):
        body = loader.get_template("503.html").render()
        return HttpResponse(body, status=503, headers={"Retry-After": "10"})
    return HttpResponseServerError(loader.get_template("500.html").render())
