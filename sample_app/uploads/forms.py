from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat


class UploadForm(forms.Form):
    file = forms.FileField(label="File", max_length=200)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOADS_MAX_BYTES:
            raise forms.ValidationError(
                f"At most {filesizeformat(settings.UPLOADS_MAX_BYTES)} a file, "
                f"this one is {filesizeformat(upload.size)}."
            )
        return upload
