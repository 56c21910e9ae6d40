"""The Imports page's upload form and the formats it reads besides CSV, XLSX, .sav and .dta: REDCap and FHIR.

The form offers the formats of ``outcomes import``: automatic (by the file's
name and content, as the command's ``--format auto``), REDCap records (with
the project's data dictionary, a second upload) and FHIR responses (with an
optional Questionnaire upload, instrument and participant code). The files
are read by the command's own readers (:mod:`toolkit.exchange.import_foreign`,
:func:`toolkit.exchange.redcap_records.read_redcap_file`), and FHIR responses
without a wave are given the wave of their date as the command does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Length

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from toolkit.exchange.import_map import ImportMap
    from toolkit.exchange.import_table import ImportTable
    from toolkit.instruments.registry import Registry
    from toolkit.store.models import Program
    from toolkit.web.import_reading import Dating
    from toolkit.web.import_uploads import KeptUpload

FILE_WAVE = ""
FROM_QUESTIONNAIRE = ""
KINDS = (
    SelectChoice("auto", "Automatic (by the file's name and content)"),
    SelectChoice("redcap", "REDCap records (CSV) and data dictionary"),
    SelectChoice("fhir", "FHIR QuestionnaireResponses (JSON)"),
)
KIND_NAMES = {"auto": "a CSV, Excel, SPSS or Stata file", "redcap": "REDCap records", "fhir": "FHIR responses"}
FIELD_KINDS = {"dictionary": "redcap", "questionnaire": "fhir", "instrument": "fhir", "participant": "fhir"}
"""Fields for one format only: field -> the format (the command's options of the same names)."""
SNIFF_BYTES = 1 << 16
MAX_CODE = 40


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UploadForm(FlaskForm):
    """The file to import, its format, the wave of every row, and the files and choices each format takes."""

    file = FileField("Response file", validators=[FileRequired("Response file: choose the file to import")])
    kind = SelectField("Format", choices=KINDS, default="auto")
    wave = SelectField("Wave of every row", default=FILE_WAVE)
    mapping = FileField("Map file (optional)")
    dictionary = FileField("Data dictionary (required for REDCap records)")
    questionnaire = FileField("Questionnaire (optional)")
    instrument = SelectField("Instrument (optional)", default=FROM_QUESTIONNAIRE)
    participant = StringField(
        "Participant code (optional)",
        filters=[_strip],
        validators=[Length(max=MAX_CODE, message=f"Participant code: at most {MAX_CODE} characters; give the code")],
    )

    resolved: str = "auto"
    """The format the file is read as, once the form is valid (``auto``, ``redcap`` or ``fhir``)."""

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the format's own rules: a dictionary for REDCap, no field of another format."""
        if not super().validate(extra_validators):
            return False
        from toolkit.exchange.import_foreign import import_kind
        from toolkit.exchange.import_foreign import misplaced

        upload = self.file.data
        kind = import_kind(_suffix(upload.filename), self.kind.data, dictionary=bool(self.dictionary.data))
        if kind == "fhir" and self.kind.data == "auto" and not _looks_like_fhir(upload.stream):
            kind = "auto"  # a .json file that is no FHIR resource: refused as a file the import does not read
        self.resolved = kind
        given = [name for name in FIELD_KINDS if getattr(self, name).data]
        for name, owner in misplaced(kind, given):
            field = getattr(self, name)
            field.errors.append(
                f"{_label(field)}: this is for {KIND_NAMES[owner]}, and the file is read as {KIND_NAMES[kind]};"
                f" leave it out, or choose {KIND_NAMES[owner]} under Format"
            )
        if kind == "redcap" and not self.dictionary.data:
            self.dictionary.errors.append(
                "Data dictionary: a REDCap records export needs its data dictionary; choose the project's data"
                " dictionary (CSV, from Project Setup → Data Dictionary in REDCap)"
            )
        if kind == "fhir" and self.mapping.data:
            self.mapping.errors.append(
                "Map file: FHIR responses are mapped by their Questionnaire; leave the map file out and choose the"
                " Questionnaire instead"
            )
        return not any(f.errors for f in self)


def _suffix(name: str | None) -> str:
    from pathlib import Path

    from toolkit.web.import_uploads import shown_name

    return Path(shown_name(name)).suffix.lower()


def _label(field) -> str:
    return field.label.text.split(" (")[0]


def _looks_like_fhir(stream) -> bool:
    """Whether the start of an uploaded file names a FHIR resource type (the stream is rewound)."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return b'"resourceType"' in head


def upload_form(program: Program, registry: Registry) -> UploadForm:
    """The upload form with the program's waves and the instruments of its battery."""
    form = UploadForm()
    form.wave.choices = [SelectChoice(FILE_WAVE, "From the file's wave column")] + [
        SelectChoice(w.name, w.name) for w in program.waves
    ]
    battery = [b.instrument_id for b in program.battery]
    form.instrument.choices = [SelectChoice(FROM_QUESTIONNAIRE, "From the Questionnaire")] + [
        SelectChoice(i, f"{registry.get(i).short_title} ({i})" if i in registry else i) for i in battery
    ]
    return form


def kept_with(form: UploadForm) -> dict:
    """What :func:`toolkit.web.import_uploads.keep_upload` keeps besides the response file, from a valid form."""
    extras = {}
    for name in ("dictionary", "questionnaire"):
        given = getattr(form, name).data
        if given:
            extras[name] = (given.filename, given.stream)
    mapping = form.mapping.data
    return {
        "mapping": (mapping.filename, mapping.stream) if mapping else None,
        "wave": form.wave.data or None,
        "kind": form.resolved,
        "extras": extras,
        "instrument": form.instrument.data or None,
        "participant": form.participant.data or None,
    }


def read_foreign(root: Path, upload: KeptUpload, registry: Registry, mapping: ImportMap) -> ImportTable:
    """A kept REDCap records export (with its data dictionary) or FHIR file, read by ``outcomes import``'s readers.

    Messages still name the kept files' private paths; the caller renames them.
    Raises :class:`~toolkit.errors.InputFileError` when a file cannot be read at all.
    """
    path = upload.path(root)
    if upload.kind == "redcap":
        from toolkit.errors import InputFileError
        from toolkit.errors import Problem
        from toolkit.exchange.redcap_records import read_redcap_file

        dictionary = upload.extra_path(root, "dictionary")
        if dictionary is None:
            raise InputFileError([Problem(str(path), "a REDCap records export needs its data dictionary; upload both")])
        return read_redcap_file(path, dictionary, registry, wave=upload.wave, mapping=mapping)
    from toolkit.exchange.import_foreign import read_fhir_file
    from toolkit.scoring import score

    return read_fhir_file(
        path,
        upload.sha256,
        registry,
        lambda wide: score(wide, registry).scores,
        questionnaire=upload.extra_path(root, "questionnaire"),
        instrument=upload.instrument,
        participant=upload.participant,
        wave=upload.wave,
    )


def wave_dating(session: Session, program: Program) -> Dating:
    """Gives FHIR responses without a wave the wave whose window holds their date, then joins a visit's responses.

    The participants' baseline days are read from the store only when a
    response has no wave.
    """

    def dating(table: ImportTable) -> None:
        from toolkit.exchange.import_foreign import date_waves
        from toolkit.store.followups import baseline_days

        date_waves(table, program.waves, lambda: baseline_days(session, program))

    return dating
