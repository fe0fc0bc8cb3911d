"""Console forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class NewDialogueForm(FlaskForm):
    method = RadioField(_l("Method"), choices=[], validators=[DataRequired(message=_l("Choose a method."))])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Write a title.")),
                                                 Length(max=200, message=_l("The title is too long."))])
    language = SelectField(_l("Main language"), choices=[("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")])
