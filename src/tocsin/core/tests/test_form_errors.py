"""The shared field and error-summary templates, and the checker other apps' tests use."""

from django import forms
from django.template.loader import render_to_string

from tocsin.core.tests.form_errors import form_error_problems, missing_references


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As you would sign a letter.")
    email = forms.EmailField(label="Email")
    agree = forms.BooleanField(label="I agree")
    size = forms.ChoiceField(
        label="Size", choices=[("s", "S"), ("m", "M")], widget=forms.RadioSelect
    )
    started = forms.CharField(widget=forms.HiddenInput)


def render(form) -> str:
    return render_to_string("core/includes/error_summary.html", {"form": form}) + "".join(
        render_to_string("core/includes/field.html", {"field": field}) for field in form
    )


def test_an_invalid_form_has_a_summary_linking_each_field_and_every_reference_exists():
    form = EveryKindForm({"email": "not an address", "size": "xl"})
    assert not form.is_valid()
    html = render(form)
    assert form_error_problems(html) == []
    for target in ("#id_name", "#id_email", "#id_agree", "#id_size_0"):
        assert f'href="{target}"' in html
    # The hidden field's error is listed, as text: there is nothing to move to.
    summary = html[: html.index("</div>")]
    assert summary.count("<li>This field is required.</li>") == 1
    # Django points the input at <id>_helptext and <id>_error: both exist.
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_helptext"' in html
    assert 'id="id_name_error"' in html
    # Radios have no describedby of their own; their fieldset carries it.
    assert '<fieldset class="field invalid" aria-describedby="id_size_error">' in html


def test_errors_sit_between_the_label_and_the_input():
    html = render(EveryKindForm({}))
    name = html[html.index('<label for="id_name">') :]
    assert name.index('id="id_name_error"') < name.index("<input")
    agree = html[html.index('id="id_agree_error"') :]
    assert agree.index("</ul>") < agree.index('<input type="checkbox"')


def test_a_valid_or_unbound_form_has_no_summary():
    assert "data-error-summary" not in render(EveryKindForm())
    valid = EveryKindForm(
        {"name": "A", "email": "a@example.org", "agree": "on", "size": "s", "started": "x"}
    )
    assert valid.is_valid()
    html = render(valid)
    assert "data-error-summary" not in html
    assert missing_references(html) == []


def test_the_checker_finds_what_it_is_for():
    dangling = '<input id="id_zip" aria-describedby="id_zip_error" aria-invalid="true">'
    assert missing_references(dangling) == [
        '<input aria-describedby="id_zip_error">: no element has that id'
    ]
    problems = form_error_problems(dangling)
    assert "no error summary (data-error-summary) on the page" in problems

    summary = (
        '<div data-error-summary role="alert" tabindex="-1"><a href="#id_gone">x</a></div>'
        '<input id="id_zip" aria-invalid="true" aria-describedby="e"><p id="e"></p>'
    )
    assert form_error_problems(summary) == ["summary link '#id_gone' leads to no element"]
    quiet = '<div data-error-summary><a href="#e">x</a></div><p id="e"></p>'
    assert form_error_problems(quiet) == [
        'the error summary is not role="alert"',
        'the error summary has no tabindex="-1", so it cannot take focus',
        "summary link '#e' leads to a field not marked aria-invalid",
    ]
