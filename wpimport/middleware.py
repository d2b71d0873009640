"""Old WordPress links keep working, without a query on any page that exists."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from wpimport.redirects import names_wordpress_id, path_redirect_target, query_redirect_target


class WordPressRedirectMiddleware:
    """``/?p=ID`` and ``/?page_id=ID`` redirect to the imported article when readers may see
    it, and are a 404 otherwise (as in WordPress: an unknown id, a draft and a scheduled post
    look the same); any other path that ends in a 404 is looked up among the stored old paths
    (like Django's redirects app)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/" and request.GET and request.method in ("GET", "HEAD"):
            target = query_redirect_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
            if names_wordpress_id(request):
                raise Http404("no article with this WordPress id")
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = path_redirect_target(request.path)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
