"""Staff forms (sign-in, participants, sessions, alerts, users, programs)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from toolkit.languages import LANGUAGE_NAMES
from toolkit.store.models import ROLES
from toolkit.store.password_policy import MAX_LENGTH
from toolkit.store.password_policy import MIN_LENGTH
from toolkit.store.programs import CODE

LANG_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ParticipantForm(FlaskForm):
    code = StringField(
        "Participant code",
        validators=[
            DataRequired(),
            Regexp(CODE, message="Use letters, digits, '.', '_' or '-' (no names)."),
        ],
    )
    site = StringField("Site (optional)", validators=[Optional(), Length(max=100)])
    group = StringField("Group (optional)", validators=[Optional(), Length(max=40)])


class StartSessionForm(FlaskForm):
    participant = StringField("Participant code", validators=[DataRequired(), Length(max=40)])
    wave = SelectField("Wave", validators=[InputRequired()])
    language = SelectField("Language", choices=LANG_CHOICES, default="en")


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(
        "What was done",
        validators=[
            DataRequired(message="Write what was done (for example: talked with them, safety plan reviewed)."),
            Length(max=2000),
        ],
    )


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES], default="staff")
    programs = SelectMultipleField("Programs", choices=[])
    password = PasswordField(
        f"Password ({MIN_LENGTH} to {MAX_LENGTH} characters; they choose their own at first sign-in)",
        validators=[InputRequired()],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(FlaskForm):
    """A staff member's new password: the current one, then the new one twice (the policy applies)."""

    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        f"New password ({MIN_LENGTH} to {MAX_LENGTH} characters)",
        validators=[InputRequired()],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "The new password again", validators=[InputRequired()], render_kw={"autocomplete": "new-password"}
    )


class PinForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
    pin = PasswordField(
        "New PIN (4 to 8 digits)",
        validators=[DataRequired(), Length(min=4, max=8)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    pin_again = PasswordField(
        "The same PIN again",
        validators=[DataRequired(), Length(max=8)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
