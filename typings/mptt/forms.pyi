from typing import Any

from django import forms

class TreeNodeChoiceField(forms.ModelChoiceField[Any]): ...

def __getattr__(name: str) -> Any: ...
