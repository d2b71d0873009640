"""The search page, /search/?q=: a reader page like the others, paginated the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.generic import ListView

from blog.search import query
from blog.search.query import MAX_QUERY_LENGTH, SearchQueryError, SearchResults, parse_query
from blog.views import PAGE_SIZE


class SearchView(ListView):
    """Published articles matching every term of ``q``, best first, with marked excerpts."""

    template_name = "blog/search.html"
    context_object_name = "hits"
    paginate_by = PAGE_SIZE
    page_kwarg = "page"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raw = request.GET.get("q", "")
        # What the header box shows again: never megabytes, never control characters.
        self.query = "".join(
            char if char.isprintable() else " " for char in raw[:MAX_QUERY_LENGTH]
        ).strip()
        self.error = ""
        try:
            self.terms = parse_query(raw)
        except SearchQueryError as error:
            self.terms, self.error = [], str(error)
        response = super().get(request, *args, **kwargs)
        if self.error:
            response.status_code = 400
        return response

    # ListView pages any sliceable sequence; django-stubs allows only a QuerySet here.
    def get_queryset(self) -> SearchResults | list:  # type: ignore[override]
        return SearchResults(self.terms, page_size=self.paginate_by) if self.terms else []

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {
            "query": self.query,
            "terms": self.terms,
            "search_error": self.error,
            # More matches than a search lists: the page says only the newest are ranked.
            "results_capped": (
                isinstance(self.object_list, SearchResults) and self.object_list.is_capped
            ),
            "result_limit": query.RESULT_LIMIT,
        }
