"""A page-cache version of its own for comments (blog_siteversion row 2).

Comment posts, moderation and comment counts changed the site version (row 1), which keys
every page, so each new comment made every worker render the hot article's whole frame again
(the article, related articles, neighbours) although only the sidebar's comment widgets, the
comment counts and one thread had changed. Comments now bump row 2: pages key on both rows,
the article frame only on row 1 (see blog/views.py and blog/cache.py). Same trigger names,
same deferral (at commit, once per statement) as blog 0005.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION kiji_comments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kiji.comments_version_bumped_at', true) = statement_timestamp()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('kiji.comments_version_bumped_at', statement_timestamp()::text, true);
    INSERT INTO blog_siteversion (id, version) VALUES (2, 1)
    ON CONFLICT (id) DO UPDATE SET version = blog_siteversion.version + 1;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS comments_comment_site_insert_delete ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_site_update ON comments_comment;
CREATE CONSTRAINT TRIGGER comments_comment_site_insert_delete AFTER INSERT OR DELETE ON comments_comment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kiji_comments_changed();
CREATE CONSTRAINT TRIGGER comments_comment_site_update AFTER UPDATE ON comments_comment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        (OLD.status, OLD.body, OLD.author_name, OLD.article_id)
        IS DISTINCT FROM (NEW.status, NEW.body, NEW.author_name, NEW.article_id)
    ) EXECUTE FUNCTION kiji_comments_changed();

-- An article's comment count is a comment change, not a content change.
DROP TRIGGER IF EXISTS blog_article_site_update ON blog_article;
CREATE CONSTRAINT TRIGGER blog_article_site_update AFTER UPDATE ON blog_article
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        (OLD.title, OLD.status, OLD.published_at, OLD.category_id,
         OLD.eyecatch_id, OLD.lead, OLD.summary)
        IS DISTINCT FROM
        (NEW.title, NEW.status, NEW.published_at, NEW.category_id,
         NEW.eyecatch_id, NEW.lead, NEW.summary)
    ) EXECUTE FUNCTION kiji_site_changed();
CREATE CONSTRAINT TRIGGER blog_article_comments_update AFTER UPDATE ON blog_article
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        OLD.comment_count IS DISTINCT FROM NEW.comment_count
    ) EXECUTE FUNCTION kiji_comments_changed();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS blog_article_comments_update ON blog_article;
DROP TRIGGER IF EXISTS blog_article_site_update ON blog_article;
CREATE CONSTRAINT TRIGGER blog_article_site_update AFTER UPDATE ON blog_article
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        (OLD.title, OLD.status, OLD.published_at, OLD.category_id, OLD.comment_count,
         OLD.eyecatch_id, OLD.lead, OLD.summary)
        IS DISTINCT FROM
        (NEW.title, NEW.status, NEW.published_at, NEW.category_id, NEW.comment_count,
         NEW.eyecatch_id, NEW.lead, NEW.summary)
    ) EXECUTE FUNCTION kiji_site_changed();
DROP TRIGGER IF EXISTS comments_comment_site_insert_delete ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_site_update ON comments_comment;
CREATE CONSTRAINT TRIGGER comments_comment_site_insert_delete AFTER INSERT OR DELETE ON comments_comment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kiji_site_changed();
CREATE CONSTRAINT TRIGGER comments_comment_site_update AFTER UPDATE ON comments_comment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        (OLD.status, OLD.body, OLD.author_name, OLD.article_id)
        IS DISTINCT FROM (NEW.status, NEW.body, NEW.author_name, NEW.article_id)
    ) EXECUTE FUNCTION kiji_site_changed();
DROP FUNCTION IF EXISTS kiji_comments_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_page_cache_versions"),
        ("comments", "0004_drop_vote_address_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
