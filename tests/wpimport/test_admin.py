"""The admin upload page: editors start an import, watch it and read its report or error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from blog.models import Article
from comments.models import Comment
from tests.factories import editor, moderator
from wpimport.models import ImportRun
from wpimport.runs import wait_for

ADD_URL = "/admin/wpimport/importrun/add/"


def upload(client, name: str, content: bytes):
    return client.post(ADD_URL, {"file": SimpleUploadedFile(name, content, "text/xml")})


@pytest.mark.django_db(transaction=True)
def test_editor_uploads_an_export_and_watches_it_finish(client, features_file):
    client.force_login(editor())
    assert client.get(ADD_URL).status_code == 200
    response = upload(client, "export.xml", features_file.read_bytes())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:wpimport_importrun_change", args=[run.pk])
    wait_for(run.pk, timeout=120)

    state = client.get(reverse("admin:wpimport_importrun_status", args=[run.pk])).json()
    assert state["status"] == "done" and state["finished"] is True
    assert state["report"]["counts"]["post"]["created"] == 17
    assert state["progress"]["percent"] == 100
    assert Article.objects.count() == 20 and Comment.objects.count() == 13
    page = client.get(response["Location"])
    assert page.status_code == 200
    listing = client.get("/admin/wpimport/importrun/").content.decode()
    assert "export.xml" in listing
    assert "17" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_broken_upload_fails_with_its_line_and_imports_nothing(client, features_file):
    client.force_login(editor())
    upload(client, "broken.xml", features_file.read_bytes()[:20_000])
    run = ImportRun.objects.get()
    wait_for(run.pk, timeout=120)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "line" in run.error
    assert Article.objects.count() == 0
    page = client.get(reverse("admin:wpimport_importrun_change", args=[run.pk])).content.decode()
    assert run.error in page


@pytest.mark.django_db
def test_only_editors_may_import(client):
    client.force_login(moderator())
    assert client.get(ADD_URL).status_code == 403
    assert upload(client, "export.xml", b"<rss/>").status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
@override_settings(KIJI_WPIMPORT_MAX_UPLOAD_MB=0)
def test_too_large_or_non_xml_files_are_refused_before_importing(client):
    client.force_login(editor())
    response = upload(client, "export.xml", b"<rss></rss>")
    assert response.status_code == 200 and "manage.py import_wordpress" in response.content.decode()
    with override_settings(KIJI_WPIMPORT_MAX_UPLOAD_MB=5):
        response = upload(client, "export.xml", b"PK\x03\x04 zip data")
    assert response.status_code == 200 and response.context["form"].errors
    assert not ImportRun.objects.exists()
