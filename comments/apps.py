from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Threaded, anonymous, votable comments and their moderation."""

    name = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from blog import article_page
        from blog.models.articles import ARTICLE_KIND
        from comments.article_part import CommentSection, comments_open_sql
        from comments.identity import has_browser_state
        from comments.models import COMMENTS_VERSION
        from pagecache.registry import add_dependency, add_script_state, version_sql

        # Pages showing comments (sidebar widgets, counts) are keyed by the comments version;
        # a reader whose browser has comment state (own votes, edits) and no script to apply
        # it gets a personal render; the comment section goes under every article, the
        # popular-articles ranking and the newest comments into every sidebar.
        add_dependency(COMMENTS_VERSION, version_sql(COMMENTS_VERSION))
        # An article's comment form closes by age alone (KIJI_COMMENTS_CLOSE_AFTER_DAYS): no
        # write marks that moment, so its page is keyed by whether the form is still open.
        add_dependency("comments_open", comments_open_sql, kind=ARTICLE_KIND)
        add_script_state(has_browser_state)
        article_page.register(CommentSection())
        article_page.register_sidebar_widget("comments/includes/_sidebar_widgets.html")
