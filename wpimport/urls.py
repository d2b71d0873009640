"""Old WordPress permalinks; included before the blog's URLs in config/urls.py."""

from django.urls import re_path

from wpimport import views

app_name = "wpimport"

urlpatterns = [
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/$",
        views.dated_permalink,
        name="dated_permalink",
    ),
    re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", views.month_archive, name="month"),
]
