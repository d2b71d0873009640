"""Reader input, validated once for both the plain-form and the JavaScript path."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from comments.conf import comment_settings
from comments.models import Comment, Report

# Bidirectional overrides and isolates can disguise text (a link that reads backwards, a name
# that swallows the next comment); ordinary Japanese or Arabic text never needs them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# C0/C1 control characters other than tab and line breaks (NUL gets its own message).
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class PlainTextField(forms.CharField):
    """Reader text: line breaks normalised to \\n; NUL, other control characters and
    invisible direction overrides refused with a message saying which."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in value:
            raise forms.ValidationError(_("NUL characters are not allowed."), code="null")
        if _BIDI_CONTROLS.search(value):
            raise forms.ValidationError(
                _(
                    "Invisible text-direction characters (such as U+202E) are not allowed: "
                    "they can disguise what the text says."
                ),
                code="bidi",
            )
        if _CONTROLS.search(value):
            raise forms.ValidationError(_("Control characters are not allowed."), code="control")
        return value


class BodyField(PlainTextField):
    """A comment body: 1 to MAX_LENGTH characters."""

    def __init__(self, **kwargs) -> None:
        max_length = comment_settings.MAX_LENGTH
        super().__init__(
            label=_("Comment"),
            max_length=max_length,
            error_messages={
                "required": _("Please write a comment."),
                "max_length": _(
                    "A comment can be at most %(limit_value)d characters long "
                    "(it has %(show_value)d)."
                ),
            },
            widget=forms.Textarea(attrs={"rows": 5, "maxlength": max_length}),
            **kwargs,
        )


class CommentForm(forms.Form):
    """A new comment or a reply; ``parent`` is the id of the comment replied to."""

    author_name = PlainTextField(
        label=_("Name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "maxlength": 120}),
    )
    email = forms.EmailField(
        label=_("Email (not shown)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = BodyField()
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS and aria-hidden; bots that fill every field trip it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if comment_settings.REQUIRE_NAME_EMAIL:
            self.fields["author_name"].required = True
            self.fields["email"].required = True
            self.fields["email"].label = _("Email (required, not shown)")
        name_hint = _("Blank: %(name)s") % {"name": comment_settings.DEFAULT_NAME or _("Anonymous")}
        self.fields["author_name"].widget.attrs["placeholder"] = name_hint

    def clean_author_name(self) -> str:
        raw = self.cleaned_data["author_name"]
        name = raw.split("#", 1)[0] if comment_settings.TRIPCODES else raw
        if len(name.strip()) > 50:
            raise forms.ValidationError(_("A name can be at most 50 characters long."), code="long")
        if comment_settings.TRIPCODES and raw.startswith("#"):
            raise forms.ValidationError(_("Please write a name before the # of a tripcode."))
        return raw

    def clean_parent(self) -> Comment | None:
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.filter(pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(
                _("The comment you are replying to does not exist."), code="missing"
            )
        return parent

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("Your comment looks automated and was not posted. Leave the last field empty."),
                code="honeypot",
            )
        return ""


class EditForm(forms.Form):
    """The new body of one's own comment."""

    body = BodyField()


class VoteForm(forms.Form):
    """A vote button: up, down, or clear (withdraw)."""

    VALUES = {"up": 1, "down": -1, "clear": 0}

    value = forms.ChoiceField(choices=[(key, key) for key in VALUES])

    @property
    def vote_value(self) -> int:
        return self.VALUES[self.cleaned_data["value"]]


class ReportForm(forms.Form):
    """A report (通報): a reason, and optional details for the moderators."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    detail = PlainTextField(
        label=_("Details (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class ModerateForm(forms.Form):
    """A moderator's hide / unhide on the article page."""

    action = forms.ChoiceField(choices=[("hide", "hide"), ("unhide", "unhide")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
