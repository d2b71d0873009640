"""Reader pages: lists share one mixin; the article page assembles the DESIGN anatomy."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from blog.cache import CachedPageMixin
from blog.models import Article, Category
from blog.preview import read_preview_token
from comments.threads import comment_context

PAGE_SIZE = 20
RELATED_COUNT = 6


class PublishedArticlesMixin(CachedPageMixin):
    """Lists of published articles, newest first, paginated (and page-cached)."""

    paginate_by = PAGE_SIZE
    page_kwarg = "page"

    def get_queryset(self) -> QuerySet[Article]:
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
    published = Article.objects.published().only("id", "title", "published_at")
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


class ArticleDetailView(CachedPageMixin, DetailView):
    """The article page, canonical at /archives/<id>/. Readers only ever get published ones."""

    template_name = "blog/article_detail.html"
    context_object_name = "article"

    def cached_article_id(self) -> int:
        return self.kwargs["pk"]

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().select_related("category", "eyecatch", "author")

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
        )
        context.update(comment_context(request=self.request, article=article))
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

    def get_queryset(self) -> QuerySet[Article]:
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

    def get_queryset(self) -> QuerySet[Article]:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {"tag": self.tag}


class ArchiveMixin(PublishedArticlesMixin):
    """Date archives over publish time; never shows future (scheduled) articles."""

    date_field = "published_at"
    allow_future = False
    allow_empty = True
    context_object_name = "articles"


class ArchiveYearView(ArchiveMixin, YearArchiveView):
    """All published articles of one year."""

    template_name = "blog/archive_year.html"
    make_object_list = True


class ArchiveMonthView(ArchiveMixin, MonthArchiveView):
    """All published articles of one month."""

    template_name = "blog/archive_month.html"
    month_format = "%m"
