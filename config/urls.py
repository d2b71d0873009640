"""Kiji URL configuration: reader pages, comments, admin and health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from blog import sitemaps
from config.views import set_language
from core.views import healthz
from media import views as media_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Bookmarks from before the media library had its own app (/admin/blog/image/…).
    re_path(r"^admin/blog/image/(?P<rest>(?:[\w-]+/)*)$", media_views.old_admin_url),
    path("admin/", admin.site.urls),
    # Django's set_language, protected by Fetch Metadata: the shared page carries no token.
    path("i18n/setlang/", set_language, name="set_language"),
    path("comments/", include("comments.urls")),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap_section"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
    # Old WordPress permalinks (/YYYY/MM/DD/slug/) before the blog's own patterns.
    path("", include("wpimport.urls")),
    path("", include("blog.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
