"""Old WordPress URLs → Kiji pages, permanently (301).

Only articles a reader may see are redirected to: the old URL of an imported draft, private,
password-protected or scheduled post gets the same 404 as an unknown one.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from blog.models import Article
from wpimport.models import LegacyRedirect, WordPressObject

# WordPress's plain permalinks: /?p=ID for posts, /?page_id=ID for pages.
QUERY_KINDS = {"p": WordPressObject.Kind.POST, "page_id": WordPressObject.Kind.PAGE}


def article_for_wordpress_id(wp_id: str, kinds: tuple[str, ...]) -> int | None:
    """The id of the published article a WordPress post or page id was imported as."""
    if not (wp_id.isascii() and wp_id.isdigit()) or len(wp_id) > 19:
        return None
    imported = WordPressObject.objects.filter(kind__in=kinds, key=str(int(wp_id))).values(
        "object_id"
    )
    return (
        Article.objects.published()
        .filter(pk__in=imported)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def names_wordpress_id(request: HttpRequest) -> bool:
    """Whether the query asks for a WordPress post by number (``?p=123``, ``?page_id=7``)."""
    return any(
        (value := request.GET.get(name, "").strip()).isascii() and value.isdigit()
        for name in QUERY_KINDS
    )


def query_redirect_target(request: HttpRequest) -> str | None:
    """Where ``/?p=ID`` or ``/?page_id=ID`` now lives, or None."""
    for name, kind in QUERY_KINDS.items():
        value = request.GET.get(name)
        if value:
            # A page id also finds posts: WordPress itself answers ?p= for any post type.
            kinds = (kind,) if name == "page_id" else (kind, WordPressObject.Kind.PAGE)
            article_id = article_for_wordpress_id(value.strip(), kinds)
            if article_id is not None:
                return reverse("blog:article_detail", args=[article_id])
    return None


def path_redirect_target(path: str) -> str | None:
    """Where an old path (a stored permalink, category or tag URL) now lives, or None."""
    candidates = [path] if path.endswith("/") else [path, path + "/"]
    for redirect in LegacyRedirect.objects.filter(old_path__in=candidates):
        target = redirect.target_url()
        if target and target != path:
            return target
    return None
