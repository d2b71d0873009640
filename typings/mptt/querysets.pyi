from typing import Any, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model, covariant=True)

class TreeQuerySet(models.QuerySet[_M, _M]):
    def get_descendants(self, *args: Any, **kwargs: Any) -> TreeQuerySet[_M]: ...
    def get_ancestors(self, *args: Any, **kwargs: Any) -> TreeQuerySet[_M]: ...

def __getattr__(name: str) -> Any: ...
