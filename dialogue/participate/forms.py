"""Participant forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from dialogue.config import MUNICIPALITIES
from dialogue.models import ROLES


def role_choices():
    labels = {"resident": _l("Resident or jobseeker"), "expert": _l("Expert"),
              "decision_maker": _l("Decision-maker"), "other": _l("Other")}
    return [("", _l("I don't want to say"))] + [(r, labels[r]) for r in ROLES]


def municipality_choices():
    return [("", _l("I don't want to say"))] + [
        (m, _l("Other") if m == "other" else m) for m in MUNICIPALITIES]


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Type the code first.")),
                                               Length(max=16, message=_l("The code is too long."))])


class JoinForm(FlaskForm):
    role = SelectField(_l("I take part as"), choices=[], validate_choice=True, default="")
    municipality = SelectField(_l("My municipality"), choices=[], validate_choice=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.municipality.choices = municipality_choices()
