import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.web.settings")
application = get_wsgi_application()

# Load every view now, not on a user's first request (each process would keep that user
# waiting while it imports them).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
