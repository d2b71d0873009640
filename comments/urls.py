"""Comment actions (posting, voting, moderation)."""

app_name = "comments"

urlpatterns: list = []
