"""Issue 15, through HTTP: a reader is a browser, the address only brakes abuse.

Readers are separate ``Client``s (cookie jars) on addresses given with ``REMOTE_ADDR``; a client
whose cookies are cleared is a fresh ``Client``. The test client does not enforce CSRF, and the
anonymous endpoints accept requests without Fetch Metadata or Origin headers, as browsers never
send those.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.conf import DEFAULTS
from comments.models import Ban, Comment, Report, Vote
from comments.services import ban_sender, hide_comment
from tests.factories import ArticleFactory, CommentFactory, NGWordFactory, editor, moderator

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
OFFICE = "203.0.113.10"  # one address: an office, a home router or a carrier NAT


def reader(ip: str = OFFICE) -> Client:
    """A browser with its own cookie jar on the address ``ip``."""
    return Client(REMOTE_ADDR=ip)


def vote(client: Client, comment: Comment, value: str):
    return client.post(f"/comments/{comment.pk}/vote/", {"value": value}, **JSON)


def post(client: Client, article, body: str, **data):
    return client.post(f"/comments/post/{article.pk}/", {"body": body, **data}, **JSON)


def report(client: Client, comment: Comment):
    """Report as ``client``; an accepted report redirects back, a refused one answers JSON."""
    return client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"}, **JSON)


# --- Votes belong to browsers ----------------------------------------------------------------


def test_two_browsers_on_one_address_both_count_and_neither_withdraws_the_other(article):
    comment = CommentFactory(article=article)
    a, b = reader(), reader()
    assert vote(a, comment, "up").json()["upvotes"] == 1
    answer = vote(b, comment, "up").json()
    assert answer == {"ok": True, "upvotes": 2, "downvotes": 0, "value": 1}
    # B withdrawing takes back B's vote, never A's.
    assert vote(b, comment, "clear").json() == {
        "ok": True,
        "upvotes": 1,
        "downvotes": 0,
        "value": 0,
    }
    assert vote(b, comment, "clear").json()["upvotes"] == 1
    # B voting down does not turn A's vote.
    assert vote(b, comment, "down").json() == {
        "ok": True,
        "upvotes": 1,
        "downvotes": 1,
        "value": -1,
    }
    assert vote(a, comment, "clear").json() == {
        "ok": True,
        "upvotes": 0,
        "downvotes": 1,
        "value": 0,
    }
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    assert Vote.objects.get().value == -1


def test_ten_cookie_clearing_browsers_on_one_address_add_at_most_the_documented_few(article):
    limit = DEFAULTS["VOTE_ADDRESS_LIMIT"]
    assert limit == 5
    comment = CommentFactory(article=article)
    answers = [vote(reader(), comment, "up") for _ in range(10)]
    assert [r.status_code for r in answers].count(200) == limit
    refused = [r for r in answers if r.status_code != 200]
    assert {r.status_code for r in refused} == {429}
    # The refusal says why, in Japanese.
    assert "お使いのネットワークからすでに多くの投票" in refused[0].json()["message"]
    comment.refresh_from_db()
    assert comment.upvotes == limit
    # Readers elsewhere still vote, and so do the browsers that did, changing their vote.
    assert vote(reader("198.51.100.4"), comment, "up").json()["upvotes"] == limit + 1


def test_the_address_cap_refuses_new_votes_without_a_javascript_page(article):
    comment = CommentFactory(article=article)
    for _ in range(DEFAULTS["VOTE_ADDRESS_LIMIT"]):
        vote(reader(), comment, "up")
    response = reader().post(f"/comments/{comment.pk}/vote/", {"value": "up"}, follow=True)
    assert "お使いのネットワークからすでに多くの投票" in response.content.decode()


def test_the_vote_rate_counts_every_press_not_rows(article, settings):
    settings.KIJI_COMMENTS_VOTES_PER_MINUTE = 6
    comment = CommentFactory(article=article)
    flipper = reader()
    answers = [vote(flipper, comment, value) for value in ["up", "down"] * 4]
    codes = [r.status_code for r in answers]
    assert codes[:6] == [200] * 6 and codes[6] == 429
    assert "投票の間隔が短すぎます" in answers[6].json()["message"]
    # The refused press changed nothing: the vote is still the sixth press's "down".
    assert Vote.objects.get().value == -1
    # Only one row ever existed: counting rows would never have stopped the flipping.
    assert Vote.objects.count() == 1
    # A neighbour behind the same address is not slowed down by the flipper.
    assert vote(reader(), comment, "up").status_code == 200


def test_the_address_vote_rate_is_a_bigger_shared_budget(article, settings):
    settings.KIJI_COMMENTS_ADDRESS_VOTES_PER_MINUTE = 8
    comments = [CommentFactory(article=article) for _ in range(3)]
    codes = [vote(reader(), comments[n % 3], "up").status_code for n in range(12)]
    # Three comments take 3 × 5 new votes: the per-comment cap is not what stops these.
    assert codes[:8] == [200] * 8 and set(codes[8:]) == {429}
    assert vote(reader("198.51.100.5"), comments[0], "up").status_code == 200


# --- Comment budgets per browser and per address ------------------------------------------------


def test_browsers_on_one_address_post_without_waiting_for_each_other(article):
    first, second = reader(), reader()
    assert post(first, article, "一人目の意見").status_code == 201
    assert post(second, article, "同じ回線の二人目").status_code == 201
    # The first one is still braked by its own budget.
    too_soon = post(first, article, "一人目の二回目")
    assert too_soon.status_code == 429 and "秒" in too_soon.json()["message"]
    # The poster IDs tell the two apart.
    ids = set(Comment.objects.values_list("poster_id", flat=True))
    assert len(ids) == 2


def test_the_address_has_its_own_bigger_hourly_budget(article, settings):
    settings.KIJI_COMMENTS_ADDRESS_HOURLY_LIMIT = 4
    assert DEFAULTS["ADDRESS_HOURLY_LIMIT"] > DEFAULTS["HOURLY_LIMIT"]
    codes = [post(reader(), article, f"投稿その{n}").status_code for n in range(6)]
    assert codes == [201] * 4 + [429] * 2
    refused = post(reader(), article, "さらに")
    assert "お使いのネットワークから過去1時間" in refused.json()["message"]
    assert post(reader("198.51.100.6"), article, "別の場所から").status_code == 201


def test_a_double_click_from_another_browser_is_not_answered_with_someone_elses_comment(article):
    first, second = reader(), reader()
    assert post(first, article, "草").status_code == 201
    assert post(second, article, "草").status_code == 201
    assert Comment.objects.count() == 2
    assert post(first, article, "草").status_code == 200  # first's own double click
    assert Comment.objects.count() == 2


# --- Bans aimed at people ----------------------------------------------------------------------


def _posted_by(client: Client, article, body: str) -> Comment:
    assert post(client, article, body).status_code == 201
    return Comment.objects.get(body=body)


def test_a_ban_stops_that_browser_everywhere_but_not_its_neighbours(article):
    comment = CommentFactory(article=article)
    troll, neighbour = reader(), reader()
    vote(neighbour, comment, "up")  # the neighbour used the site before the ban
    own = _posted_by(troll, article, "荒らしの投稿")
    ban = ban_sender(comment=own, moderator=moderator(), reason="荒らし", days=7)
    assert ban.scope == Ban.Scope.PERSON and ban.browser_key and ban.sender_hash
    troll.defaults["REMOTE_ADDR"] = "198.51.100.77"  # moving to another network does not help
    refused = post(troll, article, "別の回線から")
    assert refused.status_code == 403 and "停止されています" in refused.json()["message"]
    assert vote(troll, comment, "up").status_code == 403
    assert report(troll, comment).status_code == 403
    # Nor can it edit or delete what it wrote.
    edit = troll.post(f"/comments/{own.pk}/edit/", {"body": "書き換え"}, **JSON)
    assert edit.status_code == 403
    assert troll.post(f"/comments/{own.pk}/delete/", **JSON).status_code == 403
    own.refresh_from_db()
    assert own.body == "荒らしの投稿" and own.status == Comment.Status.VISIBLE
    # The reader who shares the troll's old address is not banned.
    assert post(neighbour, article, "巻き込まれない").status_code == 201


def test_clearing_cookies_on_the_banned_address_does_not_escape_the_ban(article):
    troll = reader()
    own = _posted_by(troll, article, "最初の荒らし")
    ban_sender(comment=own, moderator=moderator(), reason="荒らし")
    fresh = reader()  # cookies cleared: a browser first seen after the ban
    assert post(fresh, article, "クッキーを消して再投稿").status_code == 403
    # After the fresh-browser window the address is open to newcomers again.
    Ban.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post(reader(), article, "一日後の新しい読者").status_code == 201


def test_an_address_wide_ban_is_explicit_labelled_and_expires(client, article):
    flooder = reader()
    own = _posted_by(flooder, article, "洪水")
    client.force_login(moderator())
    page = client.get("/admin/comments/comment/").content.decode()
    assert 'value="ban_addresses"' in page and "24時間" in page
    client.post(
        "/admin/comments/comment/",
        {"action": "ban_addresses", "_selected_action": [own.pk]},
    )
    ban = Ban.objects.get()
    assert ban.scope == Ban.Scope.ADDRESS and ban.expires_at is not None
    assert ban.expires_at <= timezone.now() + timedelta(days=1)
    # Everyone behind the address, old browsers included; other addresses are fine.
    assert post(reader(), article, "同じアドレスの誰か").status_code == 403
    assert post(reader("198.51.100.8"), article, "よその誰か").status_code == 201
    Ban.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(reader(), article, "期限が切れた").status_code == 201


def test_an_address_wide_ban_without_expiry_is_refused_in_the_admin(client):
    client.force_login(moderator())
    response = client.post(
        "/admin/comments/ban/add/",
        {
            "scope": "address",
            "sender_hash": "a" * 64,
            "browser_key": "",
            "reason": "洪水",
            "created_at_0": timezone.localdate().isoformat(),
            "created_at_1": "00:00:00",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 200
    assert "有効期限を設定してください" in response.content.decode()
    assert not Ban.objects.exists()


# --- Reports that cannot be weaponised ---------------------------------------------------------

ATTACKERS = ("192.0.2.10", "198.51.100.10", "203.0.113.200")  # three networks


def test_three_addresses_hold_at_most_the_documented_few_comments_per_hour():
    limit = DEFAULTS["ADDRESS_REPORTS_PER_HOUR"]
    assert limit == 6
    article = ArticleFactory()
    targets = [CommentFactory(article=article) for _ in range(20)]
    for target in targets:
        for ip in ATTACKERS:
            report(reader(ip), target)  # a fresh browser (cookies cleared) every time
    held = Comment.objects.filter(status=Comment.Status.HELD).count()
    assert held == limit
    refused = report(reader(ATTACKERS[0]), targets[-1])
    assert refused.status_code == 429 and "1時間" in refused.json()["message"]


def test_a_browser_has_a_smaller_report_budget_and_a_daily_cap(article, settings):
    settings.KIJI_COMMENTS_REPORTS_PER_DAY = 5
    settings.KIJI_COMMENTS_REPORTS_PER_HOUR = 3
    settings.KIJI_COMMENTS_REPORT_HOLD_THRESHOLD = 0
    targets = [CommentFactory(article=article) for _ in range(6)]
    me = reader()
    assert [report(me, t).status_code for t in targets[:4]] == [302, 302, 302, 429]
    Report.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert [report(me, t).status_code for t in targets[3:6]] == [302, 302, 429]
    assert "明日" in report(me, targets[5]).json()["message"]


def test_reports_from_one_network_never_hold(article):
    target = CommentFactory(article=article)
    for host in range(1, 6):  # five browsers on five addresses of one /24
        assert report(reader(f"192.0.2.{host}"), target).status_code == 302
    target.refresh_from_db()
    assert target.status == Comment.Status.VISIBLE and target.report_count == 5


def test_an_approved_comment_is_not_held_again_by_the_same_wave(client, article):
    target = CommentFactory(article=article, body="正当な批判")
    for ip in ATTACKERS:
        report(reader(ip), target)
    target.refresh_from_db()
    assert target.status == Comment.Status.HELD
    client.force_login(moderator())
    client.post(f"/comments/{target.pk}/moderate/", {"action": "unhide"})
    target.refresh_from_db()
    assert target.status == Comment.Status.VISIBLE
    # The same networks come back with fresh browsers: the comment stays up.
    for ip in ATTACKERS:
        assert report(reader(ip), target).status_code == 302
    target.refresh_from_db()
    assert target.status == Comment.Status.VISIBLE
    # New reporters from other networks still count.
    for ip in ("10.20.1.1", "10.20.2.1", "10.20.3.1"):
        report(reader(ip), target)
    target.refresh_from_db()
    assert target.status == Comment.Status.HELD


def test_a_network_hash_is_stored_not_the_network(article):
    target = CommentFactory(article=article)
    report(reader("192.0.2.77"), target)
    row = Report.objects.values().get()
    assert not any("192.0.2" in str(value) for value in row.values())
    assert len(row["network_hash"]) == 64 and row["network_hash"] != row["sender_hash"]


# --- Hidden means hidden -----------------------------------------------------------------------


def _reader_pages(article, comments: list[Comment]) -> list[str]:
    pages = [article.get_absolute_url(), "/", "/feed/", "/comments/feed/"]
    for comment in comments:
        pages += [
            comment.get_absolute_url(),
            f"/comments/{comment.pk}/reply/",
            f"/comments/{comment.pk}/report/",
        ]
    return pages


def test_hidden_held_and_deleted_text_is_in_no_byte_a_reader_can_fetch(client, article):
    hidden = CommentFactory(article=article, author_name="隠名", body="秘密その一 非表示の本文")
    held = CommentFactory(article=article, held=True, author_name="保名", body="秘密その二 保留")
    deleted = CommentFactory(article=article, deleted=True, author_name="削名", body="秘密その三")
    hide_comment(comment=hidden, moderator=moderator(), reason="規約違反")
    replies = [
        CommentFactory(article=article, parent=parent, body=f">>{parent.number} への返信")
        for parent in (hidden, held, deleted)
    ]
    for parent in (hidden, held, deleted):
        page = client.get(parent.get_absolute_url())
        assert page.status_code == 200  # the visible reply keeps the permalink alive
        html = page.content.decode()
        assert '<meta name="robots" content="noindex">' in html
        assert f'rel="canonical" href="http://testserver{parent.get_absolute_url()}"' not in html
        assert "canonical" not in html and "og:" not in html and "ld+json" not in html
    secrets = ["秘密その一", "秘密その二", "秘密その三", "非表示の本文", "隠名", "保名", "削名"]
    # Search echoes the query itself; the results must not carry the rest of the text.
    searches = [f"/search/?q={word}" for word in ("秘密", "保留", "本文")]
    for path in [*_reader_pages(article, [hidden, held, deleted, *replies]), *searches]:
        response = client.get(path)
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (path, secret)
    # The reply pages of non-visible comments are not there at all.
    for parent in (hidden, held, deleted):
        assert client.get(f"/comments/{parent.pk}/reply/").status_code == 404


def test_a_visible_permalink_keeps_its_description_and_canonical(client, article):
    comment = CommentFactory(article=article, body="見える意見です")
    html = client.get(comment.get_absolute_url()).content.decode()
    assert '<meta name="description" content="見える意見です">' in html
    assert f"{comment.get_absolute_url()}" in html and 'rel="canonical"' in html
    assert "noindex" not in html


def test_a_permalink_without_visible_replies_is_not_found(client, article):
    for comment in (
        CommentFactory(article=article, hidden=True),
        CommentFactory(article=article, held=True),
        CommentFactory(article=article, deleted=True),
    ):
        assert client.get(comment.get_absolute_url()).status_code == 404


# --- Feed text is text -------------------------------------------------------------------------

HOSTILE_NAME = "<select autofocus onfocus=alert(1)>"


def _titles(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    return [element.text or "" for element in root.iter("title")]


def test_feed_titles_parse_as_plain_text(client):
    article = ArticleFactory(title="<b>太字</b> & <i>斜体</i> &amp;")
    assert post(reader(), article, "名前が危ない", author_name=HOSTILE_NAME).status_code == 201
    for path in ("/comments/feed/", "/feed/"):
        response = client.get(path)
        assert response.status_code == 200
        titles = _titles(response.content)
        assert len(titles) >= 2
        for title in titles:
            # After XML unescaping there is nothing a reader could parse as a tag or entity.
            assert "<" not in title and ">" not in title and "&" not in title, (path, title)
    comment_titles = _titles(client.get("/comments/feed/").content)
    assert any("＜select autofocus onfocus=alert(1)＞" in title for title in comment_titles)
    assert any(
        "＜b＞太字＜/b＞ ＆ ＜i＞斜体＜/i＞ ＆amp;" in t
        for t in _titles(client.get("/feed/").content)
    )


# --- Smaller holes -----------------------------------------------------------------------------


def test_a_typed_diamond_cannot_pass_for_a_tripcode(article):
    assert post(reader(), article, "本物です", author_name="船好き◆AbCdEfGhIj").status_code == 201
    comment = Comment.objects.get()
    assert comment.author_name == "船好き◇AbCdEfGhIj" and comment.tripcode == ""
    assert post(reader(), article, "こちらが本物", author_name="船好き#ひみつ").status_code == 201
    real = Comment.objects.latest("pk")
    assert real.author_name == "船好き" and real.tripcode and "◆" not in real.author_name


@pytest.mark.parametrize(
    "body",
    [
        "お前は ば\u200bか だ",  # zero-width space
        "お前は ば\u200dか だ",  # zero-width joiner
        "お前は バカ だ",  # katakana
        "お前は ﾊﾞｶ だ",  # half-width katakana
        "ＳＰＡＭ です",  # full-width, upper case
        "S\u00adpam です",  # soft hyphen
        "ｓ\ufe0fpam です",  # variation selector
    ],
)
def test_ng_words_match_whatever_the_disguise(article, body):
    NGWordFactory(word="ばか")
    NGWordFactory(word="spam")
    response = post(reader(), article, body)
    assert response.status_code == 201
    assert Comment.objects.get().status == Comment.Status.HELD


def test_an_ng_word_typed_in_another_form_still_matches(article):
    NGWordFactory(word="ＳＰＡＭ\u200b")
    post(reader(), article, "spam")
    assert Comment.objects.get().status == Comment.Status.HELD


def test_editors_see_neither_emails_nor_hashes_and_cannot_search_by_hash(client, article):
    comment = CommentFactory(article=article, email="secret@example.com", body="編集者も読む")
    client.force_login(editor())
    listing = client.get("/admin/comments/comment/").content.decode()
    assert "編集者も読む" in listing and comment.sender_hash[:12] not in listing
    change = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "secret@example.com" not in change and comment.sender_hash not in change
    by_hash = client.get(f"/admin/comments/comment/?q={comment.sender_hash}").content.decode()
    assert "編集者も読む" not in by_hash
    # Moderators still do.
    client.force_login(moderator())
    change = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "secret@example.com" in change and comment.sender_hash in change
    by_hash = client.get(f"/admin/comments/comment/?q={comment.sender_hash}").content.decode()
    assert "編集者も読む" in by_hash
