import re

from django import forms

from firsthand.guard.models import BrandRules

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


class BrandRulesForm(forms.ModelForm):
    class Meta:
        model = BrandRules
        fields = [
            "banned_phrases",
            "approval_phrases",
            "competitors",
            "disclosure",
            "product_domains",
            "allowed_domains",
            "max_hashtags",
            "max_mentions",
            "sign_replies",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("banned_phrases", "approval_phrases", "competitors", "product_domains", "allowed_domains")
        }

    def clean_domains(self, field):
        bad = [line for line in BrandRules.lines(self.cleaned_data[field]) if not DOMAIN.match(line.lower())]
        if bad:
            raise forms.ValidationError(f"Not a domain: {', '.join(bad)}. Write domains like shop.example.com.")
        return self.cleaned_data[field]

    def clean_product_domains(self):
        return self.clean_domains("product_domains")

    def clean_allowed_domains(self):
        return self.clean_domains("allowed_domains")

    def clean(self):
        data = super().clean()
        if data.get("product_domains", "").strip() and not data.get("disclosure", "").strip():
            self.add_error("disclosure", "Say what a post with a product link must contain, e.g. #ad.")
        return data
