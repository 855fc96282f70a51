from django import forms

LIMIT = 10**12


class AddForm(forms.Form):
    x = forms.IntegerField(label="x", min_value=-LIMIT, max_value=LIMIT)
    y = forms.IntegerField(label="y", min_value=-LIMIT, max_value=LIMIT)


class EmailForm(forms.Form):
    to = forms.EmailField(label="To")
    subject = forms.CharField(max_length=200, initial="Hello from the sample app")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
