import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
application = get_wsgi_application()

from truce.core.runtime import settle  # noqa: E402 (needs the settings and the apps)

settle()
