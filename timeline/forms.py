from django import forms
from django.utils.translation import gettext_lazy as _

from .dates import ACCEPTED_FORMS, DateSpan, DateSpanError
from .models import Claim


class DateSpanField(forms.Field):
    """A date as an editor types it ("2023년 상반기", "2023-Q3", "2021-08/2021-09"), cleaned to a DateSpan."""

    widget = forms.TextInput(attrs={"size": 18, "maxlength": 60})
    max_length = 60

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("e.g. %(forms)s") % {"forms": ACCEPTED_FORMS})
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.edtf if isinstance(value, DateSpan) else value

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(
                _("A date is at most %(n)d characters.") % {"n": self.max_length}, code="max_length"
            )
        try:
            return DateSpan.parse(text)
        except DateSpanError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date_span") from exc


class ClaimForm(forms.ModelForm):
    when = DateSpanField(label=_("date"))

    class Meta:
        model = Claim
        fields = [
            "milestone",
            "source",
            "field",
            "status",
            "when",
            "expression",
            "stated_on",
            "reviewed",
            "sentence",
            "note",
        ]
        widgets = {
            "sentence": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.lo and self.instance.hi:
            self.initial.setdefault("when", self.instance.span.edtf)

    def clean(self):
        cleaned = super().clean()
        span = cleaned.get("when")
        if span is not None:
            self.instance.span = span
        return cleaned
