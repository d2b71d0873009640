"""factory_boy factories shared by the whole suite, with state traits (published, draft, …)."""

from __future__ import annotations

import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from blog.models import Article, Category, Source
from core.roles import sync_role_permissions
from media.models import Image


def png_bytes(width: int = 64, height: int = 48, color: str = "#336699") -> bytes:
    """A small valid PNG."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    """A staff-less user; traits make editors, moderators and superusers."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


def editor(**kwargs) -> object:
    """A staff user in the Editors group."""
    # Transactional tests truncate every table, groups included: recreate the roles if needed.
    sync_role_permissions()
    return UserFactory(is_staff=True, groups=["Editors"], **kwargs)


def moderator(**kwargs) -> object:
    """A staff user in the Moderators group."""
    sync_role_permissions()
    return UserFactory(is_staff=True, groups=["Moderators"], **kwargs)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"カテゴリ{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    """A library image added through ``media.services.add_image``, renditions made at once (as
    if its transaction had committed)."""

    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"写真{n}")
    credit = "テスト撮影班"
    file = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="test.png"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Image:
        from django.test import TestCase

        from media.services import add_image

        with TestCase.captureOnCommitCallbacks(execute=True):
            return add_image(**kwargs)


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article; published an hour ago unless a trait says otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"テスト記事{n}")
    lead = "リード文です。"
    summary = "要約の一行。"
    body = "<p>本文の段落です。</p>"
    category = factory.SubFactory(CategoryFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        published = factory.Trait(status=Article.Status.PUBLISHED)
        draft = factory.Trait(status=Article.Status.DRAFT)
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )

    @factory.post_generation
    def tags(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.tags.add(*extracted)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"参考記事{n}")
    url = factory.Sequence(lambda n: f"https://news.example.com/{n}")
    order = factory.Sequence(lambda n: n)


# --- Comments ---------------------------------------------------------------------------------
# Appended by the comments app. CommentFactory goes through mptt's save (valid trees); tests that
# exercise posting rules call comments.services.post_comment instead.

from django.db.models import Max  # noqa: E402

from comments.identity import Sender, ip_hash, keyed_hash  # noqa: E402
from comments.models import Ban, Comment, NGWord, Report, Vote  # noqa: E402


def sender(ip: str = "192.0.2.1", browser: str = "browser-1") -> Sender:
    """A request identity for service calls: an address and a browser cookie token."""
    return Sender(ip_hash=ip_hash(ip), browser_key=keyed_hash("browser", browser))


def next_comment_number(article: Article) -> int:
    """The per-article number the next comment gets (as post_comment assigns it)."""
    return (Comment.objects.filter(article=article).aggregate(n=Max("number"))["n"] or 0) + 1


class CommentFactory(factory.django.DjangoModelFactory):
    """A visible comment; traits: hidden, held, deleted. Pass parent= for a reply."""

    class Meta:
        model = Comment

    article = factory.LazyAttribute(lambda c: c.parent.article if c.parent else ArticleFactory())
    parent = None
    number = factory.LazyAttribute(lambda c: next_comment_number(c.article))
    author_name = "名無しさん"
    body = factory.Sequence(lambda n: f"コメント本文その{n}")
    sender_hash = factory.LazyFunction(lambda: ip_hash("198.51.100.7"))
    poster_id = "TeStId00"

    class Params:
        hidden = factory.Trait(status=Comment.Status.HIDDEN, hidden_reason="ルール違反")
        held = factory.Trait(status=Comment.Status.HELD, held_reason="links: 5")
        deleted = factory.Trait(status=Comment.Status.DELETED)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        comment = super()._create(model_class, *args, **kwargs)
        from comments.services import recount_visible

        recount_visible(comment.article_id)
        return comment


class VoteFactory(factory.django.DjangoModelFactory):
    """A stored vote row (counts on the comment are not touched; use cast_vote for that)."""

    class Meta:
        model = Vote

    comment = factory.SubFactory(CommentFactory)
    voter_key = factory.Sequence(lambda n: keyed_hash("browser", f"voter-{n}"))
    ip_hash = factory.Sequence(lambda n: ip_hash(f"203.0.113.{n % 250}"))
    value = Vote.Value.UP


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    comment = factory.SubFactory(CommentFactory)
    reason = Report.Reason.SPAM
    sender_hash = factory.Sequence(lambda n: ip_hash(f"203.0.113.{n % 250}"))


class BanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ban

    sender_hash = factory.LazyFunction(lambda: ip_hash("192.0.2.66"))
    reason = "荒らし"


class NGWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NGWord
        django_get_or_create = ("word",)

    word = "禁止語"


# --- media library (blog.images): image files made by Pillow ------------------------------


def image_bytes(
    width: int = 64,
    height: int = 48,
    *,
    image_format: str = "PNG",
    color: str | tuple = "#336699",
    mode: str = "RGB",
    exif: PILImage.Exif | None = None,
    **options,
) -> bytes:
    """An image file of the given format and size; ``exif`` is embedded when given."""
    buffer = io.BytesIO()
    picture = PILImage.new(mode, (width, height), color)
    if exif is not None:
        options["exif"] = exif.tobytes()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def two_colour_jpeg(width: int = 400, height: int = 200, *, exif: PILImage.Exif | None = None):
    """A JPEG whose left half is red and right half blue, to see how it was rotated."""
    picture = PILImage.new("RGB", (width, height), "blue")
    picture.paste((255, 0, 0), (0, 0, width // 2, height))
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if exif is not None else {}
    picture.save(buffer, format="JPEG", quality=95, **options)
    return buffer.getvalue()


def camera_exif(orientation: int = 1) -> PILImage.Exif:
    """EXIF as a phone writes it: orientation, camera model and a GPS position (Tokyo)."""
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = "KijiPhone 12"
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 6.0), 3: "E", 4: (139.0, 45.0, 0.0)}
    return exif
