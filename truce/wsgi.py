import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Load what every request needs (the URLconf, with every app's views and API), then move
    all of it out of the garbage collector's sight: its full collections then walk only what
    requests allocate, instead of pausing a request for the ~250k objects a worker holds for
    its whole life (such pauses were the slow tail of the pages at the large seed)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.freeze()


_settle()
