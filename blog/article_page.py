"""What other apps add to the article page, without blog importing them.

Like Django's contrib apps and Wagtail's hooks: an app registers an ``ArticlePagePart`` in its
``AppConfig.ready()`` (the comments app adds the comment section). The part says where it goes
(``template_name``, included in order at the end of the article), what the cached page frame
depends on, what it puts into the frame's context, what it fills into the frame on each
request (markers that the frame leaves in its place, so a vote re-renders no frame), and URLs
under the blog namespace (the article's comment feed). See blog.views.ArticleDetailView.

Sidebar widgets are plugged in the same way (``register_sidebar_widget``): every page's
sidebar includes them after the blog's own recent articles.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import URLPattern

if TYPE_CHECKING:
    from blog.models import Article


class ArticlePagePart:
    """A part of the article page that another app renders (override what it needs)."""

    template_name = ""
    # Markup for the page's <head> (the part's feed link, say); "" for none.
    head_template_name = ""
    # Query parameters that change this part's markup (they key the cached page).
    cache_params: tuple[str, ...] = ()

    def urls(self) -> list[URLPattern]:
        """URL patterns added to blog's, under its namespace."""
        return []

    def frame_key(self, *, request: HttpRequest, article: Article) -> Hashable:
        """What the part's markup in the shared frame depends on, besides the article row and
        the site around it."""
        return None

    def context(self, *, request: HttpRequest, article: Article, shared: bool) -> dict[str, Any]:
        """Template context for the page; ``shared``: the frame every anonymous reader gets,
        with markers where ``fill`` puts the per-request markup."""
        return {}

    def fill(
        self,
        *,
        request: HttpRequest,
        article: Article,
        versions: Mapping[str, Any],
        shared: bool,
    ) -> dict[str, str]:
        """Markup for each marker this part left in the frame (marker → HTML), for this
        request; ``shared`` False: a reader with personal state and no script."""
        return {}


_parts: list[ArticlePagePart] = []


def register(part: ArticlePagePart) -> None:
    """Add a part to every article page (in an AppConfig.ready())."""
    _parts.append(part)


def parts() -> list[ArticlePagePart]:
    """The registered parts, in registration order."""
    return list(_parts)


_sidebar_widgets: list[str] = []


def register_sidebar_widget(template_name: str) -> None:
    """Add a template to every page's sidebar, after the recent articles (in an
    AppConfig.ready()). Sidebars are part of every cached page: what the template shows must
    be covered by a page-cache dependency (pagecache.registry.add_dependency)."""
    if template_name not in _sidebar_widgets:
        _sidebar_widgets.append(template_name)


def sidebar_widgets() -> list[str]:
    """The registered sidebar templates, in registration order."""
    return list(_sidebar_widgets)
