from django import forms

from firsthand.practice.models import HouseRules
from firsthand.practice.operations import MAX_ANSWER
from firsthand.practice.schema import MOVES

MAX_FILE = 200_000  # a scenario file is a few kilobytes; this is far above any honest one


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer", max_length=MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 4}), strip=True
    )
    moves = forms.MultipleChoiceField(
        label="And also", choices=list(MOVES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )


class HouseRulesForm(forms.ModelForm):
    class Meta:
        model = HouseRules
        fields = ["use_words", "avoid_words", "sign_off", "promises", "language", "required_scenarios"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("use_words", "avoid_words", "promises")}

    def __init__(self, *args, scenarios=(), **kwargs):
        super().__init__(*args, **kwargs)
        from firsthand.guard.language import WORDS

        self.fields["language"] = forms.ChoiceField(
            label="House language",
            choices=[("", "Any")] + [(name, name) for name in WORDS],
            required=False,
            help_text="An answer in another language is coached in plain words, not scored as wrong.",
        )
        self.fields["required_scenarios"] = forms.MultipleChoiceField(
            label="New staff answer real customers only with approval until they have passed",
            choices=[(s["key"], s["title"]) for s in scenarios],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=HouseRules.lines(self.instance.required_scenarios),
            help_text="Passed: finished with a score of 70 or more. Leave all unticked to turn this off.",
        )

    def clean_required_scenarios(self):
        return "\n".join(self.cleaned_data["required_scenarios"])


class ImportForm(forms.Form):
    file = forms.FileField(label="Scenario file (.yaml)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise forms.ValidationError(f"The file is {upload.size // 1000} kB; a scenario file is at most 200 kB.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not text (UTF-8). Save it as a plain text .yaml file.") from None


class WriteForm(forms.Form):
    """A scenario written on the page, without a file: the same schema checks it."""

    KIND_CHOICES = None  # filled in __init__, from the schema

    title = forms.CharField(max_length=120)
    kind = forms.ChoiceField()
    situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    opening = forms.CharField(
        label="What the customer writes first (one phrasing a line)", widget=forms.Textarea(attrs={"rows": 3})
    )
    needs = forms.CharField(
        label="What a good answer does (one a line: what it does, then a colon, then words that show it)",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "gives the price: €, euro, price"}),
        required=False,
    )
    calm = forms.CharField(
        label="The customer after a good answer (one a line)", widget=forms.Textarea(attrs={"rows": 2})
    )
    unsettled = forms.CharField(
        label="… after an answer that misses something", widget=forms.Textarea(attrs={"rows": 2})
    )
    escalate = forms.CharField(label="… after a brush-off or a rude answer", widget=forms.Textarea(attrs={"rows": 2}))
    customers = forms.CharField(label="Customers' names (one a line)", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from firsthand.practice.schema import KINDS

        self.fields["kind"].choices = [(k, v) for k, v in KINDS.items() if k not in ("personal_draft", "pile_on")]
