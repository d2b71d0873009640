"""Comment actions (posting, voting, moderation), the permalink pages and the feed."""

from django.urls import path

from comments import views
from comments.feeds import LatestCommentsFeed

app_name = "comments"

urlpatterns = [
    path("post/<int:article_id>/", views.post, name="post"),
    path("feed/", LatestCommentsFeed(), name="feed"),
    path("me/<int:article_id>/", views.me, name="me"),
    path("changes/<int:article_id>/", views.changes, name="changes"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/ban/", views.ban, name="ban"),
]
