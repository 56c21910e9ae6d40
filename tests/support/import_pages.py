"""Helpers for the Imports page tests: upload, preview, confirm, the page's text, kept files and row counts."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import ReplacedAnswer

EAST = "/staff/p/east/imports"


def plain(html: str) -> str:
    """A page's text: tags left out, entities of quotes read, runs of white space as one space."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).replace(" :", ":").replace(" ,", ",")


def upload(client, web, file: tuple[io.BytesIO, str], url: str = EAST, **fields):
    """Post ``file`` (bytes and name) on the Imports page at ``url`` with the other ``fields``."""
    page = client.get(url)
    form = {"csrf_token": web.csrf(page.data), "wave": "", "file": file, **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def previewed(client, web, file: tuple[io.BytesIO, str], url: str = EAST, **fields) -> tuple[str, str]:
    """Upload ``file``; the preview's URL and text (without tags)."""
    response = upload(client, web, file, url, **fields)
    assert response.status_code == 303, response.data
    location = response.headers["Location"]
    assert re.search(rf"{url}/[0-9a-f]{{64}}$", location), plain(client.get(location).get_data(as_text=True))
    page = client.get(location)
    assert page.status_code == 200
    return location, plain(page.get_data(as_text=True))


def confirm(client, web, preview_url: str, **fields):
    """Post the preview's confirmation form with ``fields``."""
    page = client.get(preview_url)
    return client.post(f"{preview_url}/confirm", data={"csrf_token": web.csrf(page.data), **fields})


def kept_files(app) -> list[Path]:
    """The files the server keeps for uploads waiting to be stored or discarded."""
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def counts(db) -> dict[str, int]:
    """Rows in each table an import writes (the session rolled back first, to see what the app committed)."""
    db.rollback()
    models = (Participant, Administration, ItemResponse, ImportRecord, ReplacedAnswer)
    return {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in models}
