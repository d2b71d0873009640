"""Reader pages: lists share one mixin; the article page assembles the DESIGN anatomy."""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
from collections.abc import Hashable
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)
from taggit.models import Tag

from blog import article_page
from blog.models import Article, Category
from blog.models.articles import ARTICLE_KIND, ArticleQuerySet
from blog.preview import read_preview_token
from pagecache.cache import (
    GZIP_LEVEL,
    CachedPageMixin,
    Versions,
    accepts_gzip,
    page_versions,
    safe_get,
    safe_set,
)

PAGE_SIZE = 20
RELATED_COUNT = 6


class PublishedArticlesMixin(CachedPageMixin):
    """Lists of published articles, newest first, paginated (and page-cached)."""

    paginate_by: int | None = PAGE_SIZE
    page_kwarg = "page"

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.published().for_listing()


class ArticleListView(PublishedArticlesMixin, ListView):
    """The home page: latest articles."""

    template_name = "blog/article_list.html"
    context_object_name = "articles"


def related_articles(article: Article, tag_ids: list[int]) -> list[Article]:
    """Six published articles: the newest of the same category first, then those sharing the
    most tags (newest first among equals).

    Two small indexed queries instead of one that ranks every candidate: a big category holds
    thousands of articles.
    """
    published = Article.objects.published().for_listing().exclude(pk=article.pk)
    related = list(published.filter(category_id=article.category_id)[:RELATED_COUNT])
    if tag_ids:
        shared = (
            published.exclude(category_id=article.category_id)
            .filter(tags__in=tag_ids)
            .annotate(shared_tags=Count("tags"))
            .order_by("-shared_tags", "-published_at", "-id")[:RELATED_COUNT]
        )
        related += list(shared)
    return related[:RELATED_COUNT]


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The published articles just before and just after this one by publish time."""
    published = Article.objects.published().listed()
    at, pk = article.published_at, article.pk
    previous = (
        published.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        .order_by("-published_at", "-id")
        .first()
    )
    following = (
        published.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        .order_by("published_at", "id")
        .first()
    )
    return previous, following


# Where the messages and the sidebar go in the cached page frame (see ArticleDetailView.get);
# the parts of other apps leave markers of their own (blog.article_page).
MESSAGES_MARKER = "<!--kiji:messages-->"
SIDEBAR_MARKER = "<!--kiji:sidebar-->"
FRAME_TIMEOUT = 60 * 60
# Frames rendered by this process, for tests and benchmarks.
stats = {"frames": 0}
_SIDEBAR = "{% load blog_tags %}{% sidebar %}"


def frame_key(article: Article, versions: Versions, parts_key: Hashable) -> str:
    """Key of an article page without what is filled in per request (the sidebar, messages and
    the parts' markers): the site version and newest publish time (what is around the
    article), the article row itself and what the parts' frame markup depends on. Comments do
    not change it (they have their own version, which keys the sidebar)."""
    deferred = article.get_deferred_fields()  # never read them here: each costs a query
    row = [
        getattr(article, field.attname)
        for field in Article._meta.concrete_fields
        if field.attname not in deferred
        and not field.attname.startswith("search_")
        and field.attname != "comment_count"
    ]
    raw = repr(
        (
            article.pk,
            versions.get("site"),
            versions.get("newest"),
            versions.get("day"),  # the footer's year
            get_language(),
            parts_key,
            row,
        )
    )
    return "kiji:frame:" + hashlib.sha256(raw.encode()).hexdigest()


@functools.cache
def _compiled(source: str):
    return engines["django"].from_string(source)


def shared_sidebar(request: HttpRequest, versions: Versions) -> str:
    """The sidebar every page shows, rendered once per site-wide versions (site, comments,
    newest publish time)."""
    site_wide = sorted((name, value) for name, value in versions.items() if name != ARTICLE_KIND)
    key = "kiji:sidebar:" + hashlib.sha256(repr((site_wide, get_language())).encode()).hexdigest()
    html = safe_get(key)
    if html is None:
        html = _compiled(_SIDEBAR).render({}, request)
        safe_set(key, html, FRAME_TIMEOUT)
    return html


class ArticleDetailView(CachedPageMixin, DetailView):
    """The article page, canonical at /archives/<id>/. Readers only ever get published ones.

    The shared page is assembled from cached pieces: the frame (everything but the sidebar and
    what other apps' parts fill in, re-rendered when the article or the site around it changes)
    and what each part (blog.article_page) fills in per request: the comment section's threads
    come from their own fragments, so a vote re-renders one thread and no frame.
    """

    template_name = "blog/article_detail.html"
    context_object_name = "article"
    page_object_kind = ARTICLE_KIND
    # Rendering the frame every reader shares (no messages, parts' markup left to markers).
    frame_mode = True

    @property
    def cache_params(self) -> tuple[str, ...]:  # type: ignore[override]
        """The query parameters the parts' markup depends on (the comment order)."""
        return tuple(name for part in article_page.parts() for name in part.cache_params)

    def cached_object_id(self) -> int:
        return self.kwargs["pk"]

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().select_related("category", "eyecatch", "author")

    def renders_everything(self, request: HttpRequest) -> bool:
        """Staff (moderator forms, their token) and previews get a page rendered whole."""
        if not self.page_cache:
            return True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        return request.user.is_authenticated

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = article = self.get_object()
        if self.renders_everything(request):
            self.frame_mode = False
            return self.render_to_response(self.get_context_data(object=article))
        versions = self.page_versions or page_versions(
            request, kind=ARTICLE_KIND, object_id=article.pk
        )
        versions = versions or {}
        parts = article_page.parts()
        parts_key = tuple(part.frame_key(request=request, article=article) for part in parts)
        key = frame_key(article, versions, parts_key)
        frame = safe_get(key)
        if frame is None:
            response = self.render_to_response(self.get_context_data(object=article))
            frame = cast(TemplateResponse, response).render().content.decode()
            stats["frames"] += 1
            safe_set(key, frame, FRAME_TIMEOUT)
        fills: dict[str, str] = {}
        for part in parts:
            # Not shared: a reader with state but no script gets the same frame, with their own
            # state put in by the parts and their messages here.
            fills |= part.fill(
                request=request, article=article, versions=versions, shared=self.shared
            )
        messages = ""
        if not self.shared:
            messages = render_to_string("includes/_messages.html", request=request)
        html = frame.replace(MESSAGES_MARKER, messages, 1)
        for marker, markup in fills.items():
            html = html.replace(marker, markup, 1)
        html = html.replace(SIDEBAR_MARKER, shared_sidebar(request, versions), 1)
        if self.shared or not accepts_gzip(request):
            return HttpResponse(html)
        # A reader's own page holds no secret (no token: staff pages are rendered whole above),
        # so it is compressed too: it is as large as the shared one.
        response = HttpResponse(gzip.compress(html.encode(), GZIP_LEVEL))
        response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        article: Article = self.object
        tags = list(article.tags.all())
        previous, following = neighbours(article)
        context.update(
            sources=list(article.sources.all()),
            tags=tags,
            breadcrumbs=list(article.category.get_ancestors(include_self=True)),
            previous_article=previous,
            next_article=following,
            related=related_articles(article, [tag.pk for tag in tags]),
            page_frame=self.frame_mode,
            article_page_parts=article_page.parts(),
        )
        for part in article_page.parts():
            context.update(
                part.context(request=self.request, article=article, shared=self.frame_mode)
            )
        return context


class ArticlePreviewView(PermissionRequiredMixin, ArticleDetailView):
    """A draft or scheduled article through a signed link; staff with view permission only."""

    permission_required = "blog.view_article"
    page_cache = False

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.select_related("category", "eyecatch", "author")

    def get_object(self, queryset: QuerySet[Article] | None = None) -> Article:
        article_id = read_preview_token(self.kwargs["token"])
        if article_id is None:
            raise Http404("invalid or expired preview link")
        return get_object_or_404(self.get_queryset(), pk=article_id)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {"is_preview": True}


class CategoryDetailView(PublishedArticlesMixin, ListView):
    """A category with its subcategories' articles."""

    template_name = "blog/category_detail.html"
    context_object_name = "articles"

    def get_queryset(self) -> ArticleQuerySet:
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            category=self.category,
            breadcrumbs=list(self.category.get_ancestors(include_self=True)),
            subcategories=list(self.category.get_children()),
        )
        return context


class TagDetailView(PublishedArticlesMixin, ListView):
    """Articles carrying one tag."""

    template_name = "blog/tag_detail.html"
    context_object_name = "articles"

    def get_queryset(self) -> ArticleQuerySet:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {"tag": self.tag}


class ArchiveMixin(PublishedArticlesMixin):
    """Date archives over publish time; never shows future (scheduled) articles."""

    date_field: str | None = "published_at"
    allow_future = False
    allow_empty = True
    context_object_name: str | None = "articles"


class ArchiveYearView(ArchiveMixin, YearArchiveView):
    """All published articles of one year."""

    template_name = "blog/archive_year.html"
    make_object_list = True


class AdjacentArchiveMixin:
    """Previous/next links of a date archive go to the nearest month or day that has published
    articles: with allow_empty (empty periods are pages, not 404s) Django would link the
    adjacent period whether or not anything was published in it."""

    if TYPE_CHECKING:  # a private helper of Django's date views, left out of django-stubs

        def _make_date_lookup_arg(
            self, value: datetime.date
        ) -> datetime.date | datetime.datetime: ...

    def _nearest(self, date: datetime.date, period: str, *, is_previous: bool):
        current = getattr(self, f"_get_current_{period}")
        articles = Article.objects.published()
        if is_previous:
            found = articles.filter(
                published_at__lt=self._make_date_lookup_arg(current(date))
            ).order_by("-published_at")
        else:
            try:
                end = getattr(self, f"_get_next_{period}")(date)
            except Http404:  # the last period a date can name: nothing comes after it
                return None
            found = articles.filter(published_at__gte=self._make_date_lookup_arg(end)).order_by(
                "published_at"
            )
        when = found.values_list("published_at", flat=True).first()
        return current(timezone.localtime(when).date()) if when else None

    def get_previous_month(self, date: datetime.date) -> datetime.date | None:
        return self._nearest(date, "month", is_previous=True)

    def get_next_month(self, date: datetime.date) -> datetime.date | None:
        return self._nearest(date, "month", is_previous=False)

    def get_previous_day(self, date: datetime.date) -> datetime.date | None:
        return self._nearest(date, "day", is_previous=True)

    def get_next_day(self, date: datetime.date) -> datetime.date | None:
        return self._nearest(date, "day", is_previous=False)


class ArchiveMonthView(AdjacentArchiveMixin, ArchiveMixin, MonthArchiveView):
    """All published articles of one month; its previous/next links skip empty months."""

    template_name = "blog/archive_month.html"
    month_format = "%m"


class ArchiveDayView(AdjacentArchiveMixin, ArchiveMixin, DayArchiveView):
    """All published articles of one day; impossible dates are 404s."""

    template_name = "blog/archive_day.html"
    month_format = "%m"
    day_format = "%d"

    def _get_next_day(self, date: datetime.date) -> datetime.date:
        try:
            return date + datetime.timedelta(days=1)
        except OverflowError:  # 9999-12-31: no next day to bound the lookup with
            raise Http404("Date out of range") from None

    def _make_single_date_lookup(self, date: datetime.date) -> dict:
        # Django bounds the day with date + 1 day itself: a 500 on 9999-12-31 without this.
        return {
            f"{self.get_date_field()}__gte": self._make_date_lookup_arg(date),
            f"{self.get_date_field()}__lt": self._make_date_lookup_arg(self._get_next_day(date)),
        }
