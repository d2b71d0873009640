"""Reader URLs of the blog; stable, so imported WordPress ids keep working."""

from django.urls import path

from blog import article_page, feeds, views
from blog.search.views import SearchView

app_name = "blog"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("archives/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    # What other apps add to article pages (the comments app: the article's comment feed).
    *(pattern for part in article_page.parts() for pattern in part.urls()),
    path("preview/<str:token>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("category/<slug:slug>/", views.CategoryDetailView.as_view(), name="category_detail"),
    path("category/<slug:slug>/feed/", feeds.CategoryArticlesFeed(), name="category_feed"),
    path("tag/<str:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tag/<str:slug>/feed/", feeds.TagArticlesFeed(), name="tag_feed"),
    path("date/<int:year>/", views.ArchiveYearView.as_view(), name="archive_year"),
    path("date/<int:year>/<int:month>/", views.ArchiveMonthView.as_view(), name="archive_month"),
    path(
        "date/<int:year>/<int:month>/<int:day>/",
        views.ArchiveDayView.as_view(),
        name="archive_day",
    ),
    path("search/", SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
]
