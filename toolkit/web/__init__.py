"""The web app: staff pages and the participant-facing kiosk.

Import cost matters here: nothing on the path of :func:`create_app` and the
kiosk pages imports pandas, pingouin, matplotlib or WeasyPrint.
"""

from toolkit.web.app import create_app

__all__ = ["create_app"]
