"""Reader pages: publishing rules, category subtree, tags, archives, prev/next, related."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from blog.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, SourceFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


class TestPublishingRules:
    def test_published_article_is_shown(self, client):
        article = ArticleFactory(title="公開済みの記事")
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "公開済みの記事" in response.content.decode()

    @pytest.mark.parametrize("trait", ["draft", "scheduled"])
    def test_drafts_and_scheduled_articles_are_404_for_readers(self, client, trait):
        article = ArticleFactory(**{trait: True})
        assert client.get(article.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("trait", ["draft", "scheduled"])
    def test_drafts_and_scheduled_articles_are_absent_from_every_list(self, client, trait):
        hidden = ArticleFactory(title="見えてはいけない記事", tags=["秘密"], **{trait: True})
        visible = ArticleFactory(title="見える記事", category=hidden.category, tags=["秘密"])
        year, month = (
            visible.published_at.astimezone(TOKYO).year,
            visible.published_at.astimezone(TOKYO).month,
        )
        for url in [
            "/",
            hidden.category.get_absolute_url(),
            "/tag/秘密/",
            f"/date/{year}/",
            f"/date/{year}/{month}/",
            visible.get_absolute_url(),  # sidebar, prev/next and related blocks
        ]:
            body = client.get(url).content.decode()
            assert "見えてはいけない記事" not in body, url

    def test_scheduled_article_appears_once_its_time_has_come(self, client):
        article = ArticleFactory(scheduled=True, title="予約記事")
        assert "予約記事" not in client.get("/").content.decode()
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - timedelta(seconds=1)
        )
        assert "予約記事" in client.get("/").content.decode()
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_queryset_vocabulary(self):
        published = ArticleFactory()
        ArticleFactory(draft=True)
        ArticleFactory(scheduled=True)
        assert list(Article.objects.published()) == [published]


class TestHomePage:
    def test_lists_newest_first_with_pagination(self, client):
        now = timezone.now()
        for index in range(25):
            ArticleFactory(title=f"記事{index:02d}", published_at=now - timedelta(hours=index + 1))
        first = client.get("/")
        assert titles(first)[:2] == ["記事00", "記事01"]
        assert len(titles(first)) == 20
        second = client.get("/?page=2")
        assert titles(second) == [f"記事{index:02d}" for index in range(20, 25)]
        assert 'href="?page=2"' in first.content.decode()

    @pytest.mark.parametrize("page", ["999", "abc", "-1"])
    def test_bad_page_numbers_are_404_not_500(self, client, page):
        ArticleFactory()
        assert client.get(f"/?page={page}").status_code == 404

    def test_card_shows_category_date_excerpt_and_comment_count(self, client):
        ArticleFactory(
            title="カードの記事",
            lead="カードに出るリード",
            published_at=datetime(2021, 12, 23, 10, 0, tzinfo=TOKYO),
            category=CategoryFactory(name="ロシア関連", slug="russia"),
            eyecatch=ImageFactory(),
        )
        body = client.get("/").content.decode()
        assert "ロシア関連" in body
        assert "2021年 12月 23日" in body
        assert "カードに出るリード" in body
        assert "コメント 0件" in body


class TestCategoryPages:
    def test_category_lists_its_subtree(self, client):
        countries = CategoryFactory(name="国別", slug="countries")
        russia = CategoryFactory(name="ロシア関連", slug="russia", parent=countries)
        moscow = CategoryFactory(name="モスクワ", slug="moscow", parent=russia)
        other = CategoryFactory(name="兵器", slug="weapons")
        ArticleFactory(title="国別の記事", category=countries)
        ArticleFactory(title="ロシアの記事", category=russia)
        ArticleFactory(title="モスクワの記事", category=moscow)
        ArticleFactory(title="兵器の記事", category=other)

        assert set(titles(client.get("/category/countries/"))) == {
            "国別の記事",
            "ロシアの記事",
            "モスクワの記事",
        }
        russia_page = client.get("/category/russia/")
        assert set(titles(russia_page)) == {"ロシアの記事", "モスクワの記事"}
        body = russia_page.content.decode()
        assert 'href="/category/moscow/"' in body  # subcategory link
        assert 'href="/category/countries/"' in body  # breadcrumb
        assert client.get("/category/nope/").status_code == 404


class TestTagPages:
    def test_tag_page_lists_tagged_articles_only(self, client):
        ArticleFactory(title="極超音速の記事", tags=["極超音速", "ミサイル"])
        ArticleFactory(title="別の記事", tags=["ミサイル"])
        response = client.get("/tag/極超音速/")
        assert response.status_code == 200
        assert titles(response) == ["極超音速の記事"]
        assert set(titles(client.get("/tag/ミサイル/"))) == {"極超音速の記事", "別の記事"}
        assert client.get("/tag/存在しない/").status_code == 404


class TestArchives:
    def test_year_and_month_archives(self, client):
        ArticleFactory(
            title="2021年12月の記事", published_at=datetime(2021, 12, 23, 9, tzinfo=TOKYO)
        )
        ArticleFactory(title="2021年3月の記事", published_at=datetime(2021, 3, 1, 9, tzinfo=TOKYO))
        ArticleFactory(title="2022年の記事", published_at=datetime(2022, 1, 5, 9, tzinfo=TOKYO))
        assert set(titles(client.get("/date/2021/"))) == {"2021年12月の記事", "2021年3月の記事"}
        december = client.get("/date/2021/12/")
        assert titles(december) == ["2021年12月の記事"]
        assert "2021年 12月" in december.content.decode()

    def test_month_boundary_follows_tokyo_time(self, client):
        # 2021-12-31 16:00 UTC is already 2022-01-01 in Tokyo.
        ArticleFactory(
            title="年越しの記事", published_at=datetime(2021, 12, 31, 16, tzinfo=ZoneInfo("UTC"))
        )
        assert titles(client.get("/date/2022/1/")) == ["年越しの記事"]
        assert titles(client.get("/date/2021/12/")) == []

    @pytest.mark.parametrize("url", ["/date/2021/13/", "/date/2021/0/"])
    def test_impossible_dates_are_404(self, client, url):
        assert client.get(url).status_code == 404


class TestArticlePage:
    def test_full_anatomy(self, client):
        image = ImageFactory(title="護衛艦の写真", credit="海上自衛隊")
        article = ArticleFactory(
            title="解剖の記事",
            lead="リードの段落",
            summary="強調される要約",
            body='<p>本文</p><figure><img src="/media/x.jpg" alt="図"><figcaption>出典: 米海軍</figcaption></figure>',
            eyecatch=image,
            notice="お知らせの本文",
            tags=["護衛艦"],
        )
        SourceFactory(
            article=article, title="元記事のタイトル", url="https://news.example.com/a", order=1
        )
        body = client.get(article.get_absolute_url()).content.decode()
        for fragment in [
            "<h1",
            "リードの段落",
            "参考:",
            'href="https://news.example.com/a"',
            "元記事のタイトル",
            "<strong>強調される要約</strong>",
            "<figcaption>出典: 米海軍</figcaption>",
            "※アイキャッチ画像の出典:海上自衛隊",
            "お知らせの本文",
            'href="/tag/%E8%AD%B7%E8%A1%9B%E8%89%A6/"',
            f'<link rel="canonical" href="http://127.0.0.1:8000/archives/{article.pk}/">',
            '<meta name="description" content="強調される要約">',
            "PAGE TOP",
        ]:
            assert fragment in body, fragment
        main = body[body.index('<article class="article"') :]
        assert (
            main.index("リードの段落")
            < main.index("参考:")
            < main.index("強調される要約")
            < main.index("本文")
        )

    def test_sources_keep_their_order(self, client):
        article = ArticleFactory()
        SourceFactory(article=article, title="二番目", order=2)
        SourceFactory(article=article, title="一番目", order=1)
        body = client.get(article.get_absolute_url()).content.decode()
        assert body.index("一番目") < body.index("二番目")

    def test_previous_and_next_at_both_ends(self, client):
        now = timezone.now()
        oldest = ArticleFactory(title="最古", published_at=now - timedelta(days=3))
        middle = ArticleFactory(title="中間", published_at=now - timedelta(days=2))
        newest = ArticleFactory(title="最新", published_at=now - timedelta(days=1))
        ArticleFactory(title="予約", scheduled=True)
        ArticleFactory(title="下書き", draft=True, published_at=now - timedelta(hours=1))

        context = client.get(oldest.get_absolute_url()).context
        assert context["previous_article"] is None
        assert context["next_article"] == middle
        context = client.get(middle.get_absolute_url()).context
        assert (context["previous_article"], context["next_article"]) == (oldest, newest)
        context = client.get(newest.get_absolute_url()).context
        assert (context["previous_article"], context["next_article"]) == (middle, None)

    def test_prev_next_with_identical_publish_times_visits_every_article(self, client):
        moment = timezone.now() - timedelta(hours=1)
        articles = sorted(
            (ArticleFactory(published_at=moment) for _ in range(3)), key=lambda a: a.pk
        )
        context = client.get(articles[1].get_absolute_url()).context
        assert (context["previous_article"], context["next_article"]) == (articles[0], articles[2])

    def test_related_same_category_first_then_shared_tags_newest_first(self, client):
        now = timezone.now()
        category = CategoryFactory()
        article = ArticleFactory(category=category, tags=["A", "B"])
        same_old = ArticleFactory(category=category, published_at=now - timedelta(days=5))
        same_new = ArticleFactory(category=category, published_at=now - timedelta(days=1))
        two_tags = ArticleFactory(tags=["A", "B"], published_at=now - timedelta(days=9))
        one_tag = ArticleFactory(tags=["A"], published_at=now - timedelta(days=2))
        ArticleFactory(tags=["C"])  # unrelated
        ArticleFactory(category=category, draft=True)  # never shown
        related = client.get(article.get_absolute_url()).context["related"]
        assert related == [same_new, same_old, two_tags, one_tag]

    def test_related_block_is_capped_at_six(self, client):
        category = CategoryFactory()
        article = ArticleFactory(category=category)
        for _ in range(8):
            ArticleFactory(category=category)
        assert len(client.get(article.get_absolute_url()).context["related"]) == 6

    def test_changed_title_keeps_the_url(self, client):
        article = ArticleFactory(title="古いタイトル")
        url = article.get_absolute_url()
        article.title = "新しいタイトル"
        article.save()
        assert article.get_absolute_url() == url
        assert "新しいタイトル" in client.get(url).content.decode()

    @pytest.mark.parametrize("url", ["/archives/0/", "/archives/99999999/", "/archives/abc/"])
    def test_missing_articles_are_404(self, client, url):
        assert client.get(url).status_code == 404
